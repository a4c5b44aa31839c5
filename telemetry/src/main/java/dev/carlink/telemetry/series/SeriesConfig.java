package dev.carlink.telemetry.series;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How long telemetry is kept and how the time-series layout is maintained. Every value is checked when the
 * record is built; a bad record is refused with one message listing every bad field.
 *
 * @param rawRetention raw samples older than this are dropped (whole days: partitions or chunks); samples
 *     older than this are refused at ingest
 * @param minuteRetention 1-minute rollups older than this are deleted (at least the raw retention)
 * @param hourRetention 1-hour rollups older than this are deleted (at least the minute retention)
 * @param groups per signal group, shorter retentions than the tiers' for its values: raw (cleared in the raw rows
 *     after it), 1-minute and 1-hour (0: the group is not kept at that tier); a group not named keeps the tiers'
 *     retentions
 * @param refreshInterval how often the rollups are brought up to date (PostgreSQL without TimescaleDB)
 * @param refreshLag how far behind now the rollups are materialized; newer data is aggregated at query time
 * @param maintenanceInterval how often partitions are created ahead and retention is applied
 * @param expectedRowsPerSecond the fleet's expected sample rate, which sizes TimescaleDB chunks
 */
public record SeriesConfig(
        Duration rawRetention,
        Duration minuteRetention,
        Duration hourRetention,
        Map<SignalGroup, GroupRetention> groups,
        Duration refreshInterval,
        Duration refreshLag,
        Duration maintenanceInterval,
        long expectedRowsPerSecond) {

    /** Partitions are created this many days ahead of today. */
    public static final int PARTITIONS_AHEAD_DAYS = 7;

    /**
     * One group's retentions; each at most its tier's (checked by {@link SeriesConfig}).
     *
     * @param raw how long its raw values are kept (at least PT1H)
     * @param minutes how long its 1-minute rollup values are kept; 0: not at all
     * @param hours how long its 1-hour rollup values are kept; 0: not at all
     */
    public record GroupRetention(Duration raw, Duration minutes, Duration hours) {}

    public SeriesConfig {
        groups = groups == null ? Map.of() : Map.copyOf(groups);
        List<String> problems = new ArrayList<>();
        if (rawRetention == null
                || rawRetention.compareTo(Duration.ofDays(1)) < 0
                || rawRetention.toHours() % 24 != 0) {
            problems.add("rawRetention must be whole days, at least P1D, was " + rawRetention);
        }
        if (minuteRetention == null || (rawRetention != null && minuteRetention.compareTo(rawRetention) < 0)) {
            problems.add(
                    "minuteRetention must be at least rawRetention (" + rawRetention + "), was " + minuteRetention);
        }
        if (hourRetention == null || (minuteRetention != null && hourRetention.compareTo(minuteRetention) < 0)) {
            problems.add(
                    "hourRetention must be at least minuteRetention (" + minuteRetention + "), was " + hourRetention);
        }
        groups.forEach((group, retention) -> {
            if (retention.raw() == null
                    || retention.raw().compareTo(Duration.ofHours(1)) < 0
                    || (rawRetention != null && retention.raw().compareTo(rawRetention) > 0)) {
                problems.add("retention of " + group.key() + " must be PT1H..rawRetention (" + rawRetention + "), was "
                        + retention.raw());
            }
            if (retention.minutes() == null
                    || retention.minutes().isNegative()
                    || (minuteRetention != null && retention.minutes().compareTo(minuteRetention) > 0)) {
                problems.add("minute retention of " + group.key() + " must be PT0S..minuteRetention (" + minuteRetention
                        + "), was " + retention.minutes());
            }
            if (retention.hours() == null
                    || retention.hours().isNegative()
                    || (hourRetention != null && retention.hours().compareTo(hourRetention) > 0)) {
                problems.add("hour retention of " + group.key() + " must be PT0S..hourRetention (" + hourRetention
                        + "), was " + retention.hours());
            }
        });
        if (refreshInterval == null || refreshInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add("refreshInterval must be at least PT1S, was " + refreshInterval);
        }
        if (refreshLag == null || refreshLag.isNegative() || refreshLag.compareTo(Duration.ofHours(1)) > 0) {
            problems.add("refreshLag must be PT0S..PT1H, was " + refreshLag);
        }
        if (maintenanceInterval == null || maintenanceInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add("maintenanceInterval must be at least PT1S, was " + maintenanceInterval);
        }
        if (expectedRowsPerSecond < 1) {
            problems.add("expectedRowsPerSecond must be at least 1, was " + expectedRowsPerSecond);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid telemetry storage config: " + String.join("; ", problems));
        }
    }

    /**
     * 30 days of raw samples, 180 days of minutes, 5 years of hours; locations for the raw retention and driver
     * monitoring for 7 days; rollups refreshed every 15 s, one minute behind now; maintenance hourly.
     */
    public static SeriesConfig defaults() {
        Map<SignalGroup, GroupRetention> groups = new EnumMap<>(SignalGroup.class);
        groups.put(
                SignalGroup.DRIVER_MONITORING,
                new GroupRetention(Duration.ofDays(7), Duration.ofDays(180), Duration.ofDays(5 * 365)));
        return new SeriesConfig(
                Duration.ofDays(30),
                Duration.ofDays(180),
                Duration.ofDays(5 * 365),
                groups,
                Duration.ofSeconds(15),
                Duration.ofMinutes(1),
                Duration.ofHours(1),
                10_000);
    }

    /** The raw retention of a group's values: its own, or the raw retention. */
    public Duration retentionOf(SignalGroup group) {
        GroupRetention own = groups.get(group);
        return own == null ? rawRetention : own.raw();
    }

    /** How long a group's values are kept in a rollup tier: its own, or the tier's. */
    public Duration retentionOf(SignalGroup group, Tier tier) {
        GroupRetention own = groups.get(group);
        Duration tierRetention = tier == Tier.MINUTE ? minuteRetention : hourRetention;
        if (own == null) {
            return tierRetention;
        }
        return tier == Tier.MINUTE ? own.minutes() : own.hours();
    }

    /** How long the tier itself keeps its rows. */
    public Duration retentionOf(Tier tier) {
        return tier == Tier.MINUTE ? minuteRetention : hourRetention;
    }

    /**
     * A TimescaleDB chunk interval for the expected rate: about 100 million rows per chunk (a few GB with its
     * index, so the newest chunks stay in memory on a small server), between 1 hour and 7 days, in whole hours.
     */
    public Duration chunkInterval() {
        long hours = 100_000_000L / expectedRowsPerSecond / 3600;
        return Duration.ofHours(Math.max(1, Math.min(7 * 24, hours)));
    }

    /** A copy with another raw retention (and rollup retentions raised to it if needed). */
    public SeriesConfig withRawRetention(Duration raw) {
        return new SeriesConfig(
                raw,
                max(minuteRetention, raw),
                max(hourRetention, raw),
                groups,
                refreshInterval,
                refreshLag,
                maintenanceInterval,
                expectedRowsPerSecond);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
