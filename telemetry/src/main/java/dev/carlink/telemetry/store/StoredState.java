package dev.carlink.telemetry.store;

import dev.carlink.proto.v1.Telemetry;
import java.time.Instant;
import java.util.Objects;

/**
 * A car's latest state as stored.
 *
 * @param telemetry the newest sample by (time, seq)
 * @param receivedAt when the backend received that sample
 */
public record StoredState(Telemetry telemetry, Instant receivedAt) {

    /** Requires both values. */
    public StoredState {
        Objects.requireNonNull(telemetry, "telemetry");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
