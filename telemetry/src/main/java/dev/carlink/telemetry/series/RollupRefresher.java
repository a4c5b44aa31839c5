package dev.carlink.telemetry.series;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Brings the rollup tables up to date on PostgreSQL without TimescaleDB. One instance at a time (a
 * session advisory lock); others skip the round.
 *
 * <p>A round moves the watermark W (below which the minute rollup is complete) to a target T, in two
 * transactions, so that no sample is missed while writers keep committing:
 *
 * <ol>
 *   <li>Lock the state row (waiting for writers' share locks, i.e. for batches in flight to commit) and set
 *       {@code pending = T}. A writer reads {@code pending} under a share lock in its own transaction and
 *       records each sample it stores below it in {@code rollup_invalidation}.
 *   <li>Aggregate raw rows in [W, T) into minutes (every batch that committed before step 1 is visible);
 *       re-aggregate the minutes and hours of invalidated ranges per car; aggregate finished hours from
 *       minutes; set {@code watermark = T}.
 * </ol>
 *
 * <p>Queries read rollups below the watermark and raw rows above it, so a late sample reaches query results
 * at the next round. Blocking: call from a worker.
 */
public final class RollupRefresher {

    /** The most a round advances, so catching up after downtime is done in bounded transactions. */
    static final Duration MAX_STEP = Duration.ofHours(6);

    /** Advisory lock key: one refresher per database. */
    static final long LOCK_KEY = 0x74656c656d657431L;

    /**
     * What a round did.
     *
     * @param from the watermark before
     * @param to the watermark after
     * @param invalidatedCars cars whose late samples were rolled up again
     * @param behind true when the round was capped by {@link #MAX_STEP} and another should follow at once
     * @param skipped true when another instance held the lock
     */
    public record Round(Instant from, Instant to, int invalidatedCars, boolean behind, boolean skipped) {}

    private final DataSource dataSource;
    private final Duration lag;

    public RollupRefresher(DataSource dataSource, Duration lag) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.lag = Objects.requireNonNull(lag, "lag");
    }

    public Round refresh(Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            if (!advisory(c, "pg_try_advisory_lock")) {
                return new Round(null, null, 0, false, true);
            }
            try {
                return refreshLocked(c, now);
            } finally {
                if (!c.getAutoCommit()) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
                advisory(c, "pg_advisory_unlock");
            }
        }
    }

    private Round refreshLocked(Connection c, Instant now) throws SQLException {
        Instant newest = floor(now.minus(lag), Duration.ofMinutes(1));
        c.setAutoCommit(false);
        Instant watermark;
        try (PreparedStatement lock = c.prepareStatement(
                        "SELECT (extract(epoch FROM watermark) * 1000)::int8 FROM telemetry.rollup_state FOR UPDATE");
                ResultSet row = lock.executeQuery()) {
            row.next();
            watermark = Instant.ofEpochMilli(row.getLong(1));
        }
        Instant target = newest.isAfter(watermark.plus(MAX_STEP)) ? watermark.plus(MAX_STEP) : newest;
        if (target.isBefore(watermark)) {
            target = watermark;
        }
        update(c, "UPDATE telemetry.rollup_state SET pending = ?::timestamptz", target);
        c.commit();

        if (target.isAfter(watermark)) {
            update(c, rollUpMinutes("ts >= ?::timestamptz AND ts < ?::timestamptz"), watermark, target);
            Instant hoursFrom = floor(watermark, Duration.ofHours(1));
            Instant hoursTo = floor(target, Duration.ofHours(1));
            if (hoursTo.isAfter(hoursFrom)) {
                update(c, rollUpHours("bucket >= ?::timestamptz AND bucket < ?::timestamptz"), hoursFrom, hoursTo);
            }
        }
        Map<String, Instant[]> late = takeInvalidations(c);
        for (Map.Entry<String, Instant[]> car : late.entrySet()) {
            reaggregate(c, car.getKey(), car.getValue()[0], car.getValue()[1], target);
        }
        update(c, "UPDATE telemetry.rollup_state SET watermark = ?::timestamptz", target);
        c.commit();
        c.setAutoCommit(true);
        return new Round(watermark, target, late.size(), target.isBefore(newest), false);
    }

    /** Removes the recorded late ranges, merged per car: the earliest and the latest late sample. */
    private static Map<String, Instant[]> takeInvalidations(Connection c) throws SQLException {
        Map<String, Instant[]> byCar = new HashMap<>();
        try (PreparedStatement take = c.prepareStatement("DELETE FROM telemetry.rollup_invalidation RETURNING vin,"
                        + " (extract(epoch FROM lo) * 1000)::int8, (extract(epoch FROM hi) * 1000)::int8");
                ResultSet rows = take.executeQuery()) {
            while (rows.next()) {
                Instant lo = Instant.ofEpochMilli(rows.getLong(2));
                Instant hi = Instant.ofEpochMilli(rows.getLong(3));
                byCar.merge(rows.getString(1), new Instant[] {lo, hi}, (a, b) ->
                        new Instant[] {a[0].isBefore(b[0]) ? a[0] : b[0], a[1].isAfter(b[1]) ? a[1] : b[1]});
            }
        }
        return byCar;
    }

    /** Rolls up one car's minutes and finished hours again over [lo, hi], below the new watermark. */
    private static void reaggregate(Connection c, String vin, Instant lo, Instant hi, Instant target)
            throws SQLException {
        Instant minutesFrom = floor(lo, Duration.ofMinutes(1));
        Instant minutesTo = min(floor(hi, Duration.ofMinutes(1)).plus(Duration.ofMinutes(1)), target);
        if (minutesTo.isAfter(minutesFrom)) {
            try (PreparedStatement ps =
                    c.prepareStatement(rollUpMinutes("vin = ? AND ts >= ?::timestamptz AND ts < ?::timestamptz"))) {
                ps.setString(1, vin);
                ps.setString(2, minutesFrom.toString());
                ps.setString(3, minutesTo.toString());
                ps.executeUpdate();
            }
        }
        Instant hoursFrom = floor(lo, Duration.ofHours(1));
        Instant hoursTo =
                min(floor(hi, Duration.ofHours(1)).plus(Duration.ofHours(1)), floor(target, Duration.ofHours(1)));
        if (hoursTo.isAfter(hoursFrom)) {
            try (PreparedStatement ps = c.prepareStatement(
                    rollUpHours("vin = ? AND bucket >= ?::timestamptz AND bucket < ?::timestamptz"))) {
                ps.setString(1, vin);
                ps.setString(2, hoursFrom.toString());
                ps.setString(3, hoursTo.toString());
                ps.executeUpdate();
            }
        }
    }

    static String rollUpMinutes(String where) {
        return "INSERT INTO telemetry.rollup_1m (vin, bucket, samples, " + SeriesSql.rollupColumns() + ")"
                + " SELECT vin, date_bin(INTERVAL '1 minute', ts, " + PlainPartitions.ORIGIN + "), count(*)::int, "
                + SeriesSql.aggregateRaw() + " FROM telemetry.telemetry WHERE " + where + " GROUP BY 1, 2"
                + " ON CONFLICT (vin, bucket) DO UPDATE SET " + SeriesSql.replaceFromExcluded();
    }

    static String rollUpHours(String where) {
        return "INSERT INTO telemetry.rollup_1h (vin, bucket, samples, " + SeriesSql.rollupColumns() + ")"
                + " SELECT vin, date_bin(INTERVAL '1 hour', bucket, " + PlainPartitions.ORIGIN
                + "), sum(samples)::int, "
                + SeriesSql.aggregateRollup() + " FROM telemetry.rollup_1m WHERE " + where + " GROUP BY 1, 2"
                + " ON CONFLICT (vin, bucket) DO UPDATE SET " + SeriesSql.replaceFromExcluded();
    }

    private static void update(Connection c, String sql, Instant... times) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < times.length; i++) {
                ps.setString(i + 1, times[i].toString());
            }
            ps.executeUpdate();
        }
    }

    private static boolean advisory(Connection c, String function) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + function + "(?)")) {
            ps.setLong(1, LOCK_KEY);
            try (ResultSet row = ps.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    /** Floors to a multiple of {@code unit} since the epoch (the queries' 2000-01-01 origin is aligned too). */
    static Instant floor(Instant t, Duration unit) {
        long ms = unit.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), ms) * ms);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
