package dev.carlink.telemetry.series;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Deletes everything the telemetry module holds about some cars, in one transaction: raw samples, the rollups
 * (1-minute and 1-hour), the late-sample bookkeeping and the latest state. Erasing cars with nothing stored deletes
 * nothing and succeeds, so a retry is harmless. Blocks: call it from a worker thread.
 *
 * <p>With plain partitions the transaction first takes {@link RollupRefresher}'s lock, so that no refresh round
 * that read the car's raw rows before the delete can write their rollups back after it; writers are not held up.
 * With TimescaleDB the rollups are continuous aggregates, which cannot be deleted from by car: the rows are deleted
 * from the aggregates' materialization hypertables, and the real-time part, computed from the raw rows, has none
 * left to show. A refresh of the aggregates is not used: over a span whose raw rows retention already dropped, it
 * would delete every car's older rollups.
 */
public final class VehicleErasure {

    /** What was deleted. */
    public record Erased(long samples, long rollupRows, int latestStates) {}

    private static final String MATERIALIZATIONS =
            """
            SELECT format('%I.%I', materialization_hypertable_schema, materialization_hypertable_name)
            FROM timescaledb_information.continuous_aggregates
            WHERE view_schema = 'telemetry' AND view_name IN ('rollup_1m', 'rollup_1h')
            """;

    private final DataSource dataSource;
    private final SeriesDialect dialect;

    public VehicleErasure(DataSource dataSource, SeriesDialect dialect) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.dialect = Objects.requireNonNull(dialect, "dialect");
    }

    /** Erases the cars' data; nothing is deleted unless all of it is. */
    public Erased erase(List<String> vins) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Array vinArray = c.createArrayOf("text", vins.toArray());
                long rollups = 0;
                for (String relation : rollupRelations(c)) {
                    rollups += delete(c, relation, vinArray);
                }
                if (dialect.refreshedByModule()) {
                    delete(c, "telemetry.rollup_invalidation", vinArray);
                }
                long samples = delete(c, "telemetry.telemetry", vinArray);
                int latest = (int) delete(c, "telemetry.latest_state", vinArray);
                c.commit();
                return new Erased(samples, rollups, latest);
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            }
        }
    }

    /** The relations holding the rollup rows, after taking the refresher's lock where this module refreshes them. */
    private List<String> rollupRelations(Connection c) throws SQLException {
        List<String> relations = new ArrayList<>();
        if (dialect.refreshedByModule()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                ps.setLong(1, RollupRefresher.LOCK_KEY);
                ps.executeQuery().close();
            }
            for (Tier tier : Tier.values()) {
                relations.add(tier.relation());
            }
            return relations;
        }
        try (PreparedStatement ps = c.prepareStatement(MATERIALIZATIONS);
                ResultSet rows = ps.executeQuery()) {
            while (rows.next()) {
                relations.add(rows.getString(1));
            }
        }
        return relations;
    }

    private static long delete(Connection c, String relation, Array vins) throws SQLException {
        // relation names come from this class and TimescaleDB's catalog (quoted there), never from a request
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + relation + " WHERE vin = ANY (?)")) {
            ps.setArray(1, vins);
            return ps.executeLargeUpdate();
        }
    }
}
