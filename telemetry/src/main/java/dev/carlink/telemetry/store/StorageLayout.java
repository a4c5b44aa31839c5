package dev.carlink.telemetry.store;

import java.util.Objects;

/**
 * What the schema migration made of {@code telemetry.telemetry}.
 *
 * @param layout {@code "hypertable"} or {@code "plain table"}
 * @param timescaledbStatus {@code "usable"}, {@code "not available"} (no extension on the server) or
 *     {@code "not preloaded"} (not in {@code shared_preload_libraries})
 */
public record StorageLayout(String layout, String timescaledbStatus) {

    /** Requires both values. */
    public StorageLayout {
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(timescaledbStatus, "timescaledbStatus");
    }
}
