package dev.carlink.command.schedule;

import dev.carlink.proto.bus.v1.LatestState;
import dev.carlink.proto.v1.Telemetry;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * What the scheduler knows about a car when an occurrence is due: its presence and the signals of its latest
 * telemetry that the checks and the lead time need. Each signal is empty when the car never reported it.
 */
public record VehicleFacts(
        boolean online,
        OptionalDouble cabinC,
        OptionalDouble exteriorC,
        OptionalDouble stateOfChargePct,
        OptionalDouble speedKmh,
        OptionalInt selectedGear,
        Optional<Position> position) {

    /** Vehicle.CurrentLocation, degrees. */
    public record Position(double latitude, double longitude) {}

    /** Maps the telemetry module's latest state; the protobuf types stop here. */
    public static VehicleFacts of(boolean online, Optional<LatestState> state) {
        if (state.isEmpty() || !state.get().hasTelemetry()) {
            return new VehicleFacts(
                    online,
                    OptionalDouble.empty(),
                    OptionalDouble.empty(),
                    OptionalDouble.empty(),
                    OptionalDouble.empty(),
                    OptionalInt.empty(),
                    Optional.empty());
        }
        Telemetry t = state.get().getTelemetry();
        return new VehicleFacts(
                online,
                t.hasCabinTemperatureC() ? OptionalDouble.of(t.getCabinTemperatureC()) : OptionalDouble.empty(),
                t.hasExteriorTemperatureC() ? OptionalDouble.of(t.getExteriorTemperatureC()) : OptionalDouble.empty(),
                t.hasStateOfChargePct() ? OptionalDouble.of(t.getStateOfChargePct()) : OptionalDouble.empty(),
                t.hasSpeedKmh() ? OptionalDouble.of(t.getSpeedKmh()) : OptionalDouble.empty(),
                t.hasSelectedGear() ? OptionalInt.of(t.getSelectedGear()) : OptionalInt.empty(),
                t.hasLocation()
                        ? Optional.of(new Position(
                                t.getLocation().getLatitude(), t.getLocation().getLongitude()))
                        : Optional.empty());
    }
}
