package dev.carlink.command.lifecycle;

import dev.carlink.proto.bus.v1.LatestState;
import dev.carlink.proto.v1.HvacMode;
import dev.carlink.proto.v1.Telemetry;
import java.time.Instant;
import java.util.Optional;

/**
 * Before a command the car never answered is shown as TIMED_OUT, the car's own telemetry may prove it acted:
 * a climate start followed by a sample with the A/C running, a climate stop followed by one with the HVAC
 * off. Only samples taken after the command was last handed on count.
 */
final class TelemetryEvidence {

    private TelemetryEvidence() {}

    /** What the telemetry proves, or empty when it proves nothing. */
    static Optional<String> proves(CommandRecord command, Optional<LatestState> state) {
        if (state.isEmpty() || !state.get().getTelemetry().hasHvac()) {
            return Optional.empty();
        }
        Telemetry t = state.get().getTelemetry();
        if (!Instant.ofEpochMilli(t.getTimestampMs()).isAfter(command.updatedAt())) {
            return Optional.empty();
        }
        if (command.type() == CommandType.CLIMATE_START && t.getHvac().getIsAirConditioningActive()) {
            return Optional.of(
                    "confirmed by telemetry: climate running at " + Instant.ofEpochMilli(t.getTimestampMs()));
        }
        if (command.type() == CommandType.CLIMATE_STOP && t.getHvac().getMode() == HvacMode.HVAC_MODE_OFF) {
            return Optional.of("confirmed by telemetry: climate off at " + Instant.ofEpochMilli(t.getTimestampMs()));
        }
        return Optional.empty();
    }
}
