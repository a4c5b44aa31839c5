package dev.carlink.command.schedule;

import dev.carlink.command.lifecycle.CommandSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;

/**
 * How long before ready-by the A/C starts, and how long it runs.
 *
 * <p>Lead time = the temperature gap between the expected cabin and the target, at {@value
 * #MINUTES_PER_DEGREE} minute per degree, rounded up, and at least {@value #MIN_LEAD_MINUTES} and at most
 * {@value #MAX_LEAD_MINUTES} minutes (the A/C's maximum run). The expected cabin temperature is the latest
 * cabin reading; without one the exterior reading (a parked cabin drifts towards it); without either, a
 * conservative gap of {@value #UNKNOWN_GAP_C} °C is assumed. Heating and cooling count the same.
 *
 * <p>Run time = the time left until ready-by plus a hold of {@value #HOLD_MINUTES} minutes after it (the owner
 * is rarely at the car on the minute), at most {@value #MAX_RUN_MINUTES} minutes; a start past ready-by
 * (late, within the grace period) runs for the hold.
 */
public final class LeadTime {

    public static final int MIN_LEAD_MINUTES = 5;
    public static final int MAX_LEAD_MINUTES = CommandSpec.ClimateStartSpec.MAX_DURATION_MINUTES;
    public static final double MINUTES_PER_DEGREE = 1.0;
    public static final double UNKNOWN_GAP_C = 25;
    public static final int HOLD_MINUTES = 10;
    public static final int MAX_RUN_MINUTES = CommandSpec.ClimateStartSpec.MAX_DURATION_MINUTES;

    private LeadTime() {}

    /** The lead time for a target, from the latest cabin and exterior temperatures when known. */
    public static Duration estimate(OptionalDouble cabinC, OptionalDouble exteriorC, double targetC) {
        OptionalDouble expected = cabinC.isPresent() ? cabinC : exteriorC;
        double gap = expected.isPresent() ? Math.abs(expected.getAsDouble() - targetC) : UNKNOWN_GAP_C;
        long minutes = (long) Math.ceil(gap * MINUTES_PER_DEGREE - 1e-9);
        return Duration.ofMinutes(Math.max(MIN_LEAD_MINUTES, Math.min(MAX_LEAD_MINUTES, minutes)));
    }

    /** Minutes the A/C runs when started at {@code startAt} for {@code readyBy}. */
    public static int runMinutes(Instant readyBy, Instant startAt) {
        long secondsLeft = Math.max(0, Duration.between(startAt, readyBy).getSeconds());
        long minutesLeft = (secondsLeft + 59) / 60;
        return (int) Math.min(MAX_RUN_MINUTES, minutesLeft + HOLD_MINUTES);
    }
}
