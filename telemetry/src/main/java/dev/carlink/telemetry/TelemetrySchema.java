package dev.carlink.telemetry;

import dev.carlink.telemetry.series.V3__TimeSeriesLayout;
import dev.carlink.telemetry.store.StorageLayout;
import dev.carlink.telemetry.store.TelemetryRepository;
import dev.carlink.telemetry.store.V4__FleetFacts;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The telemetry module's database schema. Several modules share one database, each with its own
 * schema and its own Flyway history table inside it, so their migrations never collide.
 */
public final class TelemetrySchema {

    /** The PostgreSQL schema that holds every telemetry table, and its Flyway history. */
    public static final String SCHEMA = "telemetry";

    /** Where the SQL migrations are on the classpath. */
    public static final String MIGRATIONS = "classpath:db/telemetry";

    private static final Logger log = LoggerFactory.getLogger(TelemetrySchema.class);

    private TelemetrySchema() {}

    /**
     * Brings schema {@value #SCHEMA} to the newest version; running it again is a no-op. Logs whether
     * {@code telemetry.telemetry} is a TimescaleDB hypertable or a plain table, and why.
     *
     * @throws org.flywaydb.core.api.FlywayException when a migration fails
     * @throws IllegalStateException when the migrated schema cannot be inspected
     */
    public static void migrate(DataSource dataSource) {
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource)
                .schemas(SCHEMA)
                .createSchemas(true)
                .table("flyway_schema_history")
                .locations(MIGRATIONS)
                .javaMigrations(new V3__TimeSeriesLayout(), new V4__FleetFacts())
                .load()
                .migrate();
        log.info(
                "telemetry schema migrated [schema: {}, applied: {}, version: {}]",
                SCHEMA,
                result.migrationsExecuted,
                result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion);
        try {
            StorageLayout layout = TelemetryRepository.storageLayout(dataSource);
            log.info(
                    "telemetry storage [table: telemetry.telemetry, layout: {}, timescaledb: {}]",
                    layout.layout(),
                    layout.timescaledbStatus());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot inspect the migrated telemetry schema", e);
        }
    }
}
