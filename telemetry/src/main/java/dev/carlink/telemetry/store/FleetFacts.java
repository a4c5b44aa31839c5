package dev.carlink.telemetry.store;

import dev.carlink.proto.v1.ChildPresence;
import dev.carlink.proto.v1.OccupancyStatus;
import dev.carlink.proto.v1.Telemetry;

/**
 * The signals of a car's latest state that staff filter the fleet by, as typed columns of {@code
 * telemetry.latest_state} next to the sample's bytes. NULL where the sample did not carry the signal.
 *
 * @param cabinC cabin temperature
 * @param stateOfChargePct traction battery charge
 * @param speedKmh speed
 * @param gear selected gear (126 park)
 * @param occupied a seat reported occupied or a child detected; null when the sample said nothing of either
 * @param childDetected the child-presence sensor detects a child; null when absent
 * @param sterilizationPhase the sterilization phase number; null when absent
 */
record FleetFacts(
        Float cabinC,
        Float stateOfChargePct,
        Float speedKmh,
        Short gear,
        Boolean occupied,
        Boolean childDetected,
        Short sterilizationPhase) {

    static FleetFacts of(Telemetry t) {
        Boolean child = t.hasChildPresence() ? t.getChildPresence() == ChildPresence.CHILD_PRESENCE_DETECTED : null;
        Boolean occupied = null;
        if (t.getSeatsCount() > 0 || child != null) {
            occupied = Boolean.TRUE.equals(child)
                    || t.getSeatsList().stream()
                            .anyMatch(s -> s.getOccupancy() == OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED);
        }
        return new FleetFacts(
                t.hasCabinTemperatureC() ? t.getCabinTemperatureC() : null,
                t.hasStateOfChargePct() ? t.getStateOfChargePct() : null,
                t.hasSpeedKmh() ? t.getSpeedKmh() : null,
                t.hasSelectedGear() ? (short) t.getSelectedGear() : null,
                occupied,
                child,
                t.hasSterilizationPhase() ? (short) t.getSterilizationPhaseValue() : null);
    }
}
