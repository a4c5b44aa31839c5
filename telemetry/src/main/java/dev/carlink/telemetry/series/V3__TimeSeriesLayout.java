package dev.carlink.telemetry.series;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema version 3: the time-series layout of the dialect V2 chose (hypertable or plain table becomes
 * partitioned), the rollups, and the bookkeeping of per-group retention. Registered with Flyway by {@code
 * TelemetrySchema}; the class name gives the version.
 */
@SuppressWarnings("checkstyle:TypeName") // Flyway reads the version from the class name
public final class V3__TimeSeriesLayout extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        try (Statement statement = connection.createStatement()) {
            String layout;
            try (ResultSet row = statement.executeQuery("SELECT telemetry.storage_layout()")) {
                row.next();
                layout = row.getString(1);
            }
            for (String sql : SeriesDialect.forLayout(layout).migration()) {
                statement.execute(sql);
            }
            statement.execute(
                    """
                    CREATE OR REPLACE FUNCTION telemetry.storage_layout() RETURNS text
                        LANGUAGE plpgsql STABLE
                    AS $fn$
                    DECLARE
                        is_hypertable boolean := false;
                    BEGIN
                        IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'timescaledb') THEN
                            EXECUTE $q$
                                SELECT EXISTS (SELECT 1 FROM timescaledb_information.hypertables
                                               WHERE hypertable_schema = 'telemetry' AND hypertable_name = 'telemetry')
                            $q$ INTO is_hypertable;
                        END IF;
                        IF is_hypertable THEN
                            RETURN 'hypertable';
                        END IF;
                        IF EXISTS (SELECT 1 FROM pg_catalog.pg_partitioned_table
                                   WHERE partrelid = 'telemetry.telemetry'::regclass) THEN
                            RETURN 'partitioned table';
                        END IF;
                        RETURN 'plain table';
                    END
                    $fn$""");
            // how far each signal group's values were cleared; the next round starts there
            statement.execute("CREATE TABLE telemetry.group_retention (signal_group text PRIMARY KEY,"
                    + " cleared_before timestamptz NOT NULL)");
        }
    }
}
