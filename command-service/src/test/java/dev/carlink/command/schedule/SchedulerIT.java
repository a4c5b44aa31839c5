package dev.carlink.command.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.carlink.command.CommandSchema;
import dev.carlink.command.CommandServiceConfig;
import dev.carlink.command.TestClock;
import dev.carlink.command.lifecycle.CloudPreconditions;
import dev.carlink.command.lifecycle.CommandRecord;
import dev.carlink.command.lifecycle.CommandService;
import dev.carlink.command.lifecycle.CommandSpec;
import dev.carlink.command.lifecycle.CommandStatus;
import dev.carlink.command.lifecycle.CommandType;
import dev.carlink.command.secrets.KeyRing;
import dev.carlink.command.signing.CommandSigner;
import dev.carlink.command.signing.SigningKeys;
import dev.carlink.command.state.TelemetryClient;
import dev.carlink.command.store.Db;
import dev.carlink.proto.v1.CommandOutcome;
import dev.carlink.proto.v1.CommandResult;
import dev.carlink.proto.v1.ScheduleRun;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scheduler against a real PostgreSQL: what fires, what is skipped and why, and late or missed starts. */
class SchedulerIT {

    private static final KeyRing KEYS = KeyRing.generate();

    /** Monday 2026-06-01, 06:00 in Berlin. */
    private static final Instant MONDAY_0600 = Instant.parse("2026-06-01T04:00:00Z");
    /** 07:40 in Berlin that Monday, and the start 13 min earlier (35 °C cabin, 22 °C target). */
    private static final Instant READY_BY = Instant.parse("2026-06-01T05:40:00Z");

    private static final Instant START = Instant.parse("2026-06-01T05:27:00Z");
    private static final Duration GRACE = Duration.ofMinutes(10);
    private static final String OWNER = "olga";

    private static EmbeddedPostgres postgres;
    private static DataSource dataSource;
    private static Vertx vertx;
    private static FakeTelemetry telemetry;
    private static Db db;
    private static final TestClock clock = new TestClock(MONDAY_0600);
    private static CommandService commands;
    private static ScheduleService schedules;
    private static ScheduleSync sync;

    private SimpleMeterRegistry metrics;
    private Scheduler scheduler;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        dataSource = postgres.getPostgresDatabase();
        CommandSchema.migrate(dataSource);
        TestFleet.owner(dataSource, OWNER);
        vertx = Vertx.vertx();
        telemetry = FakeTelemetry.on(vertx);
        db = new Db(vertx, dataSource);
        new SigningKeys(db, KEYS, clock).ensureActive().await();
        TelemetryClient telemetryClient = new TelemetryClient(vertx, Duration.ofSeconds(5));
        commands = new CommandService(
                vertx,
                db,
                telemetryClient,
                new CloudPreconditions(30, 20),
                Duration.ofSeconds(2),
                Duration.ofSeconds(60),
                clock,
                new SimpleMeterRegistry(),
                new CommandSigner(Duration.ofSeconds(30), KEYS, clock));
        sync = new ScheduleSync(db, commands, new SimpleMeterRegistry());
        schedules = new ScheduleService(db, telemetryClient, new ScheduleCalculator(clock), clock, sync);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await();
        postgres.close();
    }

    @BeforeEach
    void freshScheduler() throws Exception {
        clock.set(MONDAY_0600);
        try (var c = dataSource.getConnection();
                var st = c.createStatement()) {
            st.execute("DELETE FROM command.schedules");
        }
        metrics = new SimpleMeterRegistry();
        scheduler = newScheduler(CommandServiceConfig.Schedules.DEFAULT_CLAIM_LEASE);
    }

    private Scheduler newScheduler(Duration lease) {
        return new Scheduler(
                db,
                new TelemetryClient(vertx, Duration.ofSeconds(5)),
                commands,
                new FireRules(20, GRACE),
                new ScheduleCalculator(clock),
                new CommandServiceConfig.Schedules(Duration.ofSeconds(1), GRACE, 100, lease),
                clock,
                metrics);
    }

    /** An online car parked in Berlin with a 35 °C cabin. */
    private static String parkedCar() throws Exception {
        String vin = TestFleet.car(dataSource, OWNER, true);
        telemetry.set(vin, FakeTelemetry.parked(MONDAY_0600).build());
        return vin;
    }

    private static ScheduleView daily(String vin) {
        return create(
                vin,
                new JsonObject()
                        .put(
                                "weekdays",
                                new JsonArray().add("MONDAY").add("TUESDAY").add("WEDNESDAY"))
                        .put("readyBy", "07:40"));
    }

    private static ScheduleView create(String vin, JsonObject fields) {
        JsonObject body = new JsonObject()
                .put("timeZone", "Europe/Berlin")
                .put("targetTemperatureC", 22)
                .mergeIn(fields);
        return schedules
                .create(vin, ScheduleSpec.fromJson(body, clock.instant()), "owner:" + OWNER)
                .await();
    }

    private static List<FireRecord> fires(ScheduleView s) {
        return schedules.fires(s.vin(), s.id(), 100).await().orElseThrow();
    }

    private static ScheduleView reread(ScheduleView s) {
        return schedules.find(s.vin(), s.id()).await().orElseThrow();
    }

    private static long commandsOf(ScheduleView s) throws Exception {
        return TestFleet.count(
                dataSource, "SELECT count(*) FROM command.commands WHERE requested_by = ?", "schedule:" + s.id());
    }

    private int drain() {
        int total = 0;
        for (int claimed = scheduler.runOnce().await();
                claimed > 0;
                claimed = scheduler.runOnce().await()) {
            total += claimed;
        }
        return total;
    }

    private double counted(String outcome, String reason) {
        return metrics.counter("carlink.schedules.fires", "outcome", outcome, "reason", reason)
                .count();
    }

    @Test
    void aScheduleIsPlanned_withTheLeadTimeFromTheCabinTemperature() throws Exception {
        ScheduleView s = daily(parkedCar());

        assertThat(s.nextReadyBy()).isEqualTo(READY_BY);
        assertThat(s.nextRunAt()).isEqualTo(START);
        assertThat(s.version()).isEqualTo(1);
    }

    @Test
    void nothingFires_beforeTheStart() throws Exception {
        ScheduleView s = daily(parkedCar());
        clock.set(START.minusMillis(1));

        assertThat(scheduler.runOnce().await()).isZero();

        assertThat(fires(s)).isEmpty();
        assertThat(commandsOf(s)).isZero();
    }

    @Test
    void aDueOccurrence_createsOneClimateStart_withTheDeterministicId_andAdvancesToTheNextDay() throws Exception {
        ScheduleView s = daily(parkedCar());
        clock.set(START);

        assertThat(drain()).isEqualTo(1);

        FireRecord fire = fires(s).get(0);
        UUID expectedId = UUID.nameUUIDFromBytes(("schedule:" + s.id() + ":" + READY_BY.toEpochMilli())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(fire.outcome()).isEqualTo(FireOutcome.FIRED);
        assertThat(fire.commandId()).contains(expectedId);
        assertThat(fire.occurrence()).isEqualTo(READY_BY);
        assertThat(fire.detail()).isEqualTo("started on time");
        CommandRecord command = commands.find(s.vin(), expectedId).await().orElseThrow();
        assertThat(command.type()).isEqualTo(CommandType.CLIMATE_START);
        assertThat(command.status()).isEqualTo(CommandStatus.QUEUED);
        assertThat(command.requestedBy()).isEqualTo("schedule:" + s.id());
        assertThat(command.params().getDouble("targetTemperatureC")).isEqualTo(22);
        assertThat(command.params().getInteger("durationMinutes"))
                .as("13 min lead + 10 min hold")
                .isEqualTo(23);
        assertThat(commandsOf(s)).isEqualTo(1);
        ScheduleView advanced = reread(s);
        assertThat(advanced.nextReadyBy()).isEqualTo(READY_BY.plus(1, ChronoUnit.DAYS));
        assertThat(advanced.nextRunAt()).isEqualTo(START.plus(1, ChronoUnit.DAYS));
        assertThat(advanced.version()).as("firing is not an owner change").isEqualTo(s.version());
        assertThat(counted("FIRED", "none")).isEqualTo(1);
        assertThat(metrics.timer("carlink.schedules.fire.lateness").count()).isEqualTo(1);
    }

    @Test
    void aStartLateWithinTheGracePeriod_firesLate_andItsLatenessIsRecorded() throws Exception {
        ScheduleView s = daily(parkedCar());
        clock.set(START.plus(GRACE));

        drain();

        FireRecord fire = fires(s).get(0);
        assertThat(fire.outcome()).isEqualTo(FireOutcome.FIRED);
        assertThat(fire.lateness()).isEqualTo(GRACE);
        assertThat(fire.detail()).contains("started 10 min late");
        assertThat(commandsOf(s)).isEqualTo(1);
        assertThat(commands.find(s.vin(), fire.commandId().orElseThrow())
                        .await()
                        .orElseThrow()
                        .params()
                        .getInteger("durationMinutes"))
                .as("3 min left until ready-by + 10 min hold")
                .isEqualTo(13);
        assertThat(metrics.timer("carlink.schedules.fire.lateness").totalTime(java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo(600);
    }

    @Test
    void aStartOlderThanTheGracePeriod_isSkippedAsMissed_withoutACommand() throws Exception {
        ScheduleView s = daily(parkedCar());
        clock.set(START.plus(GRACE).plusSeconds(1));

        drain();

        FireRecord fire = fires(s).get(0);
        assertThat(fire.outcome()).isEqualTo(FireOutcome.SKIPPED);
        assertThat(fire.reason()).contains(SkipReason.MISSED);
        assertThat(fire.commandId()).isEmpty();
        assertThat(commandsOf(s)).isZero();
        assertThat(reread(s).nextReadyBy()).isEqualTo(READY_BY.plus(1, ChronoUnit.DAYS));
        assertThat(counted("SKIPPED", "MISSED")).isEqualTo(1);
    }

    @Test
    void afterDowntime_everyMissedOccurrenceIsRecorded_andTheOneWithinTheGracePeriodRunsLate() throws Exception {
        ScheduleView s = daily(parkedCar());
        // Back on Wednesday at 07:35 Berlin: Monday and Tuesday were missed, Wednesday's start was 8 min ago.
        clock.set(START.plus(2, ChronoUnit.DAYS).plus(Duration.ofMinutes(8)));

        drain();

        assertThat(fires(s))
                .extracting(FireRecord::occurrence, FireRecord::outcome, f -> f.reason()
                        .orElse(null))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(READY_BY.plus(2, ChronoUnit.DAYS), FireOutcome.FIRED, null),
                        org.assertj.core.groups.Tuple.tuple(
                                READY_BY.plus(1, ChronoUnit.DAYS), FireOutcome.SKIPPED, SkipReason.MISSED),
                        org.assertj.core.groups.Tuple.tuple(READY_BY, FireOutcome.SKIPPED, SkipReason.MISSED));
        assertThat(commandsOf(s)).isEqualTo(1);
        assertThat(reread(s).nextReadyBy())
                .as("the next is the following Monday")
                .isEqualTo(READY_BY.plus(7, ChronoUnit.DAYS));
    }

    @Test
    void anOfflineCar_isSkipped() throws Exception {
        String vin = parkedCar();
        TestFleet.online(dataSource, vin, false);

        assertSkipped(daily(vin), SkipReason.VEHICLE_OFFLINE, "the car is offline");
    }

    @Test
    void aDrivingCar_isSkipped() throws Exception {
        String vin = parkedCar();
        telemetry.set(
                vin,
                FakeTelemetry.parked(MONDAY_0600)
                        .setSpeedKmh(48)
                        .setSelectedGear(127)
                        .build());

        assertSkipped(daily(vin), SkipReason.DRIVING, "moving at 48 km/h");
    }

    @Test
    void aCarInADrivingGear_standingAtALight_isSkipped() throws Exception {
        String vin = parkedCar();
        telemetry.set(
                vin, FakeTelemetry.parked(MONDAY_0600).setSelectedGear(127).build());

        assertSkipped(daily(vin), SkipReason.DRIVING, "driving gear (127)");
    }

    @Test
    void aCarBelowTheClimateChargeMinimum_isSkipped() throws Exception {
        String vin = parkedCar();
        telemetry.set(
                vin, FakeTelemetry.parked(MONDAY_0600).setStateOfChargePct(12).build());

        assertSkipped(daily(vin), SkipReason.SOC_TOO_LOW, "state of charge 12 % is below 20 %");
    }

    @Test
    void aCarAwayFromTheScheduleLocation_isSkipped() throws Exception {
        String vin = parkedCar();
        // Potsdamer Platz, about 2.6 km from where the car stands.
        ScheduleView s = create(
                vin,
                new JsonObject()
                        .put("weekdays", new JsonArray().add("MONDAY"))
                        .put("readyBy", "07:40")
                        .put(
                                "location",
                                new JsonObject()
                                        .put("latitude", 52.5096)
                                        .put("longitude", 13.3760)
                                        .put("radiusM", 500)));

        assertSkipped(s, SkipReason.NOT_AT_LOCATION, "m from the schedule's location, more than 500 m");
    }

    @Test
    void aCarAtTheScheduleLocation_fires() throws Exception {
        String vin = parkedCar();
        ScheduleView s = create(
                vin,
                new JsonObject()
                        .put("weekdays", new JsonArray().add("MONDAY"))
                        .put("readyBy", "07:40")
                        .put(
                                "location",
                                new JsonObject()
                                        .put("latitude", FakeTelemetry.LATITUDE)
                                        .put("longitude", FakeTelemetry.LONGITUDE + 0.001)
                                        .put("radiusM", 100)));
        clock.set(s.nextRunAt());

        drain();

        assertThat(fires(s)).singleElement().extracting(FireRecord::outcome).isEqualTo(FireOutcome.FIRED);
    }

    private void assertSkipped(ScheduleView s, SkipReason reason, String detail) throws Exception {
        clock.set(s.nextRunAt());

        drain();

        FireRecord fire = fires(s).get(0);
        assertThat(fire.outcome()).isEqualTo(FireOutcome.SKIPPED);
        assertThat(fire.reason()).contains(reason);
        assertThat(fire.detail()).contains(detail);
        assertThat(commandsOf(s)).isZero();
        assertThat(reread(s).nextReadyBy()).isAfter(s.nextReadyBy());
        assertThat(counted("SKIPPED", reason.name())).isEqualTo(1);
        assertThat(metrics.timer("carlink.schedules.fire.lateness").count()).isZero();
    }

    @Test
    void aOneTimeSchedule_firesOnce_andDisablesItself() throws Exception {
        ScheduleView s =
                create(parkedCar(), new JsonObject().put("date", "2026-06-01").put("readyBy", "07:40"));
        clock.set(START);

        drain();
        clock.set(START.plus(7, ChronoUnit.DAYS));
        assertThat(drain()).isZero();

        assertThat(fires(s)).singleElement().extracting(FireRecord::outcome).isEqualTo(FireOutcome.FIRED);
        ScheduleView done = reread(s);
        assertThat(done.spec().enabled()).isFalse();
        assertThat(done.nextRunAt()).isNull();
        assertThat(done.nextReadyBy()).isNull();
        assertThat(commandsOf(s)).isEqualTo(1);
    }

    @Test
    void anOccurrenceWhoseCommandAnInstanceCreatedBeforeDying_isNotCreatedTwice() throws Exception {
        ScheduleView s = daily(parkedCar());
        UUID id = Scheduler.commandId(s.id(), s.nextReadyBy());
        clock.set(START);
        commands.request(id, s.vin(), new CommandSpec.ClimateStartSpec(22, 23, false), "schedule:" + s.id())
                .await();

        drain();

        assertThat(fires(s)).singleElement().satisfies(f -> assertThat(f.commandId())
                .contains(id));
        assertThat(commandsOf(s)).isEqualTo(1);
        assertThat(reread(s).nextReadyBy()).isEqualTo(READY_BY.plus(1, ChronoUnit.DAYS));
    }

    @Test
    void aClaimLeftByADeadInstance_isTakenOverOnlyAfterItsLease_andDecidedOnce() throws Exception {
        ScheduleView s = daily(parkedCar());
        clock.set(START);
        Duration lease = CommandServiceConfig.Schedules.DEFAULT_CLAIM_LEASE;
        ScheduleRepository repository = new ScheduleRepository();
        // Another instance claims the occurrence, then dies without deciding it.
        assertThat(db.tx(c -> repository.claimDue(c, START, START.plus(lease), 10))
                        .await())
                .hasSize(1);

        assertThat(scheduler.runOnce().await())
                .as("still claimed by the dead instance")
                .isZero();
        clock.set(START.plus(lease));
        assertThat(drain()).isEqualTo(1);

        assertThat(fires(s)).singleElement().satisfies(f -> {
            assertThat(f.outcome()).isEqualTo(FireOutcome.FIRED);
            assertThat(f.lateness()).isEqualTo(lease);
        });
        assertThat(commandsOf(s)).isEqualTo(1);
    }

    @Test
    void aSecondDecisionOnAnOccurrence_cannotReplaceTheFirst() throws Exception {
        ScheduleView s = daily(parkedCar());
        clock.set(START);
        ScheduleRepository repository = new ScheduleRepository();
        FireRecord skipped = new FireRecord(
                s.id(),
                s.nextReadyBy(),
                s.nextRunAt(),
                START,
                FireOutcome.SKIPPED,
                java.util.Optional.of(SkipReason.DRIVING),
                "decided by another instance",
                java.util.Optional.empty());
        assertThat(db.tx(c -> repository.insertFire(c, skipped)).await()).isTrue();

        drain();

        assertThat(fires(s)).singleElement().extracting(FireRecord::detail).isEqualTo("decided by another instance");
        assertThat(commandsOf(s)).as("the standing decision was a skip").isZero();
        assertThat(reread(s).nextReadyBy()).isEqualTo(READY_BY.plus(1, ChronoUnit.DAYS));
        assertThat(counted("FIRED", "none"))
                .as("only decisions this instance made are counted")
                .isZero();
    }

    @Test
    void anOccurrenceTheCloudRefuses_isRecordedFired_withTheRefusalInItsDetail() throws Exception {
        String vin = parkedCar();
        for (int i = 0; i < CommandService.MAX_REMOTE_STARTS_WITHOUT_DRIVE; i++) {
            commands.request(UUID.randomUUID(), vin, new CommandSpec.ClimateStartSpec(22, 20, false), "owner:olga")
                    .await();
        }
        ScheduleView s = daily(vin);
        clock.set(START);

        drain();

        FireRecord fire = fires(s).get(0);
        assertThat(fire.outcome()).isEqualTo(FireOutcome.FIRED);
        assertThat(fire.detail()).endsWith("the command was rejected: TOO_MANY_REMOTE_STARTS");
        assertThat(commands.find(vin, fire.commandId().orElseThrow())
                        .await()
                        .orElseThrow()
                        .status())
                .isEqualTo(CommandStatus.REJECTED);
    }

    @Test
    void anOwnerChangeAfterTheClaim_dropsTheClaimedOccurrence_andTheNewPlanFires() throws Exception {
        ScheduleView s = daily(parkedCar());
        clock.set(START);
        ScheduleRepository repository = new ScheduleRepository();
        db.tx(c -> repository.claimDue(c, START, START.plus(Duration.ofMinutes(1)), 10))
                .await();
        JsonObject later = new JsonObject()
                .put("weekdays", new JsonArray().add("MONDAY"))
                .put("readyBy", "08:00")
                .put("timeZone", "Europe/Berlin")
                .put("targetTemperatureC", 22);

        ScheduleView replanned = schedules
                .update(s.vin(), s.id(), ScheduleSpec.fromJson(later, clock.instant()))
                .await()
                .orElseThrow();

        assertThat(replanned.nextReadyBy()).isEqualTo(Instant.parse("2026-06-01T06:00:00Z"));
        assertThat(replanned.version()).isEqualTo(2);
        clock.set(replanned.nextRunAt());
        assertThat(drain()).as("the update released the claim").isEqualTo(1);
        assertThat(fires(s)).singleElement().extracting(FireRecord::occurrence).isEqualTo(replanned.nextReadyBy());
    }

    // ------------------------------------------------------------------ schedules held by the car

    /** Sends the car its schedules and answers the sync as the car would: it now holds that version. */
    private static CommandRecord carHolds(String vin) {
        CommandRecord sync = SchedulerIT.sync.push(vin).await().orElseThrow();
        commands.onResult(
                        vin,
                        CommandResult.newBuilder()
                                .setCommandId(sync.id().toString())
                                .setStatus(CommandOutcome.COMMAND_OUTCOME_SUCCEEDED)
                                .setTimestampMs(clock.instant().toEpochMilli())
                                .build())
                .await();
        return sync;
    }

    private static long ackedVersion(String vin) throws Exception {
        return TestFleet.count(dataSource, "SELECT schedule_acked_version FROM command.vehicles WHERE vin = ?", vin);
    }

    @Test
    void aSync_carriesTheCarsEnabledSchedules_andTheCarsAnswer_recordsTheVersionItHolds() throws Exception {
        // given a car with an enabled daily schedule and a disabled one
        String vin = parkedCar();
        ScheduleView s = daily(vin);
        create(
                vin,
                new JsonObject()
                        .put("weekdays", new JsonArray().add("SUNDAY"))
                        .put("readyBy", "09:00")
                        .put("enabled", false));

        // when the schedules are sent and the car confirms them
        CommandRecord sync = carHolds(vin);

        // then the sync carried the current version and only the enabled schedule, as the car needs it
        assertThat(sync.type()).isEqualTo(CommandType.SCHEDULES_SYNC);
        assertThat(sync.requestedBy()).isEqualTo("cloud:schedules");
        assertThat(sync.params().getLong("version")).isEqualTo(2);
        assertThat(sync.params().getJsonArray("schedules"))
                .singleElement()
                .isEqualTo(new JsonObject()
                        .put("id", s.id().toString())
                        .put("readyBy", "07:40")
                        .put("timeZone", "Europe/Berlin")
                        .put("targetTemperatureC", 22.0)
                        .put("weekdayMask", 7));
        // and the car's answer recorded the version it holds
        assertThat(ackedVersion(vin)).isEqualTo(2);
    }

    @Test
    void anOccurrenceOfAScheduleTheCarHolds_isLeftToTheCar_evenOffline_andTheCloudCreatesNoCommand() throws Exception {
        // given an offline car that holds its schedule
        String vin = parkedCar();
        ScheduleView s = daily(vin);
        carHolds(vin);
        TestFleet.online(dataSource, vin, false);
        clock.set(s.nextRunAt());

        // when the start comes
        drain();

        // then the occurrence is the car's, under the occurrence's command id, and the cloud fired nothing
        FireRecord fire = fires(s).get(0);
        assertThat(fire.outcome()).isEqualTo(FireOutcome.CAR);
        assertThat(fire.reason()).isEmpty();
        assertThat(fire.commandId()).contains(Scheduler.commandId(s.id(), s.nextReadyBy()));
        assertThat(commandsOf(s)).isZero();
        assertThat(reread(s).nextReadyBy()).isAfter(s.nextReadyBy());
        assertThat(counted("CAR", "none")).isEqualTo(1);
    }

    @Test
    void aScheduleChangedAfterTheCarsLastAnswer_isFiredByTheCloud_untilTheCarHoldsTheNewVersion() throws Exception {
        // given a car that holds version 1, then the owner adds a second schedule (version 2)
        String vin = parkedCar();
        daily(vin);
        carHolds(vin);
        ScheduleView newer = create(
                vin,
                new JsonObject()
                        .put("weekdays", new JsonArray().add("MONDAY"))
                        .put("readyBy", "07:40")
                        .put("targetTemperatureC", 21));
        clock.set(newer.nextRunAt());

        // when its start comes before the car confirmed version 2
        drain();

        // then the cloud fires the new schedule itself (the car, should it hold it by now, runs the same id once)
        assertThat(fires(newer)).singleElement().satisfies(f -> {
            assertThat(f.outcome()).isEqualTo(FireOutcome.FIRED);
            assertThat(f.commandId()).contains(Scheduler.commandId(newer.id(), newer.nextReadyBy()));
        });
        assertThat(commandsOf(newer)).isEqualTo(1);
    }

    @Test
    void theCarsReport_ofAnOccurrenceItRan_isItsOutcome_andTheSchedulerThenFiresNothing() throws Exception {
        // given a car that holds its schedule and reports, before the cloud's round, that it started the A/C
        String vin = parkedCar();
        ScheduleView s = daily(vin);
        carHolds(vin);
        Instant reportedAt = s.nextRunAt().plusSeconds(2);
        ScheduleRun run = ScheduleRun.newBuilder()
                .setScheduleId(s.id().toString())
                .setOccurrenceMs(s.nextReadyBy().toEpochMilli())
                .setPlannedStartMs(s.nextRunAt().toEpochMilli())
                .setCommandId(Scheduler.commandId(s.id(), s.nextReadyBy()).toString())
                .setStarted(true)
                .setDetail("to 22.0 °C for 23 min")
                .build();
        ScheduleSync.validate(run);
        db.tx(c -> {
                    sync.onCarReport(c, vin, run, reportedAt);
                    return null;
                })
                .await();

        // when the scheduler's round comes
        clock.set(s.nextRunAt().plusSeconds(3));
        drain();

        // then the car's report stands, and the schedule moved on without a cloud command
        assertThat(fires(s)).singleElement().satisfies(f -> {
            assertThat(f.outcome()).isEqualTo(FireOutcome.CAR);
            assertThat(f.detail()).isEqualTo("the car started the A/C: to 22.0 °C for 23 min");
            assertThat(f.carReportedAt()).contains(reportedAt);
        });
        assertThat(commandsOf(s)).isZero();
        assertThat(reread(s).nextReadyBy()).isAfter(s.nextReadyBy());
    }

    @Test
    void aCarReport_whoseCommandIdIsNotTheOccurrences_isRefusedBeforeAnythingIsStored() {
        ScheduleRun forged = ScheduleRun.newBuilder()
                .setScheduleId(UUID.randomUUID().toString())
                .setOccurrenceMs(READY_BY.toEpochMilli())
                .setPlannedStartMs(START.toEpochMilli())
                .setCommandId(UUID.randomUUID().toString())
                .setStarted(true)
                .build();

        assertThatThrownBy(() -> ScheduleSync.validate(forged))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schedule_run.command_id must be the occurrence's id");
    }

    @Test
    void aConnectingCarBehindTheCurrentVersion_getsOneSync_andNoneWhileOneIsOnItsWay() throws Exception {
        // given a car whose schedules changed while it was away, and a sync already on its way
        String vin = parkedCar();
        daily(vin);
        await().until(() -> openSyncs(vin) == 1);

        // when it connects, no second sync is sent
        assertThat(sync.onVehicleOnline(vin).await()).isFalse();
        assertThat(openSyncs(vin)).isEqualTo(1);

        // and once that one expired unanswered, the next connection sends a fresh one
        try (var c = dataSource.getConnection();
                var st = c.createStatement()) {
            st.execute("UPDATE command.commands SET status = 'EXPIRED' WHERE vin = '" + vin + "'");
        }
        assertThat(sync.onVehicleOnline(vin).await()).isTrue();
        assertThat(openSyncs(vin)).isEqualTo(1);

        // and a car that holds the current version gets none
        carHolds(vin);
        assertThat(sync.onVehicleOnline(vin).await()).isFalse();
    }

    private static long openSyncs(String vin) throws Exception {
        return TestFleet.count(
                dataSource,
                "SELECT count(*) FROM command.commands WHERE vin = ? AND type = 'SCHEDULES_SYNC' AND status = 'QUEUED'",
                vin);
    }
}
