package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.carlink.proto.v1.CabinPosition;
import dev.carlink.proto.v1.FatigueCause;
import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.proto.v1.OccupancyStatus;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.CarConfig;
import dev.carlink.simulator.car.SimulatedCar;
import dev.carlink.simulator.car.Weather;
import dev.carlink.simulator.mqtt.MqttCar;
import dev.carlink.simulator.mqtt.MqttCarConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The first complete path: the whole system on free ports, a simulated car over real MQTT (Paho), an owner
 * and staff over real HTTP. The steps build on each other, like a newcomer's first session.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {

    private static final String VIN = "SMCAR000000000001";
    private static final String CABIN = "Vehicle.Cabin.HVAC.AmbientAirTemperature";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static TestSystem system;
    private static ScheduledExecutorService scheduler;
    private static MqttCar car;
    private static String alice;
    private static final List<String> streamLines = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        system = TestSystem.start();
        VehicleCredentials credentials = system.enrollCar(VIN, "alice");
        alice = system.login("alice");
        SimulatedCar simulated =
                new SimulatedCar(CarConfig.of(VIN).withReminderAcknowledgeDelay(Duration.ZERO), Clock.systemUTC());
        simulated.park();
        simulated.lockAllDoors();
        simulated.setWeather(Weather.sunny(35, LocalTime.of(14, 0)));
        simulated.setCabinTemperature(45);
        scheduler = Executors.newScheduledThreadPool(2);
        car = new MqttCar(
                credentials,
                simulated,
                MqttCarConfig.of(URI.create(system.mqttUri()))
                        .withTelemetryInterval(Duration.ofMillis(250))
                        .withTimeScale(30),
                scheduler);
        car.connect().get(30, TimeUnit.SECONDS);
        HttpClient.newHttpClient()
                .sendAsync(
                        HttpRequest.newBuilder(URI.create(system.api("/api/v1/vehicles/" + VIN + "/stream")))
                                .header("Authorization", "Bearer " + alice)
                                .build(),
                        HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> response.body().forEach(streamLines::add));
    }

    @AfterAll
    static void stop() {
        car.close();
        scheduler.shutdownNow();
        system.close();
    }

    private static JsonObject state() {
        TestSystem.Reply reply = system.get(alice, "/api/v1/vehicles/" + VIN + "/state");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json();
    }

    private static JsonObject awaitCommand(String id, String status) {
        JsonObject[] last = new JsonObject[1];
        await().atMost(PATIENCE).untilAsserted(() -> {
            last[0] = system.get(alice, "/api/v1/vehicles/" + VIN + "/commands/" + id)
                    .json();
            assertThat(last[0].getString("status")).isEqualTo(status);
        });
        return last[0];
    }

    @Test
    @Order(1)
    void owner_listsHerCar_online() {
        await().atMost(PATIENCE).untilAsserted(() -> {
            JsonArray vehicles = system.get(alice, "/api/v1/vehicles").json().getJsonArray("vehicles");
            assertThat(vehicles).hasSize(1);
            assertThat(vehicles.getJsonObject(0).getString("vin")).isEqualTo(VIN);
            assertThat(vehicles.getJsonObject(0).getBoolean("online")).isTrue();
        });
    }

    @Test
    @Order(2)
    void telemetry_isVisibleThroughTheApi_withTheAgeOfTheData() {
        await().atMost(PATIENCE).untilAsserted(() -> {
            JsonObject state = state();
            assertThat(state.getDouble("ageSeconds")).isBetween(0.0, 30.0);
            assertThat(state.getString("sampledAt")).isNotBlank();
            assertThat(state.getJsonObject("signals").getDouble(CABIN)).isGreaterThan(30.0);
            assertThat(state.getJsonObject("signals").getInteger("Vehicle.Powertrain.Transmission.SelectedGear"))
                    .isEqualTo(126);
        });
        JsonObject history =
                system.get(alice, "/api/v1/vehicles/" + VIN + "/telemetry").json();
        assertThat(history.getJsonArray("samples")).isNotEmpty();
    }

    @Test
    @Order(3)
    void climateStart_reachesSucceeded_throughEveryState_andTheCabinCools() {
        double before = state().getJsonObject("signals").getDouble(CABIN);

        TestSystem.Reply created = system.post(
                alice,
                "/api/v1/vehicles/" + VIN + "/commands",
                "{\"type\":\"CLIMATE_START\",\"targetTemperatureC\":22}");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().getString("status")).isEqualTo("QUEUED");
        assertThat(created.headers().firstValue("Location")).isPresent();
        String id = created.json().getString("id");
        JsonObject done = awaitCommand(id, "SUCCEEDED");
        assertThat(done.getJsonArray("transitions").stream()
                        .map(t -> ((JsonObject) t).getString("to"))
                        .toList())
                .containsExactly("QUEUED", "SENT", "DELIVERED", "SUCCEEDED");
        assertThat(car.car().executedCommandIds()).containsOnlyOnce(id);
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(state().getJsonObject("signals").getDouble(CABIN))
                        .isLessThan(before - 5));
        JsonArray samples = system.get(alice, "/api/v1/vehicles/" + VIN + "/telemetry?limit=10000")
                .json()
                .getJsonArray("samples");
        double last = samples.getJsonObject(samples.size() - 1)
                .getJsonObject("signals")
                .getDouble(CABIN);
        assertThat(last).isLessThan(before - 5);
    }

    @Test
    @Order(4)
    void liveStream_pushedStateAndCommandUpdates() {
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(streamLines).contains("event: state");
            assertThat(streamLines).contains("event: command");
            assertThat(streamLines).anyMatch(l -> l.startsWith("data:") && l.contains("\"SUCCEEDED\""));
        });
    }

    @Test
    @Order(5)
    void sterilization_withAnOccupiedSeat_isRefusedByTheCloud_withItsReason() {
        car.car().setSeat(CabinPosition.CABIN_POSITION_ROW1_PASSENGER_SIDE, OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(state().getJsonObject("signals")
                        .getString("Vehicle.Cabin.Seat.Row1.PassengerSide.OccupancyStatus"))
                .isEqualTo("OCCUPIED"));
        int executedBefore = car.car().executedCommandIds().size();

        TestSystem.Reply reply = system.post(
                alice,
                "/api/v1/vehicles/" + VIN + "/commands",
                "{\"type\":\"STERILIZATION_START\",\"checklistConfirmed\":true}");

        assertThat(reply.status()).as(reply.body()).isEqualTo(422);
        assertThat(reply.json().getString("reasonCode")).isEqualTo("SEAT_OCCUPIED");
        JsonObject command = reply.json().getJsonObject("command");
        assertThat(command.getString("status")).isEqualTo("REJECTED");
        assertThat(system.get(alice, "/api/v1/vehicles/" + VIN + "/commands/" + command.getString("id"))
                        .json()
                        .getString("reasonCode"))
                .isEqualTo("SEAT_OCCUPIED");
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(car.car().executedCommandIds()).hasSize(executedBefore));
    }

    @Test
    @Order(6)
    void fatigueWarning_isAnsweredWithAReminderAtTheCar() {
        car.car().raiseFatigueAlert(FatigueLevel.FATIGUE_LEVEL_WARNING, FatigueCause.FATIGUE_CAUSE_DROWSINESS_SCORE);

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(car.car().receivedReminders())
                .singleElement()
                .satisfies(r -> assertThat(r.level()).isEqualTo(FatigueLevel.FATIGUE_LEVEL_WARNING)));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(
                        system
                                .get(alice, "/api/v1/vehicles/" + VIN + "/commands")
                                .json()
                                .getJsonArray("commands")
                                .stream()
                                .map(c -> (JsonObject) c)
                                .filter(c -> c.getString("type").equals("FATIGUE_REMINDER")))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.getString("status")).isEqualTo("SUCCEEDED");
                    assertThat(c.getString("requestedBy")).isEqualTo("system:fatigue");
                }));
    }

    @Test
    @Order(7)
    void fatigueCritical_opensExactlyOneTask_thatStaffClaimAndResolve() {
        String staff = system.login("staff");
        car.car().raiseFatigueAlert(FatigueLevel.FATIGUE_LEVEL_CRITICAL, FatigueCause.FATIGUE_CAUSE_REPEATED_WARNING);
        car.car().raiseFatigueAlert(FatigueLevel.FATIGUE_LEVEL_CRITICAL, FatigueCause.FATIGUE_CAUSE_EYES_CLOSED);

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(
                        system.get(staff, "/api/v1/tasks?vin=" + VIN).json().getJsonArray("tasks"))
                .singleElement()
                .satisfies(t -> {
                    assertThat(((JsonObject) t).getInteger("occurrences")).isEqualTo(2);
                    assertThat(((JsonObject) t).getString("priority")).isEqualTo("HIGH");
                    assertThat(((JsonObject) t).getString("type")).isEqualTo("DRIVER_FATIGUE_CRITICAL");
                }));
        long id = system.get(staff, "/api/v1/tasks?vin=" + VIN)
                .json()
                .getJsonArray("tasks")
                .getJsonObject(0)
                .getLong("id");

        TestSystem.Reply claimed = system.post(staff, "/api/v1/tasks/" + id + "/claim", "");
        assertThat(claimed.status()).as(claimed.body()).isEqualTo(200);
        assertThat(claimed.json().getString("status")).isEqualTo("CLAIMED");
        assertThat(claimed.json().getString("assignee")).isEqualTo("staff");

        TestSystem.Reply resolved = system.post(
                staff, "/api/v1/tasks/" + id + "/resolve", "{\"outcome\":\"driver stopped at a rest area\"}");
        assertThat(resolved.status()).as(resolved.body()).isEqualTo(200);
        assertThat(resolved.json().getString("status")).isEqualTo("RESOLVED");
        assertThat(resolved.json().getJsonArray("timeline").size()).isGreaterThanOrEqualTo(4);
        assertThat(system.get(staff, "/api/v1/tasks?vin=" + VIN).json().getJsonArray("tasks"))
                .isEmpty();
    }

    @Test
    @Order(8)
    void anotherOwner_isRefusedWith403() {
        String bob = system.login("bob");

        assertThat(system.get(bob, "/api/v1/vehicles/" + VIN + "/state").status())
                .isEqualTo(403);
        assertThat(system.post(bob, "/api/v1/vehicles/" + VIN + "/commands", "{\"type\":\"CLIMATE_STOP\"}")
                        .status())
                .isEqualTo(403);
    }
}
