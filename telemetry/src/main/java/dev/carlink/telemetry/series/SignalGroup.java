package dev.carlink.telemetry.series;

import java.util.List;

/**
 * Signals whose raw values may be kept for less time than the rest of a sample: after the group's retention
 * its columns are cleared (set to NULL) in the raw rows, while the other signals stay until the raw retention.
 * Neither group is in the rollups.
 */
public enum SignalGroup {
    /** Where the car was: personal data, often kept for less time than the rest. */
    LOCATION(List.of("latitude", "longitude")),
    /** Driver monitoring (fatigue level, eyes on road): kept only as long as the fatigue service needs it. */
    DRIVER_MONITORING(List.of("fatigue_level", "is_eyes_on_road"));

    private final List<String> columns;

    SignalGroup(List<String> columns) {
        this.columns = columns;
    }

    /** The raw table's columns of this group. */
    public List<String> columns() {
        return columns;
    }

    /** The name in configuration keys: {@code location}, {@code driver-monitoring}. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
