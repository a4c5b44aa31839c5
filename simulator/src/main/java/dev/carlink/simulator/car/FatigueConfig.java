package dev.carlink.simulator.car;

import java.time.Duration;
import java.util.Objects;

/**
 * The driver-monitoring ladder of a simulated car (VISION.md: L1 advisory at about 2 h of driving, L2 warning at
 * 4 h, L3 critical on a second L2 within 30 min or an L2 left unacknowledged for 60 s, reset after 20 min parked).
 *
 * @param advisoryAfter time on task before L1
 * @param warningAfter time on task before L2
 * @param warningRepeatInterval time on task after an acknowledged L2 before the system warns again (the "second
 *     L2")
 * @param repeatedWarningWindow a second L2 within this window since the previous one escalates to L3
 * @param restReset parked time that resets time on task and the level
 * @param acknowledgeTimeout an L2 not acknowledged within this (real driver) time escalates to L3; not scaled
 * @param timeScale how many seconds of fatigue time pass per simulated second: 1 is realistic, 60 makes the
 *     demo reach L2 in 4 minutes instead of 4 hours; scales the four durations above
 * @param driverAcknowledgesWarnings whether the simulated driver presses "OK" on an L2 warning
 * @param driverAcknowledgeDelay how long the driver takes to press it; not scaled
 */
public record FatigueConfig(
        Duration advisoryAfter,
        Duration warningAfter,
        Duration warningRepeatInterval,
        Duration repeatedWarningWindow,
        Duration restReset,
        Duration acknowledgeTimeout,
        double timeScale,
        boolean driverAcknowledgesWarnings,
        Duration driverAcknowledgeDelay) {

    public static final Duration DEFAULT_ADVISORY_AFTER = Duration.ofHours(2);
    public static final Duration DEFAULT_WARNING_AFTER = Duration.ofHours(4);
    public static final Duration DEFAULT_WARNING_REPEAT_INTERVAL = Duration.ofMinutes(15);
    public static final Duration DEFAULT_REPEATED_WARNING_WINDOW = Duration.ofMinutes(30);
    public static final Duration DEFAULT_REST_RESET = Duration.ofMinutes(20);
    public static final Duration DEFAULT_ACKNOWLEDGE_TIMEOUT = Duration.ofSeconds(60);
    public static final double DEFAULT_TIME_SCALE = 1.0;
    public static final boolean DEFAULT_DRIVER_ACKNOWLEDGES_WARNINGS = true;
    public static final Duration DEFAULT_DRIVER_ACKNOWLEDGE_DELAY = Duration.ofSeconds(5);

    /** All defaults: a realistic driver who acknowledges warnings after 5 s. */
    public static final FatigueConfig DEFAULTS = new FatigueConfig(
            DEFAULT_ADVISORY_AFTER,
            DEFAULT_WARNING_AFTER,
            DEFAULT_WARNING_REPEAT_INTERVAL,
            DEFAULT_REPEATED_WARNING_WINDOW,
            DEFAULT_REST_RESET,
            DEFAULT_ACKNOWLEDGE_TIMEOUT,
            DEFAULT_TIME_SCALE,
            DEFAULT_DRIVER_ACKNOWLEDGES_WARNINGS,
            DEFAULT_DRIVER_ACKNOWLEDGE_DELAY);

    public FatigueConfig {
        requirePositive("advisoryAfter", advisoryAfter);
        requirePositive("warningAfter", warningAfter);
        requirePositive("warningRepeatInterval", warningRepeatInterval);
        requirePositive("repeatedWarningWindow", repeatedWarningWindow);
        requirePositive("restReset", restReset);
        requirePositive("acknowledgeTimeout", acknowledgeTimeout);
        requireNotNegative("driverAcknowledgeDelay", driverAcknowledgeDelay);
        if (warningAfter.compareTo(advisoryAfter) <= 0) {
            throw new IllegalArgumentException(
                    "warningAfter must be after advisoryAfter (" + advisoryAfter + "), was " + warningAfter);
        }
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("timeScale must be > 0 and finite, was " + timeScale);
        }
    }

    /** The same ladder at another fatigue time scale. */
    public FatigueConfig withTimeScale(double scale) {
        return new FatigueConfig(
                advisoryAfter,
                warningAfter,
                warningRepeatInterval,
                repeatedWarningWindow,
                restReset,
                acknowledgeTimeout,
                scale,
                driverAcknowledgesWarnings,
                driverAcknowledgeDelay);
    }

    /** The same ladder with another driver behaviour. */
    public FatigueConfig withDriver(boolean acknowledgesWarnings, Duration acknowledgeDelay) {
        return new FatigueConfig(
                advisoryAfter,
                warningAfter,
                warningRepeatInterval,
                repeatedWarningWindow,
                restReset,
                acknowledgeTimeout,
                timeScale,
                acknowledgesWarnings,
                acknowledgeDelay);
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, was " + value);
        }
    }

    static void requireNotNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must be >= 0, was " + value);
        }
    }
}
