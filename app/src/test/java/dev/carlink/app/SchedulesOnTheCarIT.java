package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.carlink.proto.ScheduleRules;
import dev.carlink.proto.v1.CommandResult;
import dev.carlink.proto.v1.ScheduleRun;
import dev.carlink.proto.v1.VehicleEvent;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.CarConfig;
import dev.carlink.simulator.car.SimulatedCar;
import dev.carlink.simulator.car.SkewableClock;
import dev.carlink.simulator.mqtt.MqttCar;
import dev.carlink.simulator.mqtt.MqttCarConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A/C schedules go down to the car as versioned desired state: the car runs them while offline, the cloud
 * leaves to the car what it acknowledged, and an occurrence never starts the A/C twice. The backend and the
 * car share one clock that the test moves forward to the start time instead of waiting for it.
 */
class SchedulesOnTheCarIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** A 30 °C cabin and a 22 °C target: the A/C starts 8 minutes before ready-by. */
    private static final Duration LEAD = Duration.ofMinutes(8);

    private final SkewableClock clock = new SkewableClock(Clock.systemUTC());
    private TestSystem system;
    private String alice;

    @BeforeEach
    void start() {
        system = TestSystem.start(c -> c, clock);
        alice = system.login("alice");
    }

    @AfterEach
    void stop() {
        system.close();
    }

    @Test
    void anOfflineCar_runsTheScheduleItHolds_andTheCloudRecordsTheCarsReport_withoutACommandOfItsOwn() {
        // given a connected car and an owner's daily schedule ready in about 45 minutes
        VehicleCredentials credentials = system.enrollCar("SMCAR000000007101", "alice");
        SimulatedCar car = simulatedCar(credentials.vin());
        MqttCar connection = connect(credentials, car);
        JsonObject schedule = createSchedule(credentials.vin());
        Instant readyBy = Instant.parse(schedule.getString("nextReadyBy"));

        // when the car confirms it holds the schedules
        await().atMost(PATIENCE).until(() -> ackedVersion(credentials.vin()) == schedule.getLong("version"));
        assertThat(car.scheduleVersion()).isEqualTo(schedule.getLong("version"));

        // and it goes offline, and the start time comes
        connection.close();
        await().atMost(PATIENCE).until(() -> !isOnline(credentials.vin()));
        moveClockTo(readyBy.minus(LEAD).plusSeconds(5));
        car.step(Duration.ofSeconds(1));

        // then the car, offline, started the A/C itself
        assertThat(car.isClimateRunning()).isTrue();
        // and the cloud left the occurrence to the car
        JsonObject fire = awaitFire(credentials.vin(), schedule, f -> "CAR".equals(f.getString("outcome")));
        String occurrenceId =
                ScheduleRules.commandId(schedule.getString("id"), readyBy).toString();
        assertThat(fire.getString("commandId")).isEqualTo(occurrenceId);

        // when the car comes back, its report reaches the cloud
        try (MqttCar back = connect(credentials, car)) {
            JsonObject reported = awaitFire(credentials.vin(), schedule, f -> f.getString("carReportedAt") != null);
            assertThat(reported.getString("outcome")).isEqualTo("CAR");
            assertThat(reported.getString("reason")).isNull();
            assertThat(reported.getString("detail")).startsWith("the car started the A/C");
        }
        // and the cloud never created an A/C command for it
        assertThat(system.count(
                        "SELECT count(*) FROM command.commands WHERE vin = ? AND type = 'CLIMATE_START'",
                        credentials.vin()))
                .isZero();
        assertThat(car.executedCommandIds()).containsOnlyOnce(occurrenceId);
    }

    @Test
    void whenTheCarsConfirmationIsLate_theCloudFires_andTheCarStillStartsTheAcOnlyOnce() {
        // given a car that holds the schedule but whose confirmation has not reached the cloud
        VehicleCredentials credentials = system.enrollCar("SMCAR000000007102", "alice");
        SimulatedCar car = simulatedCar(credentials.vin());
        try (MqttCar connection = connect(credentials, car)) {
            connection.faults().delayResults(Duration.ofSeconds(10));
            JsonObject schedule = createSchedule(credentials.vin());
            Instant readyBy = Instant.parse(schedule.getString("nextReadyBy"));
            await().atMost(PATIENCE).until(() -> car.scheduleVersion() == schedule.getLong("version"));
            assertThat(ackedVersion(credentials.vin())).isLessThan(schedule.getLong("version"));

            // when the start time comes: the car runs its copy, and the cloud fires its own
            moveClockTo(readyBy.minus(LEAD).plusSeconds(5));

            // then the cloud fired the occurrence under its id, and the command settles SUCCEEDED
            JsonObject fire = awaitFire(credentials.vin(), schedule, f -> "FIRED".equals(f.getString("outcome")));
            String occurrenceId =
                    ScheduleRules.commandId(schedule.getString("id"), readyBy).toString();
            assertThat(fire.getString("commandId")).isEqualTo(occurrenceId);
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(
                            system.get(alice, "/api/v1/vehicles/" + credentials.vin() + "/commands/" + occurrenceId)
                                    .json()
                                    .getString("status"))
                    .isEqualTo("SUCCEEDED"));
            // and the car decided the occurrence once: one decision, at most one report of its own run
            List<CommandResult> decisions = car.results().stream()
                    .filter(r -> r.getCommandId().equals(occurrenceId))
                    .toList();
            assertThat(decisions).hasSize(1);
            List<ScheduleRun> ownRuns = car.emittedEvents().stream()
                    .filter(VehicleEvent::hasScheduleRun)
                    .map(VehicleEvent::getScheduleRun)
                    .toList();
            assertThat(ownRuns).hasSizeLessThanOrEqualTo(1);
            assertThat(car.executedCommandIds()).containsOnlyOnce(occurrenceId);
            assertThat(car.isClimateRunning()).isTrue();
        }
    }

    private SimulatedCar simulatedCar(String vin) {
        SimulatedCar car = new SimulatedCar(CarConfig.of(vin), clock);
        car.park();
        car.lockAllDoors();
        car.setStateOfCharge(80);
        car.setCabinTemperature(30);
        return car;
    }

    private MqttCar connect(VehicleCredentials credentials, SimulatedCar car) {
        MqttCar connection = new MqttCar(
                credentials,
                car,
                MqttCarConfig.of(URI.create(system.mqttUri()))
                        .withTelemetryInterval(Duration.ofMillis(500))
                        .withMaxReconnectDelay(Duration.ofSeconds(1)));
        connection.connect().join();
        // the cloud plans the start from the car's latest cabin temperature, as the car does
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(system.get(alice, "/api/v1/vehicles/" + credentials.vin() + "/state")
                                .status())
                        .isEqualTo(200));
        return connection;
    }

    /** A daily schedule in UTC whose ready-by is 45 to 46 minutes ahead, to 22 °C. */
    private JsonObject createSchedule(String vin) {
        LocalTime readyBy = LocalTime.ofInstant(
                clock.instant().plus(Duration.ofMinutes(46)).truncatedTo(ChronoUnit.MINUTES), ZoneOffset.UTC);
        JsonObject body = new JsonObject()
                .put("readyBy", readyBy.format(DateTimeFormatter.ofPattern("HH:mm")))
                .put("timeZone", "UTC")
                .put(
                        "weekdays",
                        new JsonArray()
                                .add("MONDAY")
                                .add("TUESDAY")
                                .add("WEDNESDAY")
                                .add("THURSDAY")
                                .add("FRIDAY")
                                .add("SATURDAY")
                                .add("SUNDAY"))
                .put("targetTemperatureC", 22);
        TestSystem.Reply reply = system.post(alice, "/api/v1/vehicles/" + vin + "/schedules", body.encode());
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json();
    }

    private void moveClockTo(Instant instant) {
        clock.skew(Duration.between(Clock.systemUTC().instant(), instant));
    }

    private JsonObject awaitFire(String vin, JsonObject schedule, java.util.function.Predicate<JsonObject> until) {
        JsonObject[] found = new JsonObject[1];
        await().atMost(PATIENCE).untilAsserted(() -> {
            TestSystem.Reply reply =
                    system.get(alice, "/api/v1/vehicles/" + vin + "/schedules/" + schedule.getString("id") + "/fires");
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            JsonArray fires = reply.json().getJsonArray("fires");
            assertThat(fires).as(reply.body()).isNotEmpty();
            found[0] = fires.getJsonObject(0);
            assertThat(until.test(found[0])).as(reply.body()).isTrue();
        });
        return found[0];
    }

    private long ackedVersion(String vin) {
        return system.count("SELECT schedule_acked_version FROM command.vehicles WHERE vin = ?", vin);
    }

    private boolean isOnline(String vin) {
        return system.count("SELECT count(*) FROM command.vehicles WHERE vin = ? AND online", vin) == 1;
    }
}
