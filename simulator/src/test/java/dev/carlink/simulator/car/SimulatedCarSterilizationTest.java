package dev.carlink.simulator.car;

import static dev.carlink.simulator.car.SimulatedCarCommandTest.assertRejected;
import static dev.carlink.simulator.car.TestCars.car;
import static dev.carlink.simulator.car.TestCars.phases;
import static dev.carlink.simulator.car.TestCars.stepUntil;
import static dev.carlink.simulator.car.TestCars.sterilizationCancel;
import static dev.carlink.simulator.car.TestCars.sterilizationStart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.carlink.proto.v1.CabinPosition;
import dev.carlink.proto.v1.ChildPresence;
import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.CommandOutcome;
import dev.carlink.proto.v1.CommandResult;
import dev.carlink.proto.v1.HvacMode;
import dev.carlink.proto.v1.LowVoltageSystemState;
import dev.carlink.proto.v1.OccupancyStatus;
import dev.carlink.proto.v1.ReasonCode;
import dev.carlink.proto.v1.SterilizationPhase;
import dev.carlink.proto.v1.VehicleEvent;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class SimulatedCarSterilizationTest {

    private static final CabinPosition DRIVER = CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE;
    private static final CabinPosition REAR_RIGHT = CabinPosition.CABIN_POSITION_ROW2_PASSENGER_SIDE;

    @Test
    void fullCycle_goesThroughEveryPhaseAndEndsSucceeded() {
        // given a parked, locked, empty car on a mild day
        SimulatedCar car = car();
        car.setWeather(new Weather(24, 0.5, 0.5, LocalTime.of(11, 0)));
        Command start = sterilizationStart(56, 900, 120, true);

        // when the sterilization starts
        List<CommandResult> immediate = car.execute(start);

        // then the car answers IN_PROGRESS and enters PRECHECK
        assertThat(immediate).singleElement().satisfies(r -> {
            assertThat(r.getCommandId()).isEqualTo(start.getId());
            assertThat(r.getStatus()).isEqualTo(CommandOutcome.COMMAND_OUTCOME_IN_PROGRESS);
        });
        assertThat(car.sterilizationPhase()).isEqualTo(SterilizationPhase.STERILIZATION_PHASE_PRECHECK);

        // and heats to the target, holds it, ventilates and completes
        stepUntil(car, SterilizationPhase.STERILIZATION_PHASE_HOLDING, Duration.ofMinutes(40));
        assertThat(car.hvacMode()).isEqualTo(HvacMode.HVAC_MODE_STERILIZING);
        assertThat(car.cabinTemperatureC()).isGreaterThanOrEqualTo(56);
        stepUntil(car, SterilizationPhase.STERILIZATION_PHASE_VENTILATING, Duration.ofMinutes(20));
        assertThat(car.hvacMode()).isEqualTo(HvacMode.HVAC_MODE_VENTILATING);
        stepUntil(car, SterilizationPhase.STERILIZATION_PHASE_COMPLETED, Duration.ofMinutes(5));

        List<VehicleEvent> events = car.drainEvents();
        assertThat(phases(events))
                .containsExactly(
                        SterilizationPhase.STERILIZATION_PHASE_PRECHECK,
                        SterilizationPhase.STERILIZATION_PHASE_HEATING,
                        SterilizationPhase.STERILIZATION_PHASE_HOLDING,
                        SterilizationPhase.STERILIZATION_PHASE_VENTILATING,
                        SterilizationPhase.STERILIZATION_PHASE_COMPLETED);
        assertThat(events)
                .allSatisfy(e -> assertThat(e.getSterilizationPhaseChanged().getCommandId())
                        .isEqualTo(start.getId()));
        assertThat(events.get(2).getSterilizationPhaseChanged().getCabinTemperatureC())
                .isGreaterThanOrEqualTo(56f);
        assertThat(car.drainResults()).singleElement().satisfies(r -> {
            assertThat(r.getCommandId()).isEqualTo(start.getId());
            assertThat(r.getStatus()).isEqualTo(CommandOutcome.COMMAND_OUTCOME_SUCCEEDED);
        });
        assertThat(car.hvacMode()).isEqualTo(HvacMode.HVAC_MODE_OFF);
        assertThat(car.sterilizationPhase()).isEqualTo(SterilizationPhase.STERILIZATION_PHASE_COMPLETED);

        // and the terminal phase gives way to IDLE after ten minutes
        car.step(Duration.ofMinutes(10));
        assertThat(car.sterilizationPhase()).isEqualTo(SterilizationPhase.STERILIZATION_PHASE_IDLE);
    }

    @Test
    void holding_countsOnlyTimeAtOrAboveTarget() {
        SimulatedCar car = car();
        car.execute(sterilizationStart(56, 900, 60, true));
        stepUntil(car, SterilizationPhase.STERILIZATION_PHASE_HOLDING, Duration.ofMinutes(40));

        // when the hold time has almost passed, the cabin is knocked below the target
        car.step(Duration.ofSeconds(890));
        car.setCabinTemperature(50);
        car.step(Duration.ofSeconds(20));

        // then the car is still holding: the cool seconds did not count
        assertThat(car.sterilizationPhase()).isEqualTo(SterilizationPhase.STERILIZATION_PHASE_HOLDING);
    }

    @Test
    void start_inDrive_isRejectedNotInPark() {
        assertRefused(car -> car.setGear(SimulatedCar.GEAR_DRIVE), ReasonCode.REASON_CODE_NOT_IN_PARK);
    }

    @Test
    void start_whileRollingInPark_isRejectedVehicleMoving() {
        assertRefused(car -> car.setSpeed(3), ReasonCode.REASON_CODE_VEHICLE_MOVING);
    }

    @Test
    void start_withIgnitionOn_isRejectedIgnitionOn() {
        assertRefused(
                car -> car.setIgnition(LowVoltageSystemState.LOW_VOLTAGE_SYSTEM_STATE_ON),
                ReasonCode.REASON_CODE_IGNITION_ON);
    }

    @Test
    void start_withADoorOpen_isRejectedDoorOpen() {
        assertRefused(car -> car.openDoor(REAR_RIGHT), ReasonCode.REASON_CODE_DOOR_OPEN);
    }

    @Test
    void start_withADoorUnlocked_isRejectedDoorUnlocked() {
        assertRefused(car -> car.unlockDoor(REAR_RIGHT), ReasonCode.REASON_CODE_DOOR_UNLOCKED);
    }

    @Test
    void start_withAWindowOpen_isRejectedWindowOpen() {
        assertRefused(car -> car.setWindowPosition(DRIVER, 10), ReasonCode.REASON_CODE_WINDOW_OPEN);
    }

    @Test
    void start_withTrunkOpen_isRejectedTrunkOpen() {
        assertRefused(SimulatedCar::openTrunk, ReasonCode.REASON_CODE_TRUNK_OPEN);
    }

    @Test
    void start_withASeatOccupied_isRejectedSeatOccupied() {
        assertRefused(
                car -> car.setSeat(CabinPosition.CABIN_POSITION_ROW2_MIDDLE, OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED),
                ReasonCode.REASON_CODE_SEAT_OCCUPIED);
    }

    @Test
    void start_withASeatSensorUnknown_isRejectedSeatOccupancyUnknown() {
        assertRefused(
                car -> car.setSeat(REAR_RIGHT, OccupancyStatus.OCCUPANCY_STATUS_UNKNOWN),
                ReasonCode.REASON_CODE_SEAT_OCCUPANCY_UNKNOWN);
    }

    @Test
    void start_withAChildDetected_isRejectedChildPresent() {
        assertRefused(
                car -> car.setChildPresence(ChildPresence.CHILD_PRESENCE_DETECTED),
                ReasonCode.REASON_CODE_CHILD_PRESENT);
    }

    @Test
    void start_withChildSensorUnknown_isRejectedChildPresent() {
        assertRefused(
                car -> car.setChildPresence(ChildPresence.CHILD_PRESENCE_UNKNOWN),
                ReasonCode.REASON_CODE_CHILD_PRESENT);
    }

    @Test
    void start_below30PercentCharge_isRejectedLowCharge() {
        assertRefused(car -> car.setStateOfCharge(29.5), ReasonCode.REASON_CODE_LOW_CHARGE);
    }

    @Test
    void start_withoutConfirmedChecklist_isRejectedChecklistNotConfirmed() {
        SimulatedCar car = car();

        List<CommandResult> results = car.execute(sterilizationStart(56, 900, 120, false));

        assertRejected(results, ReasonCode.REASON_CODE_CHECKLIST_NOT_CONFIRMED);
        assertNothingStarted(car);
    }

    @Test
    void start_whileACycleRuns_isRejectedAlreadyRunningAndTheFirstCycleContinues() {
        SimulatedCar car = car();
        Command first = sterilizationStart();
        car.execute(first);
        car.drainEvents();

        List<CommandResult> results = car.execute(sterilizationStart());

        assertRejected(results, ReasonCode.REASON_CODE_ALREADY_RUNNING);
        assertThat(car.sterilizationPhase()).isEqualTo(SterilizationPhase.STERILIZATION_PHASE_PRECHECK);
        assertThat(car.drainEvents()).isEmpty();
    }

    @Test
    void start_withSeveralViolations_isRejectedWithTheFirstInCheckOrder() {
        assertRefused(
                car -> {
                    car.setSeat(DRIVER, OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED);
                    car.openDoor(DRIVER);
                    car.setStateOfCharge(5);
                },
                ReasonCode.REASON_CODE_DOOR_OPEN);
    }

    @Test
    void start_withTargetBelow56_isRejectedInvalidParameter() {
        assertInvalid(sterilizationStart(55, 900, 120, true), "target_temperature_c");
    }

    @Test
    void start_withTargetAbove60_isRejectedInvalidParameter() {
        assertInvalid(sterilizationStart(61, 900, 120, true), "target_temperature_c");
    }

    @Test
    void start_withHoldBelow900s_isRejectedInvalidParameter() {
        assertInvalid(sterilizationStart(56, 899, 120, true), "hold_s");
    }

    @Test
    void start_withHoldAbove1800s_isRejectedInvalidParameter() {
        assertInvalid(sterilizationStart(56, 1801, 120, true), "hold_s");
    }

    @Test
    void start_withVentilationOutOfRange_isRejectedInvalidParameter() {
        assertInvalid(sterilizationStart(56, 900, 30, true), "ventilate_s");
    }

    @Test
    void doorOpened_whileHeating_abortsAtOnceWithDoorOpenAndFailedResult() {
        // given a cycle in its heating phase
        SimulatedCar car = car();
        Command start = sterilizationStart();
        car.execute(start);
        stepUntil(car, SterilizationPhase.STERILIZATION_PHASE_HEATING, Duration.ofMinutes(1));
        car.step(Duration.ofMinutes(2));
        car.drainEvents();

        // when someone opens a door (no step, no cloud)
        car.openDoor(REAR_RIGHT);

        // then the car aborted on its own: ABORTED event, FAILED result, heating off, ventilation on
        assertAborted(car, start, ReasonCode.REASON_CODE_DOOR_OPEN);
    }

    @Test
    void seatOccupied_whileHolding_abortsWithSeatOccupied() {
        SimulatedCar car = car();
        Command start = sterilizationStart();
        car.execute(start);
        stepUntil(car, SterilizationPhase.STERILIZATION_PHASE_HOLDING, Duration.ofMinutes(40));
        car.drainEvents();

        car.setSeat(CabinPosition.CABIN_POSITION_ROW2_MIDDLE, OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED);

        assertAborted(car, start, ReasonCode.REASON_CODE_SEAT_OCCUPIED);
    }

    @Test
    void seatSensorLost_whileHeating_abortsWithSeatOccupancyUnknown() {
        SimulatedCar car = car();
        Command start = sterilizationStart();
        car.execute(start);
        car.drainEvents();

        car.setSeat(DRIVER, OccupancyStatus.OCCUPANCY_STATUS_UNKNOWN);

        assertAborted(car, start, ReasonCode.REASON_CODE_SEAT_OCCUPANCY_UNKNOWN);
    }

    @Test
    void childDetected_whileHeating_abortsWithChildPresent() {
        SimulatedCar car = car();
        Command start = sterilizationStart();
        car.execute(start);
        car.drainEvents();

        car.setChildPresence(ChildPresence.CHILD_PRESENCE_DETECTED);

        assertAborted(car, start, ReasonCode.REASON_CODE_CHILD_PRESENT);
    }

    @Test
    void gearOutOfPark_whileHeating_abortsWithNotInPark() {
        SimulatedCar car = car();
        Command start = sterilizationStart();
        car.execute(start);
        car.drainEvents();

        car.setGear(SimulatedCar.GEAR_DRIVE);

        assertAborted(car, start, ReasonCode.REASON_CODE_NOT_IN_PARK);
    }

    @Test
    void cabinAbove70C_whileHolding_abortsWithOverTemperature() {
        SimulatedCar car = car();
        Command start = sterilizationStart();
        car.execute(start);
        stepUntil(car, SterilizationPhase.STERILIZATION_PHASE_HOLDING, Duration.ofMinutes(40));
        car.drainEvents();

        car.setCabinTemperature(71);

        assertAborted(car, start, ReasonCode.REASON_CODE_OVER_TEMPERATURE);
    }

    @Test
    void abortedCycle_ventilatesAndThenSwitchesOff() {
        SimulatedCar car = car();
        car.execute(sterilizationStart(56, 900, 120, true));
        car.openDoor(DRIVER);

        car.step(Duration.ofSeconds(121));

        assertThat(car.hvacMode()).isEqualTo(HvacMode.HVAC_MODE_OFF);
    }

    @Test
    void cancel_ofRunningCycle_abortsItCancelledAndSucceeds() {
        // given a running cycle
        SimulatedCar car = car();
        Command start = sterilizationStart();
        car.execute(start);
        car.step(Duration.ofMinutes(3));
        car.drainEvents();

        // when it is cancelled
        Command cancel = sterilizationCancel();
        List<CommandResult> results = car.execute(cancel);

        // then the start command FAILED with CANCELLED, the cancel SUCCEEDED, the cycle ended ABORTED
        assertThat(results).hasSize(2);
        assertThat(results.get(0)).satisfies(r -> {
            assertThat(r.getCommandId()).isEqualTo(start.getId());
            assertThat(r.getStatus()).isEqualTo(CommandOutcome.COMMAND_OUTCOME_FAILED);
            assertThat(r.getReason()).isEqualTo(ReasonCode.REASON_CODE_CANCELLED);
        });
        assertThat(results.get(1)).satisfies(r -> {
            assertThat(r.getCommandId()).isEqualTo(cancel.getId());
            assertThat(r.getStatus()).isEqualTo(CommandOutcome.COMMAND_OUTCOME_SUCCEEDED);
        });
        assertThat(car.drainEvents()).singleElement().satisfies(e -> {
            assertThat(e.getSterilizationPhaseChanged().getPhase())
                    .isEqualTo(SterilizationPhase.STERILIZATION_PHASE_ABORTED);
            assertThat(e.getSterilizationPhaseChanged().getAbortReason()).isEqualTo(ReasonCode.REASON_CODE_CANCELLED);
        });
        assertThat(car.hvacMode()).isEqualTo(HvacMode.HVAC_MODE_VENTILATING);
        assertThat(car.drainResults()).isEmpty();
    }

    @Test
    void cancel_withNothingRunning_isRejectedNotRunning() {
        SimulatedCar car = car();

        List<CommandResult> results = car.execute(sterilizationCancel());

        assertRejected(results, ReasonCode.REASON_CODE_NOT_RUNNING);
        assertThat(car.emittedEvents()).isEmpty();
    }

    @Test
    void duplicateStart_isExecutedOnce() {
        SimulatedCar car = car();
        Command start = sterilizationStart();
        List<CommandResult> first = car.execute(start);

        List<CommandResult> again = car.execute(start);

        assertThat(again).containsExactlyElementsOf(first);
        assertThat(phases(car.drainEvents())).containsExactly(SterilizationPhase.STERILIZATION_PHASE_PRECHECK);
        assertThat(car.executedCommandIds()).containsExactly(start.getId());
    }

    @Test
    void climateStart_duringSterilization_isRejectedAndTheCycleContinues() {
        SimulatedCar car = car();
        car.execute(sterilizationStart());

        List<CommandResult> results = car.execute(TestCars.climateStart(22, 600));

        assertRejected(results, ReasonCode.REASON_CODE_ALREADY_RUNNING);
        assertThat(car.isClimateRunning()).isFalse();
        assertThat(car.sterilizationPhase()).isEqualTo(SterilizationPhase.STERILIZATION_PHASE_PRECHECK);
    }

    @Test
    void lockingAnOpenDoor_isRefused() {
        SimulatedCar car = car();
        car.openDoor(DRIVER);

        assertThatThrownBy(() -> car.lockDoor(DRIVER))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("open door");
        assertThat(car.isDoorLocked(DRIVER)).isFalse();
    }

    private static void assertRefused(Consumer<SimulatedCar> setUp, ReasonCode expected) {
        // given a car in the state the set-up describes
        SimulatedCar car = car();
        setUp.accept(car);

        // when a sterilization is requested
        List<CommandResult> results = car.execute(sterilizationStart());

        // then the car refuses with the expected reason and starts nothing
        assertRejected(results, expected);
        assertNothingStarted(car);
    }

    private static void assertInvalid(Command command, String field) {
        SimulatedCar car = car();

        List<CommandResult> results = car.execute(command);

        assertRejected(results, ReasonCode.REASON_CODE_INVALID_PARAMETER);
        assertThat(results.get(0).getDetail()).contains(field);
        assertNothingStarted(car);
    }

    private static void assertNothingStarted(SimulatedCar car) {
        assertThat(car.sterilizationPhase()).isEqualTo(SterilizationPhase.STERILIZATION_PHASE_IDLE);
        assertThat(car.hvacMode()).isEqualTo(HvacMode.HVAC_MODE_OFF);
        assertThat(car.emittedEvents()).isEmpty();
    }

    private static void assertAborted(SimulatedCar car, Command start, ReasonCode reason) {
        assertThat(car.drainEvents()).singleElement().satisfies(e -> {
            assertThat(e.getSterilizationPhaseChanged().getCommandId()).isEqualTo(start.getId());
            assertThat(e.getSterilizationPhaseChanged().getPhase())
                    .isEqualTo(SterilizationPhase.STERILIZATION_PHASE_ABORTED);
            assertThat(e.getSterilizationPhaseChanged().getAbortReason()).isEqualTo(reason);
        });
        assertThat(car.drainResults()).singleElement().satisfies(r -> {
            assertThat(r.getCommandId()).isEqualTo(start.getId());
            assertThat(r.getStatus()).isEqualTo(CommandOutcome.COMMAND_OUTCOME_FAILED);
            assertThat(r.getReason()).isEqualTo(reason);
        });
        assertThat(car.sterilizationPhase()).isEqualTo(SterilizationPhase.STERILIZATION_PHASE_ABORTED);
        assertThat(car.hvacMode()).isEqualTo(HvacMode.HVAC_MODE_VENTILATING);
    }
}
