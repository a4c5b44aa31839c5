package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.carlink.command.rules.RulesConfig;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.LatestState;
import dev.carlink.proto.v1.ChildPresence;
import dev.carlink.proto.v1.FatigueCause;
import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.CarConfig;
import dev.carlink.simulator.car.SimulatedCar;
import dev.carlink.simulator.car.SkewableClock;
import dev.carlink.simulator.mqtt.MqttCar;
import dev.carlink.simulator.mqtt.MqttCarConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proactive-service rules and the task workflow on the whole system: tasks pushed to the staff queue stream,
 * claimed, started, noted and resolved; escalated when their SLA passes; the fatigue ladder's state surviving a
 * restart; an unacknowledged reminder escalating; no task and no data for a car whose owner did not opt in; and one
 * task, one cooling command and one owner alert however many concurrent states show the same hot-cabin emergency.
 */
class ServiceRulesIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final SkewableClock clock = new SkewableClock(Clock.systemUTC());
    private final List<MqttCar> cars = new ArrayList<>();
    private ScheduledExecutorService scheduler;
    private TestSystem system;
    private String staff;

    @BeforeEach
    void start() {
        scheduler = Executors.newScheduledThreadPool(2);
        RulesConfig defaults = RulesConfig.defaults();
        system = TestSystem.start(
                c -> c.withRules(new RulesConfig(
                        new RulesConfig.Fatigue(
                                true,
                                defaults.fatigue().repeatWindow(),
                                Duration.ofSeconds(3),
                                defaults.fatigue().parkedReset(),
                                defaults.fatigue().eventRetention()),
                        defaults.hotCabin(),
                        new RulesConfig.Sterilization(true, Duration.ofSeconds(2)),
                        defaults.commandFailures(),
                        defaults.ownerRetries(),
                        defaults.scheduleNotRun(),
                        Duration.ofMillis(200))),
                clock);
        staff = system.login("staff");
    }

    @AfterEach
    void stop() {
        cars.forEach(MqttCar::close);
        scheduler.shutdownNow();
        system.close();
    }

    private SimulatedCar car(String vin, boolean fatigueService, Duration acknowledgeAfter) throws Exception {
        VehicleCredentials credentials = system.enrollCar(vin, "alice", fatigueService);
        SimulatedCar simulated =
                new SimulatedCar(CarConfig.of(vin).withReminderAcknowledgeDelay(acknowledgeAfter), Clock.systemUTC());
        simulated.park();
        simulated.lockAllDoors();
        simulated.setCabinTemperature(25);
        simulated.setStateOfCharge(80);
        MqttCar car = new MqttCar(
                credentials,
                simulated,
                MqttCarConfig.of(URI.create(system.mqttUri())).withTelemetryInterval(Duration.ofMillis(500)),
                scheduler);
        car.connect().get(30, TimeUnit.SECONDS);
        cars.add(car);
        return simulated;
    }

    private JsonArray tasks(String vin) {
        return system.get(staff, "/api/v1/tasks?status=OPEN,CLAIMED,IN_PROGRESS,RESOLVED,DISMISSED&vin=" + vin)
                .json()
                .getJsonArray("tasks");
    }

    private JsonObject awaitTask(String vin, String type) {
        JsonObject[] found = new JsonObject[1];
        await().atMost(PATIENCE).untilAsserted(() -> {
            found[0] = tasks(vin).stream()
                    .map(JsonObject.class::cast)
                    .filter(t -> t.getString("type").equals(type))
                    .findFirst()
                    .orElse(null);
            assertThat(found[0]).as("a %s task for %s", type, vin).isNotNull();
        });
        return found[0];
    }

    @Test
    void aCriticalAlertReachesTheQueueStream_andStaffWorkTheTaskThroughToResolved() throws Exception {
        String vin = "SMCAR000000000901";
        String alice = system.login("alice");
        assertThat(system.put(
                                alice,
                                "/api/v1/account/contact",
                                "{\"phone\":\"+49 30 1234567\",\"email\":\"alice@example.com\"}")
                        .status())
                .isEqualTo(200);
        SimulatedCar car = car(vin, true, Duration.ZERO);
        List<String> stream = new CopyOnWriteArrayList<>();
        HttpClient.newHttpClient()
                .sendAsync(
                        HttpRequest.newBuilder(URI.create(system.api("/api/v1/tasks/stream?access_token=" + staff)))
                                .build(),
                        HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> response.body().forEach(stream::add));
        await().atMost(PATIENCE).until(() -> stream.contains("event: snapshot"));

        car.raiseFatigueAlert(FatigueLevel.FATIGUE_LEVEL_CRITICAL, FatigueCause.FATIGUE_CAUSE_EYES_CLOSED);

        await().atMost(PATIENCE).until(() -> stream.stream()
                .anyMatch(l -> l.startsWith("data: ") && l.contains(vin) && l.contains("DRIVER_FATIGUE_CRITICAL")));
        long id = awaitTask(vin, "DRIVER_FATIGUE_CRITICAL").getLong("id");

        assertThat(system.post(staff, "/api/v1/tasks/" + id + "/start", "").status())
                .as("not claimed yet")
                .isEqualTo(409);
        assertThat(system.post(staff, "/api/v1/tasks/" + id + "/claim", "")
                        .json()
                        .getString("status"))
                .isEqualTo("CLAIMED");
        String admin = system.login("admin");
        TestSystem.Reply other = system.post(admin, "/api/v1/tasks/" + id + "/start", "");
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.body()).contains("claimed by staff");
        assertThat(system.post(staff, "/api/v1/tasks/" + id + "/start", "")
                        .json()
                        .getString("status"))
                .isEqualTo("IN_PROGRESS");
        assertThat(system.post(staff, "/api/v1/tasks/" + id + "/notes", "{\"text\":\"\"}")
                        .status())
                .isEqualTo(400);
        assertThat(system.post(staff, "/api/v1/tasks/" + id + "/notes", "{\"text\":\"called, no answer\"}")
                        .status())
                .isEqualTo(200);
        assertThat(system.post(staff, "/api/v1/tasks/" + id + "/resolve", "{}").status())
                .as("an outcome is required")
                .isEqualTo(400);
        JsonObject resolved = system.post(
                        staff, "/api/v1/tasks/" + id + "/resolve", "{\"outcome\":\"driver stopped at a rest area\"}")
                .json();
        assertThat(resolved.getString("status")).isEqualTo("RESOLVED");

        JsonObject detail = system.get(staff, "/api/v1/tasks/" + id).json();
        assertThat(detail.getString("title")).isEqualTo("Driver in critical fatigue");
        assertThat(detail.getString("outcome")).isEqualTo("driver stopped at a rest area");
        assertThat(detail.getJsonObject("owner").getString("phone")).isEqualTo("+49 30 1234567");
        assertThat(detail.getJsonArray("timeline").stream()
                        .map(JsonObject.class::cast)
                        .map(e -> e.getString("kind") + ":" + e.getString("text")))
                .contains("NOTE:called, no answer", "STATUS:CLAIMED", "STATUS:IN_PROGRESS")
                .anyMatch(line -> line.startsWith("TRIGGER:L3 critical fatigue from the car (EYES_CLOSED)"));
        assertThat(system.post(staff, "/api/v1/tasks/" + id + "/claim", "").status())
                .as("a resolved task stays resolved")
                .isEqualTo(409);
        await().atMost(PATIENCE).until(() -> stream.stream()
                .anyMatch(l -> l.startsWith("data: ") && l.contains("\"id\":" + id) && l.contains("RESOLVED")));
        assertThat(system.get(alice, "/api/v1/vehicles/" + vin + "/alerts")
                        .json()
                        .getJsonArray("alerts"))
                .as("the owner was alerted")
                .isNotEmpty();
        assertThat(system.get(alice, "/api/v1/tasks").status())
                .as("tasks are for staff")
                .isEqualTo(403);

        // the owner rates the resolved task once; staff see it
        JsonObject mine = system.get(alice, "/api/v1/vehicles/" + vin + "/service-tasks")
                .json()
                .getJsonArray("tasks")
                .getJsonObject(0);
        assertThat(mine.getString("status")).isEqualTo("RESOLVED");
        assertThat(mine.containsKey("timeline"))
                .as("staff's notes stay with staff")
                .isFalse();
        String rating = "/api/v1/vehicles/" + vin + "/service-tasks/" + id + "/rating";
        assertThat(system.post(alice, rating, "{\"stars\":6}").status()).isEqualTo(400);
        assertThat(system.post(staff, rating, "{\"stars\":5}").status())
                .as("only the owner rates")
                .isEqualTo(403);
        assertThat(system.post(alice, rating, "{\"stars\":5,\"comment\":\"they called in time\"}")
                        .json()
                        .getInteger("rating"))
                .isEqualTo(5);
        assertThat(system.post(alice, rating, "{\"stars\":1}").status())
                .as("rated once")
                .isEqualTo(409);
        JsonObject rated = system.get(staff, "/api/v1/tasks/" + id).json();
        assertThat(rated.getInteger("rating")).isEqualTo(5);
        assertThat(rated.getString("ratingComment")).isEqualTo("they called in time");
        assertThat(rated.getJsonArray("timeline").stream()
                        .map(JsonObject.class::cast)
                        .map(e -> e.getString("kind") + ":" + e.getString("author") + ":" + e.getString("text")))
                .contains("RATING:alice:5/5: they called in time");
    }

    @Test
    void aTaskPastItsSla_isEscalatedOnce_onePriorityHigher() throws Exception {
        String vin = "SMCAR000000000902";
        car(vin, true, Duration.ZERO)
                .raiseFatigueAlert(FatigueLevel.FATIGUE_LEVEL_CRITICAL, FatigueCause.FATIGUE_CAUSE_MICROSLEEP);
        JsonObject task = awaitTask(vin, "DRIVER_FATIGUE_CRITICAL");
        assertThat(task.getString("priority")).isEqualTo("HIGH");
        assertThat(task.getBoolean("escalated")).isFalse();

        clock.skew(Duration.ofMinutes(16));

        await().atMost(PATIENCE).untilAsserted(() -> {
            JsonObject now = awaitTask(vin, "DRIVER_FATIGUE_CRITICAL");
            assertThat(now.getBoolean("escalated")).isTrue();
            assertThat(now.getString("priority")).isEqualTo("URGENT");
        });
        JsonObject detail =
                system.get(staff, "/api/v1/tasks/" + task.getLong("id")).json();
        assertThat(detail.getJsonArray("timeline").stream()
                        .map(JsonObject.class::cast)
                        .filter(e -> e.getString("kind").equals("ESCALATED")))
                .hasSize(1);
    }

    @Test
    void aWarningNobodyAcknowledges_escalatesToATask() throws Exception {
        String vin = "SMCAR000000000903";
        car(vin, true, Duration.ofHours(1))
                .raiseFatigueAlert(FatigueLevel.FATIGUE_LEVEL_WARNING, FatigueCause.FATIGUE_CAUSE_DROWSINESS_SCORE);

        JsonObject task = awaitTask(vin, "DRIVER_FATIGUE_CRITICAL");
        JsonObject detail =
                system.get(staff, "/api/v1/tasks/" + task.getLong("id")).json();
        assertThat(detail.getJsonArray("timeline").getJsonObject(0).getString("text"))
                .isEqualTo("the L2 reminder was not acknowledged within 3 s");
    }

    @Test
    void theFatigueLadder_remembersTheFirstWarningAcrossARestart() throws Exception {
        String vin = "SMCAR000000000904";
        SimulatedCar car = car(vin, true, Duration.ZERO);
        car.raiseFatigueAlert(FatigueLevel.FATIGUE_LEVEL_WARNING, FatigueCause.FATIGUE_CAUSE_DROWSINESS_SCORE);
        await().atMost(PATIENCE)
                .until(() -> system.count(
                                "SELECT count(*) FROM command.rule_state WHERE vin = ? AND rule = 'fatigue' "
                                        + "AND state->>'lastWarningMs' IS NOT NULL AND state->>'pendingReminder' IS NULL",
                                vin)
                        == 1);
        assertThat(tasks(vin)).isEmpty();

        system.restart();
        staff = system.login("staff");
        car.raiseFatigueAlert(FatigueLevel.FATIGUE_LEVEL_WARNING, FatigueCause.FATIGUE_CAUSE_MICROSLEEP);

        JsonObject task = awaitTask(vin, "DRIVER_FATIGUE_CRITICAL");
        JsonObject detail =
                system.get(staff, "/api/v1/tasks/" + task.getLong("id")).json();
        assertThat(detail.getJsonArray("timeline").getJsonObject(0).getString("text"))
                .startsWith("a second L2 warning");
    }

    @Test
    void fatigueEvents_areDeletedAfterTheirRetention_theCarsOtherEventsStay() throws Exception {
        String vin = "SMCAR000000000907";
        SimulatedCar car = car(vin, true, Duration.ZERO);
        car.raiseFatigueAlert(FatigueLevel.FATIGUE_LEVEL_ADVISORY, FatigueCause.FATIGUE_CAUSE_TIME_ON_TASK);
        car.raiseFatigueAlert(FatigueLevel.FATIGUE_LEVEL_CRITICAL, FatigueCause.FATIGUE_CAUSE_EYES_CLOSED);
        awaitTask(vin, "DRIVER_FATIGUE_CRITICAL");
        assertThat(system.count(
                        "SELECT count(*) FROM command.vehicle_events WHERE vin = ? AND kind = 'fatigue_alert'", vin))
                .isEqualTo(2);
        long others = system.count(
                "SELECT count(*) FROM command.vehicle_events WHERE vin = ? AND kind <> 'fatigue_alert'", vin);

        clock.skew(RulesConfig.defaults().fatigue().eventRetention().plusHours(1));

        await().atMost(PATIENCE)
                .until(() -> system.count(
                                "SELECT count(*) FROM command.vehicle_events WHERE vin = ? AND kind = 'fatigue_alert'",
                                vin)
                        == 0);
        assertThat(system.count(
                        "SELECT count(*) FROM command.vehicle_events WHERE vin = ? AND kind <> 'fatigue_alert'", vin))
                .isGreaterThanOrEqualTo(others);
    }

    private String command(String vin, JsonObject body) {
        TestSystem.Reply reply =
                system.post(system.login("alice"), "/api/v1/vehicles/" + vin + "/commands", body.encode());
        assertThat(reply.status()).as(reply.body()).isIn(201, 422);
        return reply.json().getString("id");
    }

    @Test
    void aCarThatGoesSilentDuringSterilization_opensAnInterruptedTask() throws Exception {
        String vin = "SMCAR000000000908";
        car(vin, true, Duration.ZERO);
        system.awaitState(system.login("alice"), vin);
        String id = command(
                vin,
                new JsonObject()
                        .put("type", "STERILIZATION_START")
                        .put("checklistConfirmed", true)
                        .put("holdMinutes", 15));
        await().atMost(PATIENCE)
                .until(() -> system.get(system.login("alice"), "/api/v1/vehicles/" + vin + "/commands/" + id)
                        .json()
                        .getString("status")
                        .equals("IN_PROGRESS"));

        cars.remove(cars.size() - 1).close();

        JsonObject task = awaitTask(vin, "STERILIZATION_INTERRUPTED");
        assertThat(task.getString("priority")).isEqualTo("HIGH");
        JsonObject detail =
                system.get(staff, "/api/v1/tasks/" + task.getLong("id")).json();
        assertThat(detail.getJsonArray("timeline").getJsonObject(0).getString("text"))
                .contains("during sterilization " + id);
    }

    @Test
    void failuresOfDifferentCommands_openARepeatedFailuresTask() throws Exception {
        String vin = "SMCAR000000000909";
        car(vin, true, Duration.ZERO).setStateOfCharge(15);
        system.awaitState(
                system.login("alice"),
                vin,
                state -> TestSystem.signal(state, "Vehicle.Powertrain.TractionBattery.StateOfCharge.Displayed") < 20);
        JsonObject sterilize =
                new JsonObject().put("type", "STERILIZATION_START").put("checklistConfirmed", true);
        command(vin, sterilize);
        command(vin, new JsonObject().put("type", "CLIMATE_START").put("targetTemperatureC", 21));
        assertThat(tasks(vin)).as("two failures are not yet a pattern").isEmpty();
        command(vin, sterilize);

        JsonObject task = awaitTask(vin, "REPEATED_COMMAND_FAILURES");
        assertThat(task.getString("priority")).isEqualTo("NORMAL");
        assertThat(tasks(vin))
                .as("no retry task: no command failed three times")
                .hasSize(1);
    }

    @Test
    void aCarWhoseOwnerDidNotOptIn_getsNoFatigueTask_andItsAlertsAreNotKept() throws Exception {
        String vin = "SMCAR000000000905";
        SimulatedCar car = car(vin, false, Duration.ZERO);
        car.raiseFatigueAlert(FatigueLevel.FATIGUE_LEVEL_CRITICAL, FatigueCause.FATIGUE_CAUSE_EYES_CLOSED);
        car.raiseFatigueAlert(FatigueLevel.FATIGUE_LEVEL_WARNING, FatigueCause.FATIGUE_CAUSE_DROWSINESS_SCORE);

        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8)).untilAsserted(() -> {
            assertThat(tasks(vin)).isEmpty();
            assertThat(system.count("SELECT count(*) FROM command.vehicle_events WHERE vin = ?", vin))
                    .isZero();
            assertThat(system.count(
                            "SELECT count(*) FROM command.commands WHERE vin = ? AND type = 'FATIGUE_REMINDER'", vin))
                    .isZero();
        });
        String alice = system.login("alice");
        assertThat(system.get(alice, "/api/v1/vehicles/" + vin + "/fatigue-service")
                        .json()
                        .getBoolean("optedIn"))
                .isFalse();
        assertThat(system.put(staff, "/api/v1/vehicles/" + vin + "/fatigue-service", "{\"optedIn\":true}")
                        .status())
                .as("only the owner decides")
                .isEqualTo(403);
        assertThat(system.put(alice, "/api/v1/vehicles/" + vin + "/fatigue-service", "{\"optedIn\":\"yes\"}")
                        .status())
                .isEqualTo(400);
    }

    @Test
    void concurrentStatesOfOneHotCabinEmergency_openOneTask_oneCoolingCommand_oneAlert() throws Exception {
        String vin = "SMCAR000000000906";
        system.enrollCar(vin, "alice");
        LatestState hot = LatestState.newBuilder()
                .setVin(vin)
                .setReceivedAtMs(System.currentTimeMillis())
                .setTelemetry(Telemetry.newBuilder()
                        .setTimestampMs(System.currentTimeMillis())
                        .setSeq(1)
                        .setCabinTemperatureC(47)
                        .setSelectedGear(126)
                        .setChildPresence(ChildPresence.CHILD_PRESENCE_DETECTED))
                .build();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                system.vertx().eventBus().publish(BusAddress.TELEMETRY_STATE_CHANGED, Buffer.buffer(hot.toByteArray()));
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }

        JsonObject task = awaitTask(vin, "HOT_CABIN_OCCUPIED");
        assertThat(task.getString("priority")).isEqualTo("URGENT");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).untilAsserted(() -> {
            assertThat(tasks(vin)).hasSize(1);
            assertThat(tasks(vin).getJsonObject(0).getInteger("occurrences")).isEqualTo(1);
            assertThat(system.count(
                            "SELECT count(*) FROM command.commands WHERE vin = ? AND type = 'CLIMATE_START' "
                                    + "AND requested_by = 'system:hot-cabin'",
                            vin))
                    .isEqualTo(1);
            assertThat(system.count("SELECT count(*) FROM command.owner_alerts WHERE vin = ?", vin))
                    .isEqualTo(1);
        });
    }
}
