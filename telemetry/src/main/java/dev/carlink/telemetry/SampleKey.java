package dev.carlink.telemetry;

import java.util.Objects;

/**
 * What identifies a stored sample: the unique key (vin, seq, ts) of {@code telemetry.telemetry}. A
 * sample delivered twice has the same key and is stored once.
 *
 * @param vin the car
 * @param seq the car's sequence number, positive
 * @param timestampMs the sample time, epoch milliseconds
 */
public record SampleKey(String vin, long seq, long timestampMs) {

    /** Requires a VIN. */
    public SampleKey {
        Objects.requireNonNull(vin, "vin");
    }
}
