package dev.carlink.telemetry.series;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.telemetry.consent.DriverMonitoring;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Deletes stored driver-monitoring values (signal group {@link SignalGroup#DRIVER_MONITORING}) of cars whose owner
 * does not consent to the fatigue service: the group's columns are cleared in the raw rows, in batches of {@value
 * SeriesStorage#CLEAR_BATCH} rows as the group's retention clears them, the group's rollup values where this module
 * keeps the rollups (the group is not rolled up today), and the signals are removed from the latest state. The rest
 * of each sample stays. Idempotent. Blocks: call it from a worker thread.
 */
public final class DriverMonitoringErasure {

    /** What was cleared. */
    public record Cleared(long rawRows, long rollupRows, int latestStates) {

        public long total() {
            return rawRows + rollupRows + latestStates;
        }
    }

    private final DataSource dataSource;
    private final SeriesDialect dialect;

    public DriverMonitoringErasure(DataSource dataSource, SeriesDialect dialect) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.dialect = Objects.requireNonNull(dialect, "dialect");
    }

    /** Clears the driver-monitoring values of these cars: they were opted out. */
    public Cleared clear(Collection<String> vins) throws SQLException {
        return run("vin = ANY (?)", vins);
    }

    /**
     * Clears the driver-monitoring values of every car but these (the consented ones): catches up with opt-outs
     * that happened while this module was not listening, and with values stored before consent was required.
     */
    public Cleared clearAllBut(Collection<String> consented) throws SQLException {
        return run("NOT (vin = ANY (?))", consented);
    }

    private Cleared run(String cars, Collection<String> vins) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            Array vinArray = c.createArrayOf("text", vins.toArray());
            long raw = clearColumns(c, "telemetry.telemetry", SignalGroup.DRIVER_MONITORING.columns(), cars, vinArray);
            long rollups = 0;
            List<String> rolled = new ArrayList<>();
            for (RolledSignal signal : SignalGroup.DRIVER_MONITORING.rolled()) {
                for (String suffix : List.of("_min", "_max", "_sum", "_n")) {
                    rolled.add(signal.column() + suffix);
                }
            }
            if (!rolled.isEmpty() && dialect.refreshedByModule()) {
                for (Tier tier : Tier.values()) {
                    rollups += clearColumns(c, tier.relation(), rolled, cars, vinArray);
                }
            }
            int latest = clearLatest(c, cars, vinArray);
            return new Cleared(raw, rollups, latest);
        }
    }

    /** Batches of at most {@link SeriesStorage#CLEAR_BATCH} rows, each its own transaction, as retention does. */
    private static long clearColumns(Connection c, String table, List<String> columns, String cars, Array vins)
            throws SQLException {
        String assignments =
                String.join(", ", columns.stream().map(col -> col + " = NULL").toList());
        String anySet = String.join(
                " OR ", columns.stream().map(col -> col + " IS NOT NULL").toList());
        // table and column names come from this module's enums, never from a request
        String sql = "UPDATE " + table + " SET " + assignments + " WHERE (tableoid, ctid) IN (SELECT tableoid, ctid"
                + " FROM " + table + " WHERE " + cars + " AND (" + anySet + ") LIMIT " + SeriesStorage.CLEAR_BATCH
                + ")";
        long total = 0;
        try (PreparedStatement update = c.prepareStatement(sql)) {
            update.setArray(1, vins);
            int n;
            do {
                n = update.executeUpdate();
                total += n;
            } while (n > 0);
        }
        return total;
    }

    /**
     * The latest state keeps the sample's bytes: each one carrying driver-monitoring signals is rewritten without
     * them, unless the state advanced meanwhile (the writer stores samples already admitted by consent).
     */
    private static int clearLatest(Connection c, String cars, Array vins) throws SQLException {
        int cleared = 0;
        try (PreparedStatement select =
                        c.prepareStatement("SELECT vin, seq, sample FROM telemetry.latest_state WHERE " + cars);
                PreparedStatement update = c.prepareStatement(
                        "UPDATE telemetry.latest_state SET sample = ? WHERE vin = ? AND seq = ? AND sample = ?")) {
            select.setArray(1, vins);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    byte[] bytes = rows.getBytes("sample");
                    Telemetry sample;
                    try {
                        sample = Telemetry.parseFrom(bytes);
                    } catch (InvalidProtocolBufferException e) {
                        throw new SQLException(
                                "latest_state.sample of " + rows.getString("vin") + " is not a vehicle.v1.Telemetry",
                                e);
                    }
                    if (!DriverMonitoring.carried(sample)) {
                        continue;
                    }
                    update.setBytes(1, DriverMonitoring.withheld(sample).toByteArray());
                    update.setString(2, rows.getString("vin"));
                    update.setLong(3, rows.getLong("seq"));
                    update.setBytes(4, bytes);
                    cleared += update.executeUpdate();
                }
            }
        }
        return cleared;
    }
}
