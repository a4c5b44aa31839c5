package dev.carlink.simulator.mqtt;

import java.time.Duration;
import java.util.Objects;

/**
 * When a connected car goes to sleep to spare its 12 V battery, as head units do: after {@code idleBeforeSleep}
 * of real time with nothing to do (see {@code SimulatedCar.maySleep}), it announces its sleep, disconnects, stops
 * sending telemetry, and connects again after {@code checkIn} (taking the commands that waited), or as soon as
 * something happens in the car. Awake again, it stays so for at least {@code idleBeforeSleep}.
 *
 * @param idleBeforeSleep idle time before the car sleeps; {@link #NEVER} has none
 * @param checkIn longest time asleep before the car connects again, 1 s .. 1 day
 */
public record SleepPolicy(Duration idleBeforeSleep, Duration checkIn) {

    /** The car never sleeps (the default: a test's car stays reachable). */
    public static final SleepPolicy NEVER = new SleepPolicy(null, null);

    public SleepPolicy {
        if ((idleBeforeSleep == null) != (checkIn == null)) {
            throw new IllegalArgumentException("idleBeforeSleep and checkIn are both set or both null");
        }
        if (idleBeforeSleep != null) {
            if (idleBeforeSleep.isNegative() || idleBeforeSleep.isZero()) {
                throw new IllegalArgumentException("idleBeforeSleep must be > 0, was " + idleBeforeSleep);
            }
            if (checkIn.compareTo(Duration.ofSeconds(1)) < 0 || checkIn.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("checkIn must be 1 s .. 1 day, was " + checkIn);
            }
        }
    }

    /** Sleeps after {@code idleBeforeSleep} idle, for {@code checkIn} at most. */
    public static SleepPolicy after(Duration idleBeforeSleep, Duration checkIn) {
        return new SleepPolicy(
                Objects.requireNonNull(idleBeforeSleep, "idleBeforeSleep"), Objects.requireNonNull(checkIn, "checkIn"));
    }

    public boolean sleeps() {
        return idleBeforeSleep != null;
    }
}
