package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.VehicleEventIngest;
import dev.carlink.proto.v1.CabinPosition;
import dev.carlink.proto.v1.SleepStarted;
import dev.carlink.proto.v1.VehicleEvent;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.CarConfig;
import dev.carlink.simulator.car.SimulatedCar;
import dev.carlink.simulator.mqtt.MqttCar;
import dev.carlink.simulator.mqtt.MqttCarConfig;
import dev.carlink.simulator.mqtt.SleepPolicy;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Online, asleep, offline: a real simulated car over MQTT sleeps when idle, announces it, and the API and the
 * owner's stream of all their cars say so; a command waits for it and runs when it wakes; a car that misses its
 * check-in is shown offline; a car that loses its connection without announcing anything is offline at once.
 */
class CarSleepIT {

    private static final Duration IDLE = Duration.ofSeconds(2);
    private static final Duration CHECK_IN = Duration.ofSeconds(8);
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private static TestSystem system;
    private static String alice;

    @BeforeAll
    static void start() {
        system = TestSystem.start();
        alice = system.login("alice");
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    void anIdleCarSleeps_isShownAsleepOnTheStream_andACommandWaitsForItsCheckIn() throws Exception {
        String vin = "SLEEPCAR000000001";
        VehicleCredentials credentials = system.enrollCar(vin, "alice");
        List<String> stream = ownerStream();
        try (MqttCar car = connected(credentials, sleepy(), SimulatedCar::park)) {
            SimulatedCar simulated = car.car();
            await().atMost(PATIENCE).until(() -> presence(vin).equals("online"));

            // idle for 2 s: it announces its sleep and leaves
            await().atMost(PATIENCE).until(car::isAsleep);
            await().atMost(PATIENCE).until(() -> presence(vin).equals("asleep"));
            JsonObject asleep = vehicle(vin);
            Instant since = Instant.parse(asleep.getString("asleepSince"));
            Instant checkInBy = Instant.parse(asleep.getString("checkInBy"));
            assertThat(Duration.between(since, checkInBy)).isEqualTo(CHECK_IN);
            assertThat(Instant.parse(asleep.getString("asleepUntil"))).isAfter(checkInBy);
            assertThat(asleep.getBoolean("online")).isFalse();
            await().atMost(PATIENCE).until(() -> stream.stream()
                    .anyMatch(l -> l.startsWith("data: ") && l.contains(vin) && l.contains("\"presence\":\"asleep\"")));
            assertThat(system.count(
                            "SELECT count(*) FROM command.vehicle_events WHERE vin = ? AND kind = 'sleep_started'",
                            vin))
                    .isEqualTo(1);

            // the owner asks for A/C: it waits, QUEUED, while the car sleeps
            String path = system.requestCommand(alice, vin, "{\"type\":\"CLIMATE_START\",\"targetTemperatureC\":21}");
            assertThat(system.get(alice, path).json().getString("status")).isEqualTo("QUEUED");
            assertThat(car.isAsleep()).isTrue();

            // at its check-in it connects, takes the command and runs it once
            await().atMost(CHECK_IN.plus(PATIENCE)).untilAsserted(() -> assertThat(
                            system.get(alice, path).json().getString("status"))
                    .isEqualTo("SUCCEEDED"));
            assertThat(simulated.executedCommandIds()).containsExactly(path.substring(path.lastIndexOf('/') + 1));
            await().atMost(PATIENCE).until(() -> presence(vin).equals("online"));
            await().atMost(PATIENCE).until(() -> stream.stream()
                    .anyMatch(l -> l.startsWith("data: ") && l.contains(vin) && l.contains("\"presence\":\"online\"")));
            // the A/C keeps it awake
            assertThat(car.isAsleep()).isFalse();
            assertThat(car.sleeps()).isEqualTo(1);
        }
    }

    @Test
    void anAsleepCarWakesAsSoonAsSomethingHappensInIt() throws Exception {
        String vin = "SLEEPCAR000000002";
        try (MqttCar car = connected(
                system.enrollCar(vin, "alice"),
                sleepy().withSleep(SleepPolicy.after(IDLE, Duration.ofHours(1))),
                SimulatedCar::park)) {
            SimulatedCar simulated = car.car();
            await().atMost(PATIENCE).until(() -> presence(vin).equals("asleep"));

            simulated.unlockDoor(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE);
            simulated.openDoor(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE);

            await().atMost(PATIENCE).until(() -> presence(vin).equals("online"));
            assertThat(car.isAsleep()).isFalse();
        }
    }

    @Test
    void aCarThatMissesItsCheckIn_isOffline_andOneThatVanishesWithoutAWordIsOfflineAtOnce() throws Exception {
        String sleeper = "SLEEPCAR000000003";
        MqttCar car = connected(system.enrollCar(sleeper, "alice"), sleepy(), SimulatedCar::park);
        await().atMost(PATIENCE).until(() -> presence(sleeper).equals("asleep"));
        car.close(); // its battery died in its sleep: it never checks in

        Instant until = Instant.parse(vehicle(sleeper).getString("asleepUntil"));
        await().atMost(CHECK_IN.plus(PATIENCE)).until(() -> presence(sleeper).equals("offline"));
        assertThat(Instant.now()).isAfterOrEqualTo(until);
        assertThat(vehicle(sleeper).getString("asleepSince")).isNull();

        String vanishing = "SLEEPCAR000000004";
        try (MqttCar driving = connected(system.enrollCar(vanishing, "alice"), sleepy(), SimulatedCar::startTrip)) {
            await().atMost(PATIENCE).until(() -> presence(vanishing).equals("online"));
        }
        // closed while driving: a clean disconnect without a sleep announcement is not sleep
        await().atMost(PATIENCE).until(() -> presence(vanishing).equals("offline"));
    }

    @Test
    void aSleepPromiseOutOfRange_isRefusedForGood_andNothingIsStored() throws Exception {
        String vin = "SLEEPCAR000000005";
        system.enrollCar(vin, "alice");
        for (long checkIn : new long[] {0, 86_401}) {
            VehicleEventIngest ingest = VehicleEventIngest.newBuilder()
                    .setVin(vin)
                    .setReceivedAtMs(System.currentTimeMillis())
                    .setEvent(VehicleEvent.newBuilder()
                            .setTimestampMs(System.currentTimeMillis())
                            .setSeq(1000 + checkIn)
                            .setSleepStarted(SleepStarted.newBuilder().setCheckInS((int) checkIn)))
                    .build();

            Throwable refused = system.vertx()
                    .eventBus()
                    .request(BusAddress.VEHICLE_EVENT_INGEST, Buffer.buffer(ingest.toByteArray()))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .handle((ok, failure) -> failure)
                    .get(10, TimeUnit.SECONDS);

            assertThat(refused).isInstanceOf(ReplyException.class);
            assertThat(((ReplyException) refused).failureCode()).isEqualTo(400);
            assertThat(refused.getMessage()).contains("check_in_s must be 1..86400, was " + checkIn);
        }
        assertThat(system.count("SELECT count(*) FROM command.vehicle_events WHERE vin = ?", vin))
                .isZero();
        assertThat(presence(vin)).isEqualTo("offline");
    }

    /** A simulated car with these credentials, put in its situation, connected over MQTT. */
    private static MqttCar connected(
            VehicleCredentials credentials, MqttCarConfig config, Consumer<SimulatedCar> situation) throws Exception {
        SimulatedCar simulated = new SimulatedCar(CarConfig.of(credentials.vin()), Clock.systemUTC());
        situation.accept(simulated);
        MqttCar car = new MqttCar(credentials, simulated, config);
        car.connect().get(30, TimeUnit.SECONDS);
        return car;
    }

    private static MqttCarConfig sleepy() {
        return MqttCarConfig.of(URI.create(system.mqttUri()))
                .withTelemetryInterval(Duration.ofMillis(500))
                .withStepInterval(Duration.ofMillis(200))
                .withSleep(SleepPolicy.after(IDLE, CHECK_IN));
    }

    private static JsonObject vehicle(String vin) {
        TestSystem.Reply reply = system.get(alice, "/api/v1/vehicles/" + vin);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json();
    }

    private static String presence(String vin) {
        return vehicle(vin).getString("presence");
    }

    /** Alice's stream of all her cars, line by line. */
    private static List<String> ownerStream() {
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpClient.newHttpClient()
                .sendAsync(
                        HttpRequest.newBuilder(URI.create(system.api("/api/v1/vehicles/stream?access_token=" + alice)))
                                .build(),
                        HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> response.body().forEach(lines::add));
        await().atMost(PATIENCE).until(() -> lines.stream().anyMatch(l -> l.startsWith(": stream of the cars")));
        return lines;
    }
}
