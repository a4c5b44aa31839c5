package dev.carlink.telemetry;

import dev.carlink.proto.v1.Telemetry;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * One validated sample of one car, as it is stored: the car's signals and when the backend received
 * them. Built only from input that passed validation; the constructor re-checks what the store's key
 * and ordering rely on.
 *
 * @param vin the car
 * @param telemetry the car's signals, with a positive {@code timestamp_ms} and {@code seq}
 * @param receivedAt when the gateway received the sample
 */
public record TelemetrySample(Vin vin, Telemetry telemetry, Instant receivedAt) {

    /**
     * Largest epoch-millisecond value accepted anywhere in this module: 9999-12-31T23:59:59.999Z, well
     * inside PostgreSQL's {@code timestamptz} range.
     */
    public static final long MAX_EPOCH_MS = 253_402_300_799_999L;

    /** Orders samples of one car from older to newer: by sample time, then by sequence number. */
    public static final Comparator<TelemetrySample> OLDER_FIRST = Comparator.comparingLong(
                    (TelemetrySample sample) -> sample.telemetry().getTimestampMs())
            .thenComparingLong(sample -> sample.telemetry().getSeq());

    /** Checks what the store relies on: positive sequence number and a time in range. */
    public TelemetrySample {
        Objects.requireNonNull(vin, "vin");
        Objects.requireNonNull(telemetry, "telemetry");
        Objects.requireNonNull(receivedAt, "receivedAt");
        if (telemetry.getSeq() <= 0) {
            throw new IllegalArgumentException(
                    "seq must be in 1.." + Long.MAX_VALUE + ", was " + Long.toUnsignedString(telemetry.getSeq()));
        }
        if (telemetry.getTimestampMs() <= 0 || telemetry.getTimestampMs() > MAX_EPOCH_MS) {
            throw new IllegalArgumentException(
                    "timestamp_ms must be in 1.." + MAX_EPOCH_MS + ", was " + telemetry.getTimestampMs());
        }
    }

    /** The key that makes a repeated delivery of this sample a duplicate. */
    public SampleKey key() {
        return new SampleKey(vin.value(), telemetry.getSeq(), telemetry.getTimestampMs());
    }
}
