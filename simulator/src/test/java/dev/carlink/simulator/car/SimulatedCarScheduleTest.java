package dev.carlink.simulator.car;

import static dev.carlink.simulator.car.TestCars.NOW;
import static dev.carlink.simulator.car.TestCars.VIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.proto.ScheduleRules;
import dev.carlink.proto.v1.AcSchedule;
import dev.carlink.proto.v1.ClimateStart;
import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.CommandOutcome;
import dev.carlink.proto.v1.CommandResult;
import dev.carlink.proto.v1.Location;
import dev.carlink.proto.v1.ReasonCode;
import dev.carlink.proto.v1.ScheduleRun;
import dev.carlink.proto.v1.ScheduleSet;
import dev.carlink.proto.v1.VehicleEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The car runs the schedules the backend sent it, offline or not, under the occurrence's command id, so that it
 * and the backend never both start the A/C for one occurrence.
 */
class SimulatedCarScheduleTest {

    private static final String SCHEDULE_ID = "5b0c6f1e-2f4d-4c1a-9a57-0d3e1f2a3b4c";
    /** Monday 2 June 2025, 10:30 UTC: the occurrence after NOW (10:00) of a daily 10:30 schedule. */
    private static final Instant READY_BY = Instant.parse("2025-06-02T10:30:00Z");
    /** A 34.5 °C cabin and a 22 °C target: 13 minutes of lead time (12.5 rounded up). */
    private static final Instant START = READY_BY.minus(Duration.ofMinutes(13));

    private static final String OCCURRENCE_ID =
            ScheduleRules.commandId(SCHEDULE_ID, READY_BY).toString();

    private SkewableClock clock;
    private SimulatedCar car;

    @BeforeEach
    void parkedCarWithAHotCabin() {
        clock = new SkewableClock(Clock.fixed(NOW, ZoneOffset.UTC));
        car = new SimulatedCar(CarConfig.of(VIN).withReminderAcknowledgeDelay(Duration.ZERO), clock);
        car.setWeather(Weather.shade(35, LocalTime.NOON));
        car.setCabinTemperature(34.5);
    }

    @Test
    void aHeldSchedule_startsTheAcAtItsLeadTime_andReportsTheRunUnderTheOccurrencesCommandId() {
        // given the car holds a daily 10:30 schedule to 22 °C
        assertThat(car.execute(sync(1, daily()))).singleElement().satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(CommandOutcome.COMMAND_OUTCOME_SUCCEEDED);
            assertThat(r.getDetail()).isEqualTo("holds schedules version 1 (1)");
        });
        assertThat(car.scheduleVersion()).isEqualTo(1);

        // when time reaches one second before the start, nothing happens
        at(START.minusSeconds(1));
        assertThat(car.isClimateRunning()).isFalse();
        assertThat(runs()).isEmpty();

        // then at the start the A/C runs to 22 °C until ten minutes after ready-by
        at(START);
        assertThat(car.isClimateRunning()).isTrue();
        assertThat(car.hvacTargetTemperatureC()).hasValue(22.0);
        assertThat(car.climateAutoOffAt()).hasValue(READY_BY.plus(Duration.ofMinutes(10)));
        assertThat(runs()).singleElement().satisfies(run -> {
            assertThat(run.getScheduleId()).isEqualTo(SCHEDULE_ID);
            assertThat(run.getOccurrenceMs()).isEqualTo(READY_BY.toEpochMilli());
            assertThat(run.getPlannedStartMs()).isEqualTo(START.toEpochMilli());
            assertThat(run.getCommandId()).isEqualTo(OCCURRENCE_ID);
            assertThat(run.getStarted()).isTrue();
            assertThat(run.getSkipReason()).isEqualTo(ReasonCode.REASON_CODE_UNSPECIFIED);
        });
        // and the schedule moves on to the next day
        assertThat(car.nextScheduledReadyBy()).hasValue(READY_BY.plus(Duration.ofDays(1)));
    }

    @Test
    void aScheduleLearntLessThanItsLeadTimeBeforeReadyBy_startsAtOnce_likeTheBackendPlansIt() {
        // given the car learns the schedule 5 minutes before ready-by, when it needs 13 minutes of lead
        at(READY_BY.minus(Duration.ofMinutes(5)));
        car.execute(sync(1, daily()));

        // when its next tick comes
        at(READY_BY.minus(Duration.ofMinutes(5)).plusSeconds(1));

        // then it starts now instead of calling the occurrence missed
        assertThat(car.isClimateRunning()).isTrue();
        assertThat(runs()).singleElement().satisfies(run -> {
            assertThat(run.getStarted()).isTrue();
            assertThat(run.getPlannedStartMs())
                    .isEqualTo(READY_BY.minus(Duration.ofMinutes(5)).toEpochMilli());
        });
    }

    @Test
    void theBackendsCommandForAnOccurrenceTheCarRan_isAnsweredFromMemory_notRunAgain() {
        // given the car started the A/C for the occurrence by itself
        car.execute(sync(1, daily()));
        at(START);
        Instant autoOff = car.climateAutoOffAt().orElseThrow();

        // when the backend (which did not know yet that the car holds the schedule) sends its command for it
        List<CommandResult> answer = car.execute(occurrenceCommand());

        // then the car answers with its own decision and does not start again
        assertThat(answer).singleElement().satisfies(r -> {
            assertThat(r.getCommandId()).isEqualTo(OCCURRENCE_ID);
            assertThat(r.getStatus()).isEqualTo(CommandOutcome.COMMAND_OUTCOME_SUCCEEDED);
            assertThat(r.getDetail()).isEqualTo("climate running (the car's own schedule)");
        });
        assertThat(car.climateAutoOffAt()).hasValue(autoOff);
        assertThat(car.hvacTargetTemperatureC()).hasValue(22.0);
        assertThat(car.executedCommandIds()).containsOnlyOnce(OCCURRENCE_ID);
    }

    @Test
    void whenTheBackendsCommandCameFirst_theCarsOwnRunDoesNothing() {
        // given the backend started the occurrence before the car's own start time
        car.execute(sync(1, daily()));
        at(START.minus(Duration.ofMinutes(2)));
        assertThat(car.execute(occurrenceCommand())).singleElement().satisfies(r -> assertThat(r.getStatus())
                .isEqualTo(CommandOutcome.COMMAND_OUTCOME_SUCCEEDED));
        car.drainEvents();

        // when the car's own start time comes
        at(START);

        // then it neither starts again (the command's 24 °C stands) nor reports a run of its own
        assertThat(runs()).isEmpty();
        assertThat(car.hvacTargetTemperatureC()).hasValue(24.0);
        assertThat(car.executedCommandIds()).containsOnlyOnce(OCCURRENCE_ID);
    }

    @Test
    void aLowBattery_skipsTheOccurrence_withLowCharge_andTheBackendsLaterCommandGetsTheSameAnswer() {
        car.execute(sync(1, daily()));
        car.setStateOfCharge(15);

        at(START);

        assertThat(car.isClimateRunning()).isFalse();
        assertThat(runs()).singleElement().satisfies(run -> {
            assertThat(run.getStarted()).isFalse();
            assertThat(run.getSkipReason()).isEqualTo(ReasonCode.REASON_CODE_LOW_CHARGE);
            assertThat(run.getDetail()).contains("below 20 %");
        });
        assertThat(car.execute(occurrenceCommand())).singleElement().satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(CommandOutcome.COMMAND_OUTCOME_REJECTED);
            assertThat(r.getReason()).isEqualTo(ReasonCode.REASON_CODE_LOW_CHARGE);
        });
        assertThat(car.isClimateRunning()).isFalse();
    }

    @Test
    void aScheduleWithALocationElsewhere_isSkipped_notAtLocation() {
        AcSchedule farAway = daily().toBuilder()
                .setLocation(
                        Location.newBuilder().setLatitude(car.latitude() + 0.1).setLongitude(car.longitude()))
                .setRadiusM(200)
                .build();
        car.execute(sync(1, farAway));

        at(START);

        assertThat(runs()).singleElement().satisfies(run -> {
            assertThat(run.getSkipReason()).isEqualTo(ReasonCode.REASON_CODE_NOT_AT_LOCATION);
            assertThat(run.getDetail()).contains("more than 200 m");
        });
        assertThat(car.isClimateRunning()).isFalse();
    }

    @Test
    void aCarAsleepPastTheGracePeriod_skipsTheOccurrence_expired() {
        car.execute(sync(1, daily()));

        // the car wakes 11 minutes after the start
        at(START.plus(Duration.ofMinutes(11)));

        assertThat(runs()).singleElement().satisfies(run -> {
            assertThat(run.getStarted()).isFalse();
            assertThat(run.getSkipReason()).isEqualTo(ReasonCode.REASON_CODE_EXPIRED);
        });
        assertThat(car.isClimateRunning()).isFalse();
    }

    @Test
    void anOlderVersion_arrivingLate_isConfirmedButChangesNothing() {
        AcSchedule other = daily().toBuilder()
                .setId(UUID.randomUUID().toString())
                .setReadyByMinute(11 * 60)
                .build();
        car.execute(sync(2, other));

        assertThat(car.execute(sync(1, daily()))).singleElement().satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(CommandOutcome.COMMAND_OUTCOME_SUCCEEDED);
            assertThat(r.getDetail()).isEqualTo("already holds schedules version 2");
        });
        assertThat(car.scheduleVersion()).isEqualTo(2);
        assertThat(car.nextScheduledReadyBy()).hasValue(Instant.parse("2025-06-02T11:00:00Z"));
    }

    @Test
    void aSetWithAnUnknownTimeZone_isRejected_namingTheField_andNothingIsHeld() {
        AcSchedule bad = daily().toBuilder().setTimeZone("Europe/Berlni").build();

        assertThat(car.execute(sync(1, bad))).singleElement().satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(CommandOutcome.COMMAND_OUTCOME_REJECTED);
            assertThat(r.getReason()).isEqualTo(ReasonCode.REASON_CODE_INVALID_PARAMETER);
            assertThat(r.getDetail()).isEqualTo("schedules[0].time_zone is not a known zone: 'Europe/Berlni'");
        });
        assertThat(car.scheduleVersion()).isZero();
        assertThat(car.nextScheduledReadyBy()).isEmpty();
    }

    @Test
    void aSetWithBothAWeekdayMaskAndADate_isRejected() {
        AcSchedule bad = daily().toBuilder().setDate("2025-06-03").build();

        assertThat(car.execute(sync(1, bad))).singleElement().satisfies(r -> assertThat(r.getDetail())
                .isEqualTo("schedules[0].exactly one of weekday_mask and date must be set"));
        assertThat(car.scheduleVersion()).isZero();
    }

    @Test
    void aOneTimeSchedule_runsOnce_andThenHasNoNextOccurrence() {
        AcSchedule once =
                daily().toBuilder().setWeekdayMask(0).setDate("2025-06-02").build();
        car.execute(sync(1, once));

        at(START);

        assertThat(runs()).singleElement().satisfies(run -> assertThat(run.getStarted())
                .isTrue());
        assertThat(car.nextScheduledReadyBy()).isEmpty();
    }

    /** Moves the car's clock to {@code instant} and lets one second of simulation pass. */
    private void at(Instant instant) {
        clock.skew(Duration.between(NOW, instant));
        car.step(Duration.ofSeconds(1));
    }

    private List<ScheduleRun> runs() {
        return car.drainEvents().stream()
                .filter(VehicleEvent::hasScheduleRun)
                .map(VehicleEvent::getScheduleRun)
                .toList();
    }

    private static AcSchedule daily() {
        return AcSchedule.newBuilder()
                .setId(SCHEDULE_ID)
                .setReadyByMinute(10 * 60 + 30)
                .setTimeZone("UTC")
                .setWeekdayMask(127)
                .setTargetTemperatureC(22)
                .build();
    }

    private Command sync(long version, AcSchedule... schedules) {
        return Command.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setVin(VIN)
                .setIssuedAtMs(clock.millis())
                .setExpiresAtMs(clock.millis() + 60_000)
                .setScheduleSet(ScheduleSet.newBuilder().setVersion(version).addAllSchedules(List.of(schedules)))
                .build();
    }

    /** The CLIMATE_START the backend creates for the occurrence, under the same id (24 °C, to tell it apart). */
    private Command occurrenceCommand() {
        return Command.newBuilder()
                .setId(OCCURRENCE_ID)
                .setVin(VIN)
                .setIssuedAtMs(clock.millis())
                .setExpiresAtMs(clock.millis() + 60_000)
                .setClimateStart(
                        ClimateStart.newBuilder().setTargetTemperatureC(24).setDurationS(20 * 60))
                .build();
    }
}
