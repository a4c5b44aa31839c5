package dev.carlink.proto;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The bucket widths of history at a resolution ({@code SeriesQuery}), shared by the API that parses them and
 * the telemetry module that answers: the allowed widths, their names ({@code 5m}), the automatic choice, and
 * the limit on a query's size. Buckets align to whole widths since the epoch; every width divides a day, so
 * buckets align to UTC midnight.
 */
public final class SeriesBuckets {

    /** The widths offered, smallest first. */
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

    /** The names of {@link #WIDTHS}, in the same order. */
    public static final List<String> NAMES = List.of("1m", "5m", "15m", "30m", "1h", "3h", "6h", "12h", "1d");

    /** An automatic width gives at most this many buckets (a chart's worth), if any width allows it. */
    public static final int AUTO_TARGET_BUCKETS = 720;

    /** A query may span at most this many buckets. */
    public static final int MAX_BUCKETS = 10_000;

    private SeriesBuckets() {}

    /** The width named {@code name} ({@code 1m} .. {@code 1d}). */
    public static Optional<Duration> parse(String name) {
        int i = NAMES.indexOf(name);
        return i < 0 ? Optional.empty() : Optional.of(WIDTHS.get(i));
    }

    /** The name of an offered width, or its seconds followed by {@code s}. */
    public static String name(Duration width) {
        int i = WIDTHS.indexOf(width);
        return i < 0 ? width.toSeconds() + "s" : NAMES.get(i);
    }

    /** The smallest width giving at most {@link #AUTO_TARGET_BUCKETS} buckets over the span (else 1 day). */
    public static Duration autoWidth(Duration span) {
        for (Duration width : WIDTHS) {
            if (span.toMillis() <= width.toMillis() * AUTO_TARGET_BUCKETS) {
                return width;
            }
        }
        return WIDTHS.get(WIDTHS.size() - 1);
    }

    /** Why [from, to) cannot be queried at {@code width}, or empty when it can. */
    public static Optional<String> problem(Instant from, Instant to, Duration width) {
        if (!WIDTHS.contains(width)) {
            return Optional.of(
                    "bucket must be one of " + String.join(", ", NAMES) + ", was " + width.toSeconds() + " s");
        }
        long buckets =
                (alignUp(to, width).toEpochMilli() - alignDown(from, width).toEpochMilli()) / width.toMillis();
        if (buckets > MAX_BUCKETS) {
            return Optional.of("from..to spans " + buckets + " buckets of " + name(width) + "; at most " + MAX_BUCKETS
                    + " (use a wider bucket)");
        }
        return Optional.empty();
    }

    /** The start of the bucket holding {@code t}. */
    public static Instant alignDown(Instant t, Duration width) {
        long w = width.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), w) * w);
    }

    /** {@code t} if a bucket starts there, else the start of the next bucket. */
    public static Instant alignUp(Instant t, Duration width) {
        Instant down = alignDown(t, width);
        return down.equals(t) ? t : down.plus(width);
    }
}
