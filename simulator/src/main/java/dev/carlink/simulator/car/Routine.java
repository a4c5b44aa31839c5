package dev.carlink.simulator.car;

import java.time.Duration;
import java.util.Objects;

/**
 * An owner's habit, in simulated time: the first departure, then trips of {@code tripLength} separated by
 * {@code parkedLength} parked (plugged in to charge when the battery runs low).
 */
public record Routine(Duration firstDepartureIn, Duration tripLength, Duration parkedLength) {

    public Routine {
        FatigueConfig.requireNotNegative("firstDepartureIn", firstDepartureIn);
        Objects.requireNonNull(tripLength, "tripLength");
        Objects.requireNonNull(parkedLength, "parkedLength");
        if (tripLength.isZero() || tripLength.isNegative()) {
            throw new IllegalArgumentException("tripLength must be > 0, was " + tripLength);
        }
        if (parkedLength.isZero() || parkedLength.isNegative()) {
            throw new IllegalArgumentException("parkedLength must be > 0, was " + parkedLength);
        }
    }
}
