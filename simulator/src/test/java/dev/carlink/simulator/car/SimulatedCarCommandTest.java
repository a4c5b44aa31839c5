package dev.carlink.simulator.car;

import static dev.carlink.simulator.car.TestCars.NOW;
import static dev.carlink.simulator.car.TestCars.car;
import static dev.carlink.simulator.car.TestCars.climateStart;
import static dev.carlink.simulator.car.TestCars.climateStop;
import static dev.carlink.simulator.car.TestCars.command;
import static dev.carlink.simulator.car.TestCars.reminder;
import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.CommandOutcome;
import dev.carlink.proto.v1.CommandResult;
import dev.carlink.proto.v1.HvacMode;
import dev.carlink.proto.v1.ReasonCode;
import dev.carlink.proto.v1.VehicleEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatedCarCommandTest {

    @Test
    void climateStart_withValidParameters_succeedsAndRunsTowardsTargetWithAutoOff() {
        // given a hot parked car
        SimulatedCar car = car();
        car.setCabinTemperature(45);

        // when remote climate starts for 10 minutes at 22 °C
        Command command = climateStart(22, 600);
        List<CommandResult> results = car.execute(command);

        // then the car answers SUCCEEDED and cools with an auto-off in 10 minutes
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.getCommandId()).isEqualTo(command.getId());
            assertThat(r.getStatus()).isEqualTo(CommandOutcome.COMMAND_OUTCOME_SUCCEEDED);
            assertThat(r.getReason()).isEqualTo(ReasonCode.REASON_CODE_UNSPECIFIED);
            assertThat(r.getDetail()).isEqualTo("climate running");
            assertThat(r.getTimestampMs()).isEqualTo(NOW.toEpochMilli());
        });
        assertThat(car.isClimateRunning()).isTrue();
        assertThat(car.hvacMode()).isEqualTo(HvacMode.HVAC_MODE_COOLING);
        assertThat(car.hvacTargetTemperatureC()).hasValue(22.0);
        assertThat(car.climateAutoOffAt()).hasValue(NOW.plusSeconds(600));
        assertThat(car.telemetry().getHvac().getIsAirConditioningActive()).isTrue();

        // and after the duration the car switches climate off by itself, the cabin cooler than before
        car.step(Duration.ofSeconds(600));
        assertThat(car.isClimateRunning()).isFalse();
        assertThat(car.hvacMode()).isEqualTo(HvacMode.HVAC_MODE_OFF);
        assertThat(car.climateAutoOffAt()).isEmpty();
        assertThat(car.cabinTemperatureC()).isLessThan(30);
    }

    @Test
    void climateStop_whileRunning_succeedsAndSwitchesHvacOff() {
        SimulatedCar car = car();
        car.execute(climateStart(20, 1200));

        List<CommandResult> results = car.execute(climateStop());

        assertThat(results).singleElement().satisfies(r -> assertThat(r.getStatus())
                .isEqualTo(CommandOutcome.COMMAND_OUTCOME_SUCCEEDED));
        assertThat(car.isClimateRunning()).isFalse();
        assertThat(car.hvacMode()).isEqualTo(HvacMode.HVAC_MODE_OFF);
    }

    @Test
    void climateStop_whenNotRunning_succeedsAnyway() {
        SimulatedCar car = car();

        List<CommandResult> results = car.execute(climateStop());

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(CommandOutcome.COMMAND_OUTCOME_SUCCEEDED);
            assertThat(r.getDetail()).isEqualTo("climate was not running");
        });
    }

    @Test
    void climateStart_below10PercentCharge_isRejectedLowChargeAndHvacStaysOff() {
        SimulatedCar car = car();
        car.setStateOfCharge(9);

        List<CommandResult> results = car.execute(climateStart(22, 600));

        assertRejected(results, ReasonCode.REASON_CODE_LOW_CHARGE);
        assertThat(car.isClimateRunning()).isFalse();
        assertThat(car.hvacMode()).isEqualTo(HvacMode.HVAC_MODE_OFF);
    }

    @Test
    void climateStart_withTargetBelow16_isRejectedInvalidParameter() {
        SimulatedCar car = car();

        List<CommandResult> results = car.execute(climateStart(15.5, 600));

        assertRejected(results, ReasonCode.REASON_CODE_INVALID_PARAMETER);
        assertThat(results.get(0).getDetail()).contains("target_temperature_c");
        assertThat(car.isClimateRunning()).isFalse();
    }

    @Test
    void climateStart_withTargetAbove30_isRejectedInvalidParameter() {
        SimulatedCar car = car();

        List<CommandResult> results = car.execute(climateStart(30.5, 600));

        assertRejected(results, ReasonCode.REASON_CODE_INVALID_PARAMETER);
        assertThat(car.isClimateRunning()).isFalse();
    }

    @Test
    void climateStart_withZeroDuration_isRejectedInvalidParameter() {
        SimulatedCar car = car();

        List<CommandResult> results = car.execute(climateStart(22, 0));

        assertRejected(results, ReasonCode.REASON_CODE_INVALID_PARAMETER);
        assertThat(results.get(0).getDetail()).contains("duration_s");
        assertThat(car.isClimateRunning()).isFalse();
    }

    @Test
    void climateStart_withDurationAbove1800s_isRejectedInvalidParameter() {
        SimulatedCar car = car();

        List<CommandResult> results = car.execute(climateStart(22, 1801));

        assertRejected(results, ReasonCode.REASON_CODE_INVALID_PARAMETER);
        assertThat(car.isClimateRunning()).isFalse();
    }

    @Test
    void command_forAnotherVin_isRejectedWrongVinAndNotExecuted() {
        SimulatedCar car = car();
        Command foreign =
                climateStart(22, 600).toBuilder().setVin("SMCAR000000000043").build();

        List<CommandResult> results = car.execute(foreign);

        assertRejected(results, ReasonCode.REASON_CODE_WRONG_VIN);
        assertThat(car.isClimateRunning()).isFalse();
    }

    @Test
    void command_afterItsExpiry_isRejectedExpiredAndNotExecuted() {
        SimulatedCar car = car();
        Command expired = climateStart(22, 600).toBuilder()
                .setExpiresAtMs(NOW.toEpochMilli() - 1)
                .build();

        List<CommandResult> results = car.execute(expired);

        assertRejected(results, ReasonCode.REASON_CODE_EXPIRED);
        assertThat(car.isClimateRunning()).isFalse();
    }

    @Test
    void command_atItsExpiryInstant_isStillExecuted() {
        SimulatedCar car = car();
        Command lastMoment = climateStart(22, 600).toBuilder()
                .setExpiresAtMs(NOW.toEpochMilli())
                .build();

        List<CommandResult> results = car.execute(lastMoment);

        assertThat(results).singleElement().satisfies(r -> assertThat(r.getStatus())
                .isEqualTo(CommandOutcome.COMMAND_OUTCOME_SUCCEEDED));
    }

    @Test
    void command_withUnknownAction_isRejectedUnsupportedCommand() {
        SimulatedCar car = car();
        Command unknown = command().build();

        List<CommandResult> results = car.execute(unknown);

        assertRejected(results, ReasonCode.REASON_CODE_UNSUPPORTED_COMMAND);
        assertThat(car.emittedEvents()).isEmpty();
        assertThat(car.isClimateRunning()).isFalse();
    }

    @Test
    void command_withoutId_isRejectedInvalidParameterAndNotRemembered() {
        SimulatedCar car = car();
        Command noId = climateStart(22, 600).toBuilder().setId("").build();

        List<CommandResult> results = car.execute(noId);

        assertRejected(results, ReasonCode.REASON_CODE_INVALID_PARAMETER);
        assertThat(car.isClimateRunning()).isFalse();
        assertThat(car.executedCommandIds()).isEmpty();
    }

    @Test
    void duplicateCommandId_isExecutedOnceAndTheEarlierResultIsResent() {
        // given a climate start that was executed and then stopped
        SimulatedCar car = car();
        Command start = climateStart(22, 600);
        List<CommandResult> first = car.execute(start);
        car.execute(climateStop());

        // when the same start is delivered again
        List<CommandResult> second = car.execute(start);

        // then it is not executed again: climate stays off, the earlier result comes back, one id recorded
        assertThat(second).containsExactlyElementsOf(first);
        assertThat(car.isClimateRunning()).isFalse();
        assertThat(car.executedCommandIds()).containsOnlyOnce(start.getId());
        assertThat(car.results())
                .filteredOn(r -> r.getCommandId().equals(start.getId()))
                .hasSize(1);
    }

    @Test
    void duplicateRejectedCommand_isNotReevaluated() {
        // given a command rejected for low charge
        SimulatedCar car = car();
        car.setStateOfCharge(5);
        Command start = climateStart(22, 600);
        car.execute(start);

        // when it arrives again after the car was charged
        car.setStateOfCharge(90);
        List<CommandResult> again = car.execute(start);

        // then the earlier rejection is repeated and climate does not start
        assertRejected(again, ReasonCode.REASON_CODE_LOW_CHARGE);
        assertThat(car.isClimateRunning()).isFalse();
    }

    @Test
    void fatigueReminder_isShownAcknowledgedWithEventAndSucceeded() {
        SimulatedCar car = car();
        Command reminder = reminder();

        List<CommandResult> results = car.execute(reminder);

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.getCommandId()).isEqualTo(reminder.getId());
            assertThat(r.getStatus()).isEqualTo(CommandOutcome.COMMAND_OUTCOME_SUCCEEDED);
        });
        assertThat(car.receivedReminders()).singleElement().satisfies(r -> {
            assertThat(r.commandId()).isEqualTo(reminder.getId());
            assertThat(r.text()).isEqualTo("time for a break");
        });
        assertThat(car.drainEvents()).singleElement().satisfies(e -> assertThat(
                        e.getReminderAcknowledged().getCommandId())
                .isEqualTo(reminder.getId()));
    }

    @Test
    void fatigueReminder_withAcknowledgeDelay_answersOnlyAfterTheDriverReacts() {
        // given a driver who needs 5 s to press OK
        SimulatedCar car = new SimulatedCar(
                CarConfig.of(TestCars.VIN).withReminderAcknowledgeDelay(Duration.ofSeconds(5)), TestCars.CLOCK);
        Command reminder = reminder();

        // when the reminder arrives
        List<CommandResult> immediate = car.execute(reminder);

        // then nothing is answered yet, but the reminder is shown
        assertThat(immediate).isEmpty();
        assertThat(car.receivedReminders()).hasSize(1);
        car.step(Duration.ofSeconds(4));
        assertThat(car.drainResults()).isEmpty();
        assertThat(car.drainEvents()).isEmpty();

        // and after the delay the acknowledgement and the result are queued
        car.step(Duration.ofSeconds(1));
        assertThat(car.drainResults()).singleElement().satisfies(r -> {
            assertThat(r.getCommandId()).isEqualTo(reminder.getId());
            assertThat(r.getStatus()).isEqualTo(CommandOutcome.COMMAND_OUTCOME_SUCCEEDED);
        });
        assertThat(car.drainEvents()).singleElement().satisfies(e -> assertThat(e.hasReminderAcknowledged())
                .isTrue());
    }

    @Test
    void outputListener_hearsQueuedEvents() {
        SimulatedCar car = car();
        int[] calls = {0};
        car.setOutputListener(() -> calls[0]++);

        car.execute(reminder());

        assertThat(calls[0]).isPositive();
    }

    @Test
    void telemetry_sequenceStartsAtClockMillisAndStrictlyIncreases() {
        SimulatedCar car = car();

        long first = car.telemetry().getSeq();
        long second = car.telemetry().getSeq();
        long third = car.telemetry().getSeq();

        assertThat(first).isEqualTo(NOW.toEpochMilli());
        assertThat(second).isEqualTo(first + 1);
        assertThat(third).isEqualTo(second + 1);
    }

    @Test
    void telemetry_ofRestartedCar_continuesAboveThePreviousSequence() {
        // given a car that sent 1000 samples during its first second
        SimulatedCar before = car();
        long last = 0;
        for (int i = 0; i < 1000; i++) {
            last = before.telemetry().getSeq();
        }

        // when the simulator restarts a second later
        SimulatedCar after =
                new SimulatedCar(CarConfig.of(TestCars.VIN), Clock.fixed(NOW.plusSeconds(1), ZoneOffset.UTC));

        // then its first sample is above every earlier one
        assertThat(after.telemetry().getSeq()).isGreaterThan(last);
    }

    @Test
    void telemetry_ofParkedCar_hasEverySignalAndNoEyesOnRoadReading() {
        SimulatedCar car = car();

        var sample = car.telemetry();

        assertThat(sample.getTimestampMs()).isEqualTo(NOW.toEpochMilli());
        assertThat(sample.hasCabinTemperatureC()).isTrue();
        assertThat(sample.hasExteriorTemperatureC()).isTrue();
        assertThat(sample.getStateOfChargePct()).isEqualTo(80f);
        assertThat(sample.getSelectedGear()).isEqualTo(SimulatedCar.GEAR_PARK);
        assertThat(sample.getDoorsList()).hasSize(4).allSatisfy(d -> {
            assertThat(d.getIsOpen()).isFalse();
            assertThat(d.getIsLocked()).isTrue();
        });
        assertThat(sample.getSeatsList()).hasSize(5);
        assertThat(sample.hasLocation()).isTrue();
        assertThat(sample.getRangeKm()).isPositive();
        assertThat(sample.hasIsEyesOnRoad()).isFalse();
    }

    @Test
    void events_haveStrictlyIncreasingSequenceNumbers() {
        SimulatedCar car = car();

        car.execute(reminder());
        car.execute(reminder());
        List<VehicleEvent> events = car.drainEvents();

        assertThat(events).hasSize(2);
        assertThat(events.get(1).getSeq()).isEqualTo(events.get(0).getSeq() + 1);
        assertThat(car.drainEvents()).isEmpty();
    }

    static void assertRejected(List<CommandResult> results, ReasonCode reason) {
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(CommandOutcome.COMMAND_OUTCOME_REJECTED);
            assertThat(r.getReason()).isEqualTo(reason);
            assertThat(r.getDetail()).isNotBlank();
        });
    }
}
