package dev.carlink.telemetry.series;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * History at a bucket width: min, avg and max per bucket of each rolled-up signal, from the rollups (the
 * minute one below an hour's width, the hour one from an hour up) plus the newest raw rows. Blocking: call from
 * a worker.
 */
public final class BucketQueries {

    /** The widths a query may ask for; each divides a day, so buckets align to UTC midnight. */
    public static final List<Duration> WIDTHS = List.of(
            Duration.ofMinutes(1),
            Duration.ofMinutes(5),
            Duration.ofMinutes(15),
            Duration.ofMinutes(30),
            Duration.ofHours(1),
            Duration.ofHours(3),
            Duration.ofHours(6),
            Duration.ofHours(12),
            Duration.ofDays(1));

    /** An automatic width gives at most this many buckets (a chart's worth), if a width allows it. */
    public static final int AUTO_TARGET_BUCKETS = 720;

    /** A query may span at most this many buckets. */
    public static final int MAX_BUCKETS = 10_000;

    /** One signal in one bucket; {@code count} values were seen (it is absent from the bucket when 0). */
    public record SignalStats(RolledSignal signal, double min, double avg, double max, long count) {}

    /** One bucket: its start, how many samples fell in it, and each signal that had values. */
    public record Bucket(Instant start, long samples, List<SignalStats> signals) {}

    private final DataSource dataSource;
    private final SeriesDialect dialect;

    public BucketQueries(DataSource dataSource, SeriesDialect dialect) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.dialect = Objects.requireNonNull(dialect, "dialect");
    }

    /** The smallest allowed width giving at most {@link #AUTO_TARGET_BUCKETS} buckets over the span (else 1 day). */
    public static Duration autoWidth(Duration span) {
        for (Duration width : WIDTHS) {
            if (span.toMillis() <= width.toMillis() * AUTO_TARGET_BUCKETS) {
                return width;
            }
        }
        return WIDTHS.get(WIDTHS.size() - 1);
    }

    /** Why a width or span cannot be queried, or empty when it can. */
    public static Optional<String> problem(Instant from, Instant to, Duration width) {
        if (!WIDTHS.contains(width)) {
            return Optional.of(
                    "bucket must be one of 1m, 5m, 15m, 30m, 1h, 3h, 6h, 12h, 1d, was " + width.toSeconds() + " s");
        }
        long buckets = (align(to, width, true).toEpochMilli()
                        - align(from, width, false).toEpochMilli())
                / width.toMillis();
        if (buckets > MAX_BUCKETS) {
            return Optional.of("from..to spans " + buckets + " buckets of " + width.toSeconds() + " s; at most "
                    + MAX_BUCKETS + " (use a wider bucket)");
        }
        return Optional.empty();
    }

    /**
     * The buckets of {@code vin} that have samples, oldest first, for [from, to) widened to whole buckets.
     *
     * @throws IllegalArgumentException when {@link #problem} names one
     */
    public List<Bucket> query(String vin, Instant from, Instant to, Duration width) throws SQLException {
        problem(from, to, width).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        Instant lo = align(from, width, false);
        Instant hi = align(to, width, true);
        Tier tier = width.compareTo(Duration.ofHours(1)) < 0 ? Tier.MINUTE : Tier.HOUR;
        BucketQuery rows = dialect.rollupRows(tier);
        String sql = sql(rows, width);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            int i = 1;
            for (BucketQuery.Param param : rows.params()) {
                switch (param) {
                    case VIN -> statement.setString(i++, vin);
                    case FROM -> statement.setString(i++, lo.toString());
                    case TO -> statement.setString(i++, hi.toString());
                }
            }
            List<Bucket> buckets = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    buckets.add(read(row));
                }
            }
            return buckets;
        }
    }

    /** The outer query: rollup rows re-bucketed to the width, merged per signal. */
    static String sql(BucketQuery rows, Duration width) {
        StringBuilder sql = new StringBuilder("SELECT (extract(epoch FROM date_bin(")
                .append(SeriesDialect.interval(width))
                .append(", bucket, ")
                .append(PlainPartitions.ORIGIN)
                .append(")) * 1000)::int8 AS start_ms, sum(samples)::int8 AS samples");
        for (RolledSignal s : RolledSignal.values()) {
            String c = s.column();
            sql.append(", min(")
                    .append(c)
                    .append("_min), max(")
                    .append(c)
                    .append("_max), sum(")
                    .append(c)
                    .append("_sum), sum(")
                    .append(c)
                    .append("_n)::int8");
        }
        return sql.append(" FROM (")
                .append(rows.sql())
                .append(") AS r GROUP BY 1 ORDER BY 1")
                .toString();
    }

    private static Bucket read(ResultSet row) throws SQLException {
        List<SignalStats> signals = new ArrayList<>();
        int col = 3;
        for (RolledSignal s : RolledSignal.values()) {
            double min = row.getDouble(col);
            double max = row.getDouble(col + 1);
            double sum = row.getDouble(col + 2);
            long n = row.getLong(col + 3);
            col += 4;
            if (n > 0) {
                signals.add(new SignalStats(s, min, sum / n, max, n));
            }
        }
        return new Bucket(Instant.ofEpochMilli(row.getLong("start_ms")), row.getLong("samples"), List.copyOf(signals));
    }

    /** The start of the bucket holding {@code t}. */
    public static Instant alignDown(Instant t, Duration width) {
        return align(t, width, false);
    }

    /** {@code t} if a bucket starts there, else the start of the next bucket. */
    public static Instant alignUp(Instant t, Duration width) {
        return align(t, width, true);
    }

    /** Floors (or ceils) to a whole bucket since the epoch. */
    static Instant align(Instant t, Duration width, boolean up) {
        long w = width.toMillis();
        long floor = Math.floorDiv(t.toEpochMilli(), w) * w;
        return Instant.ofEpochMilli(up && floor != t.toEpochMilli() ? floor + w : floor);
    }
}
