package dev.carlink.command.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.proto.bus.v1.LatestState;
import dev.carlink.proto.v1.CabinPosition;
import dev.carlink.proto.v1.ChildPresence;
import dev.carlink.proto.v1.Door;
import dev.carlink.proto.v1.LowVoltageSystemState;
import dev.carlink.proto.v1.OccupancyStatus;
import dev.carlink.proto.v1.ReasonCode;
import dev.carlink.proto.v1.Seat;
import dev.carlink.proto.v1.Telemetry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class CloudPreconditionsTest {

    private static final Instant NOW = Instant.parse("2026-07-01T14:00:00Z");
    private static final CommandSpec.SterilizationStartSpec STERILIZE =
            new CommandSpec.SterilizationStartSpec(56, 15, 5, true);
    private final CloudPreconditions preconditions = new CloudPreconditions(30, 20);

    /** A parked, empty, closed and locked car with 80 % charge. */
    private static Telemetry.Builder readyCar() {
        Telemetry.Builder t = Telemetry.newBuilder()
                .setTimestampMs(NOW.minusSeconds(5).toEpochMilli())
                .setSeq(1)
                .setSelectedGear(126)
                .setSpeedKmh(0)
                .setLowVoltageSystemState(LowVoltageSystemState.LOW_VOLTAGE_SYSTEM_STATE_OFF)
                .setChildPresence(ChildPresence.CHILD_PRESENCE_NOT_DETECTED)
                .setTrunkIsOpen(false)
                .setStateOfChargePct(80);
        for (CabinPosition p : new CabinPosition[] {
            CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE, CabinPosition.CABIN_POSITION_ROW1_PASSENGER_SIDE
        }) {
            t.addDoors(Door.newBuilder().setPosition(p).setIsLocked(true));
            t.addSeats(Seat.newBuilder().setPosition(p).setOccupancy(OccupancyStatus.OCCUPANCY_STATUS_EMPTY));
        }
        return t;
    }

    private Optional<ReasonCode> sterilize(UnaryOperator<Telemetry.Builder> change) {
        LatestState state = LatestState.newBuilder()
                .setVin("SMCAR000000000001")
                .setTelemetry(change.apply(readyCar()))
                .build();
        return preconditions.sterilization(STERILIZE, Optional.of(state), NOW).map(Refusal::reason);
    }

    @Test
    void aParkedEmptyLockedCar_mayBeSterilized() {
        assertThat(sterilize(t -> t)).isEmpty();
    }

    @Test
    void eachBrokenPrecondition_refusesWithItsReason() {
        assertThat(sterilize(t -> t.setSeats(
                        0, t.getSeats(0).toBuilder().setOccupancy(OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED))))
                .contains(ReasonCode.REASON_CODE_SEAT_OCCUPIED);
        assertThat(sterilize(t -> t.setSeats(
                        1, t.getSeats(1).toBuilder().setOccupancy(OccupancyStatus.OCCUPANCY_STATUS_UNKNOWN))))
                .contains(ReasonCode.REASON_CODE_SEAT_OCCUPANCY_UNKNOWN);
        assertThat(sterilize(Telemetry.Builder::clearSeats)).contains(ReasonCode.REASON_CODE_SEAT_OCCUPANCY_UNKNOWN);
        assertThat(sterilize(t -> t.setChildPresence(ChildPresence.CHILD_PRESENCE_DETECTED)))
                .contains(ReasonCode.REASON_CODE_CHILD_PRESENT);
        assertThat(sterilize(t -> t.setChildPresence(ChildPresence.CHILD_PRESENCE_UNKNOWN)))
                .contains(ReasonCode.REASON_CODE_CHILD_PRESENT);
        assertThat(sterilize(t -> t.setDoors(0, t.getDoors(0).toBuilder().setIsOpen(true))))
                .contains(ReasonCode.REASON_CODE_DOOR_OPEN);
        assertThat(sterilize(t -> t.setDoors(1, t.getDoors(1).toBuilder().setIsLocked(false))))
                .contains(ReasonCode.REASON_CODE_DOOR_UNLOCKED);
        assertThat(sterilize(t -> t.setDoors(1, t.getDoors(1).toBuilder().setWindowPositionPct(10))))
                .contains(ReasonCode.REASON_CODE_WINDOW_OPEN);
        assertThat(sterilize(t -> t.setTrunkIsOpen(true))).contains(ReasonCode.REASON_CODE_TRUNK_OPEN);
        assertThat(sterilize(t -> t.setSelectedGear(127))).contains(ReasonCode.REASON_CODE_NOT_IN_PARK);
        assertThat(sterilize(t -> t.setSpeedKmh(3))).contains(ReasonCode.REASON_CODE_VEHICLE_MOVING);
        assertThat(sterilize(t -> t.setLowVoltageSystemState(LowVoltageSystemState.LOW_VOLTAGE_SYSTEM_STATE_ON)))
                .contains(ReasonCode.REASON_CODE_IGNITION_ON);
        assertThat(sterilize(t -> t.setStateOfChargePct(29))).contains(ReasonCode.REASON_CODE_LOW_CHARGE);
    }

    @Test
    void missingOrStaleState_cannotProveTheCarIsEmpty() {
        assertThat(preconditions.sterilization(STERILIZE, Optional.empty(), NOW))
                .map(Refusal::reason)
                .contains(ReasonCode.REASON_CODE_STATE_UNKNOWN);
        assertThat(sterilize(
                        t -> t.setTimestampMs(NOW.minus(Duration.ofMinutes(11)).toEpochMilli())))
                .contains(ReasonCode.REASON_CODE_STATE_UNKNOWN);
    }

    @Test
    void anUnconfirmedChecklist_isRefusedBeforeAnythingElse() {
        CommandSpec.SterilizationStartSpec unconfirmed = new CommandSpec.SterilizationStartSpec(56, 15, 5, false);

        assertThat(preconditions.sterilization(unconfirmed, Optional.empty(), NOW))
                .map(Refusal::code)
                .contains("CHECKLIST_NOT_CONFIRMED");
    }

    @Test
    void climate_belowTwentyPercent_isRefusedUnlessOverridden() {
        LatestState low = LatestState.newBuilder()
                .setTelemetry(readyCar().setStateOfChargePct(15))
                .build();

        assertThat(preconditions.climate(new CommandSpec.ClimateStartSpec(22, 20, false), Optional.of(low)))
                .map(Refusal::reason)
                .contains(ReasonCode.REASON_CODE_LOW_CHARGE);
        assertThat(preconditions.climate(new CommandSpec.ClimateStartSpec(22, 20, true), Optional.of(low)))
                .isEmpty();
    }
}
