package dev.carlink.command.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a due occurrence starts the A/C, decided on the facts at fire time; the first failing check names
 * the skip reason. Pure: no I/O, no clock.
 */
public final class FireRules {

    /** VSS SelectedGear: 0 neutral, 126 park; anything else is a driving gear (forward, reverse, drive). */
    static final int GEAR_NEUTRAL = 0;

    static final int GEAR_PARK = 126;

    private final double minClimateChargePct;
    private final Duration gracePeriod;

    /**
     * @param minClimateChargePct the same floor as an owner's remote start (no override for schedules)
     * @param gracePeriod how late a start may still run
     */
    public FireRules(double minClimateChargePct, Duration gracePeriod) {
        this.minClimateChargePct = minClimateChargePct;
        this.gracePeriod = gracePeriod;
    }

    /** The outcome of an occurrence, with a reason and a human detail. */
    public record Decision(FireOutcome outcome, Optional<SkipReason> reason, String detail) {
        static Decision fire(String detail) {
            return new Decision(FireOutcome.FIRED, Optional.empty(), detail);
        }

        static Decision skip(SkipReason reason, String detail) {
            return new Decision(FireOutcome.SKIPPED, Optional.of(reason), detail);
        }

        static Decision byCar(String detail) {
            return new Decision(FireOutcome.CAR, Optional.empty(), detail);
        }
    }

    /** True when the planned start is older than the grace period at {@code now}. */
    public boolean isMissed(Instant plannedStart, Instant now) {
        return Duration.between(plannedStart, now).compareTo(gracePeriod) > 0;
    }

    /** Decides one occurrence of a schedule the car does not hold, planned to start at {@code plannedStart}. */
    public Decision decide(Instant plannedStart, Instant now, Optional<Geofence> location, VehicleFacts facts) {
        return decide(plannedStart, now, location, facts, false);
    }

    /**
     * Decides one occurrence planned to start at {@code plannedStart}, at {@code now}. A car that holds the
     * schedule (it acknowledged a version at least as new as the schedule's) decides it itself, online or
     * offline, and whatever the cloud's downtime: the cloud never fires it then, so it cannot run twice.
     */
    public Decision decide(
            Instant plannedStart, Instant now, Optional<Geofence> location, VehicleFacts facts, boolean heldByCar) {
        if (heldByCar) {
            return Decision.byCar("the car holds this schedule and runs the occurrence itself");
        }
        if (isMissed(plannedStart, now)) {
            return Decision.skip(
                    SkipReason.MISSED,
                    "the start at " + plannedStart + " was " + human(Duration.between(plannedStart, now))
                            + " ago, past the grace period of " + human(gracePeriod));
        }
        if (!facts.online()) {
            return whenVehicleOffline(facts);
        }
        if (facts.speedKmh().isPresent() && facts.speedKmh().getAsDouble() > 0) {
            return Decision.skip(
                    SkipReason.DRIVING,
                    "the car is moving at " + format(facts.speedKmh().getAsDouble()) + " km/h");
        }
        if (facts.selectedGear().isPresent()
                && facts.selectedGear().getAsInt() != GEAR_PARK
                && facts.selectedGear().getAsInt() != GEAR_NEUTRAL) {
            return Decision.skip(
                    SkipReason.DRIVING,
                    "the car is in a driving gear (" + facts.selectedGear().getAsInt() + ")");
        }
        if (facts.stateOfChargePct().isPresent() && facts.stateOfChargePct().getAsDouble() < minClimateChargePct) {
            return Decision.skip(
                    SkipReason.SOC_TOO_LOW,
                    "state of charge " + format(facts.stateOfChargePct().getAsDouble()) + " % is below "
                            + format(minClimateChargePct) + " %");
        }
        if (location.isPresent()) {
            Geofence fence = location.get();
            if (facts.position().isEmpty()) {
                return Decision.skip(SkipReason.NOT_AT_LOCATION, "the car's position is unknown");
            }
            VehicleFacts.Position at = facts.position().get();
            double distance = fence.distanceM(at.latitude(), at.longitude());
            if (distance > fence.radiusM()) {
                return Decision.skip(
                        SkipReason.NOT_AT_LOCATION,
                        "the car is " + Math.round(distance) + " m from the schedule's location, more than "
                                + Math.round(fence.radiusM()) + " m");
            }
        }
        Duration late = Duration.between(plannedStart, now);
        return Decision.fire(
                late.compareTo(Duration.ofSeconds(1)) < 0
                        ? "started on time"
                        : "started " + human(late) + " late, within the grace period");
    }

    /**
     * A car without a session that does not hold the schedule (it has not acknowledged the version yet)
     * cannot be told to start now: the occurrence is skipped.
     */
    Decision whenVehicleOffline(VehicleFacts facts) {
        return Decision.skip(
                SkipReason.VEHICLE_OFFLINE, "the car is offline and does not hold this schedule's current version");
    }

    /** "3 min 20 s", "45 s", "2 h 5 min". */
    static String human(Duration d) {
        long seconds = d.toSeconds();
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + " s");
        }
        long minutes = seconds / 60;
        return minutes / 60 + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
    }

    private static String format(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }
}
