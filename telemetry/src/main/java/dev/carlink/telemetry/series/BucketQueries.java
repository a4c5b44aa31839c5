package dev.carlink.telemetry.series;

import dev.carlink.proto.SeriesBuckets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * History at a bucket width: min, avg and max per bucket of each rolled-up signal, from the rollups (the
 * minute one below an hour's width, the hour one from an hour up) plus the newest raw rows. Blocking: call from
 * a worker.
 */
public final class BucketQueries {

    /** One signal in one bucket; {@code count} values were seen (it is absent from the bucket when 0). */
    public record SignalStats(RolledSignal signal, double min, double avg, double max, long count) {}

    /** One bucket: its start, how many samples fell in it, and each signal that had values. */
    public record Bucket(Instant start, long samples, List<SignalStats> signals) {}

    private final DataSource dataSource;
    private final SeriesDialect dialect;
    private final SeriesConfig config;
    private final Clock clock;

    /**
     * @param config the retentions: a group's values older than its retention at the tier read are left out,
     *     whether or not maintenance has cleared them yet (continuous aggregates are never cleared)
     * @param clock what "older" is measured against
     */
    public BucketQueries(DataSource dataSource, SeriesDialect dialect, SeriesConfig config, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The buckets of {@code vin} that have samples, oldest first, for [from, to) widened to whole buckets.
     *
     * @throws IllegalArgumentException when {@link SeriesBuckets#problem} names one
     */
    public List<Bucket> query(String vin, Instant from, Instant to, Duration width) throws SQLException {
        SeriesBuckets.problem(from, to, width).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        Instant lo = SeriesBuckets.alignDown(from, width);
        Instant hi = SeriesBuckets.alignUp(to, width);
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
            Map<SignalGroup, Instant> keptFrom = keptFrom(tier);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    buckets.add(read(row, keptFrom));
                }
            }
            return buckets;
        }
    }

    /** The outer query: rollup rows re-bucketed to the width, merged per signal (public for plans in benchmarks). */
    public static String sql(BucketQuery rows, Duration width) {
        // grouped on the timestamp itself; the epoch milliseconds (numeric arithmetic) only for the output rows
        StringBuilder sql = new StringBuilder("SELECT (extract(epoch FROM g.b) * 1000)::int8 AS start_ms, g.* FROM (")
                .append("SELECT date_bin(")
                .append(SeriesDialect.interval(width))
                .append(", bucket, ")
                .append(PlainPartitions.ORIGIN)
                .append(") AS b, sum(samples)::int8 AS samples");
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
                .append(") AS r GROUP BY 1) AS g ORDER BY g.b")
                .toString();
    }

    /** Per group with a shorter retention at the tier than the tier's own: the oldest bucket still shown. */
    private Map<SignalGroup, Instant> keptFrom(Tier tier) {
        Map<SignalGroup, Instant> from = new EnumMap<>(SignalGroup.class);
        Instant now = clock.instant();
        for (SignalGroup group : SignalGroup.values()) {
            Duration kept = config.retentionOf(group, tier);
            if (kept.compareTo(config.retentionOf(tier)) < 0) {
                from.put(group, now.minus(kept));
            }
        }
        return from;
    }

    private static Bucket read(ResultSet row, Map<SignalGroup, Instant> keptFrom) throws SQLException {
        Instant start = Instant.ofEpochMilli(row.getLong("start_ms"));
        List<SignalStats> signals = new ArrayList<>();
        int col = 4; // start_ms, b, samples, then four columns per signal
        for (RolledSignal s : RolledSignal.values()) {
            double min = row.getDouble(col);
            double max = row.getDouble(col + 1);
            double sum = row.getDouble(col + 2);
            long n = row.getLong(col + 3);
            col += 4;
            Instant oldestKept = keptFrom.get(s.group());
            if (n > 0 && (oldestKept == null || !start.isBefore(oldestKept))) {
                signals.add(new SignalStats(s, min, sum / n, max, n));
            }
        }
        return new Bucket(start, row.getLong("samples"), List.copyOf(signals));
    }
}
