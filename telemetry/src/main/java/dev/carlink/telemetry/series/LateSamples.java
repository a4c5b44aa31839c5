package dev.carlink.telemetry.series;

import dev.carlink.telemetry.SampleKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The writer's side of {@link RollupRefresher}'s protocol, inside the writer's transaction: read {@code
 * pending} under a share lock before inserting, then record the cars that got samples below it, so their
 * minutes are rolled up again.
 */
public final class LateSamples {

    private LateSamples() {}

    /** Reads {@code pending}, holding a share lock on the state row until the transaction ends. */
    public static Instant lockPending(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                        "SELECT (extract(epoch FROM pending) * 1000)::int8 FROM telemetry.rollup_state FOR SHARE");
                ResultSet row = ps.executeQuery()) {
            row.next();
            return Instant.ofEpochMilli(row.getLong(1));
        }
    }

    /** Records, per car, the range of the stored samples older than {@code pending}; returns how many cars. */
    public static int record(Connection connection, Collection<SampleKey> stored, Instant pending) throws SQLException {
        Map<String, long[]> ranges = new HashMap<>();
        long bound = pending.toEpochMilli();
        for (SampleKey key : stored) {
            if (key.timestampMs() < bound) {
                ranges.merge(key.vin(), new long[] {key.timestampMs(), key.timestampMs()}, (a, b) ->
                        new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
            }
        }
        if (ranges.isEmpty()) {
            return 0;
        }
        String[] vins = new String[ranges.size()];
        String[] lo = new String[ranges.size()];
        String[] hi = new String[ranges.size()];
        int i = 0;
        for (Map.Entry<String, long[]> range : ranges.entrySet()) {
            vins[i] = range.getKey();
            lo[i] = Instant.ofEpochMilli(range.getValue()[0]).toString();
            hi[i] = Instant.ofEpochMilli(range.getValue()[1]).toString();
            i++;
        }
        try (PreparedStatement ps =
                connection.prepareStatement("INSERT INTO telemetry.rollup_invalidation (vin, lo, hi)"
                        + " SELECT * FROM unnest(?::text[], ?::timestamptz[], ?::timestamptz[])")) {
            ps.setArray(1, connection.createArrayOf("text", vins));
            ps.setArray(2, connection.createArrayOf("text", lo));
            ps.setArray(3, connection.createArrayOf("text", hi));
            ps.executeUpdate();
        }
        return ranges.size();
    }

    /** Creates the daily partitions covering [from, to] (UTC days) that are missing. */
    public static int ensurePartitions(Connection connection, Instant from, Instant to) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT telemetry.ensure_partitions("
                + "(?::timestamptz AT TIME ZONE 'UTC')::date, (?::timestamptz AT TIME ZONE 'UTC')::date)")) {
            ps.setString(1, from.toString());
            ps.setString(2, to.toString());
            try (ResultSet row = ps.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }
}
