package dev.carlink.telemetry.consent;

import dev.carlink.proto.v1.Telemetry;

/**
 * The driver-monitoring signals of a sample (signal group {@code DRIVER_MONITORING}: fatigue level, eyes on road),
 * which may be kept only for a car whose owner consents to the fatigue service.
 */
public final class DriverMonitoring {

    private DriverMonitoring() {}

    /** Whether the sample carries any driver-monitoring signal. */
    public static boolean carried(Telemetry t) {
        return t.hasFatigueLevel() || t.hasIsEyesOnRoad();
    }

    /** The sample without its driver-monitoring signals; the same instance when it carries none. */
    public static Telemetry withheld(Telemetry t) {
        if (!carried(t)) {
            return t;
        }
        return t.toBuilder().clearFatigueLevel().clearIsEyesOnRoad().build();
    }
}
