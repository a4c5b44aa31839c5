package dev.carlink.telemetry.series;

import java.time.Duration;

/** A rollup: the 1-minute one and the 1-hour one, built from the minutes. */
public enum Tier {
    MINUTE("telemetry.rollup_1m", Duration.ofMinutes(1)),
    HOUR("telemetry.rollup_1h", Duration.ofHours(1));

    private final String relation;
    private final Duration width;

    Tier(String relation, Duration width) {
        this.relation = relation;
        this.width = width;
    }

    /** The table (PostgreSQL) or continuous aggregate (TimescaleDB), schema-qualified. */
    public String relation() {
        return relation;
    }

    public Duration width() {
        return width;
    }
}
