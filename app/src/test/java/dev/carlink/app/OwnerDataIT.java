package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.carlink.command.privacy.OwnerDataService;
import dev.carlink.proto.v1.FatigueCause;
import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.CarConfig;
import dev.carlink.simulator.car.SimulatedCar;
import dev.carlink.simulator.mqtt.MqttCar;
import dev.carlink.simulator.mqtt.MqttCarConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * An owner's export and erasure on the whole system: alice has two cars that sent telemetry, events (a fatigue
 * alert on the one opted in), a command, a schedule, an alert and a task, and so has bob. The export holds each kind
 * of alice's data and nothing of bob's; refused erasures (anonymous, staff, a wrong password, a bad body) delete
 * nothing; alice's erasure deletes every row about her in every table, leaves bob's, kills her token and keeps her
 * car out of the MQTT gateway; and the erasure's record keeps no VIN once its telemetry step is final. The tests
 * share one system and run in order: the erasure comes after what must be seen before it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OwnerDataIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String ALICE_OPTED_IN = "SMCAR00000000P001";
    private static final String ALICE_OTHER = "SMCAR00000000P002";
    private static final String BOB = "SMCAR00000000P003";
    private static final String ALICE_PASSWORD = "alice-test-pass";

    /** Each table that holds data about a car, with the SQL counting one car's rows in it. */
    private static final Map<String, String> PER_CAR = new LinkedHashMap<>();

    static {
        PER_CAR.put("vehicles", "SELECT count(*) FROM command.vehicles WHERE vin = ?");
        PER_CAR.put("commands", "SELECT count(*) FROM command.commands WHERE vin = ?");
        PER_CAR.put(
                "command_transitions",
                "SELECT count(*) FROM command.command_transitions t JOIN command.commands c ON c.id = t.command_id"
                        + " WHERE c.vin = ?");
        PER_CAR.put("schedules", "SELECT count(*) FROM command.schedules WHERE vin = ?");
        PER_CAR.put(
                "schedule_fires",
                "SELECT count(*) FROM command.schedule_fires f JOIN command.schedules s ON s.id = f.schedule_id"
                        + " WHERE s.vin = ?");
        PER_CAR.put("vehicle_events", "SELECT count(*) FROM command.vehicle_events WHERE vin = ?");
        PER_CAR.put("owner_alerts", "SELECT count(*) FROM command.owner_alerts WHERE vin = ?");
        PER_CAR.put("rule_state", "SELECT count(*) FROM command.rule_state WHERE vin = ?");
        PER_CAR.put("tasks", "SELECT count(*) FROM command.tasks WHERE vin = ?");
        PER_CAR.put(
                "task_entries",
                "SELECT count(*) FROM command.task_entries e JOIN command.tasks t ON t.id = e.task_id WHERE t.vin = ?");
        PER_CAR.put("telemetry", "SELECT count(*) FROM telemetry.telemetry WHERE vin = ?");
        PER_CAR.put("latest_state", "SELECT count(*) FROM telemetry.latest_state WHERE vin = ?");
        PER_CAR.put("rollup_1m", "SELECT count(*) FROM telemetry.rollup_1m WHERE vin = ?");
        PER_CAR.put("rollup_1h", "SELECT count(*) FROM telemetry.rollup_1h WHERE vin = ?");
        PER_CAR.put("rollup_invalidation", "SELECT count(*) FROM telemetry.rollup_invalidation WHERE vin = ?");
    }

    /**
     * The telemetry module's tables: erased when the owner is answered, and again once no sample the cars sent
     * before their sessions were closed can still be on its way.
     */
    private static final java.util.Set<String> TELEMETRY_STORE =
            java.util.Set.of("telemetry", "latest_state", "rollup_1m", "rollup_1h", "rollup_invalidation");

    private static final java.util.Set<String> GROWING = java.util.Set.of("telemetry", "rollup_1m", "rollup_1h");

    private static final String ACCOUNT_ROWS = "SELECT (SELECT count(*) FROM command.users WHERE username = ?)"
            + " + (SELECT count(*) FROM command.sessions s JOIN command.users u ON u.id = s.user_id"
            + " WHERE u.username = ?)";

    private static TestSystem system;
    private static ScheduledExecutorService scheduler;
    private static final List<MqttCar> cars = new ArrayList<>();
    private static final Map<String, VehicleCredentials> credentials = new LinkedHashMap<>();
    private static String alice;
    private static String bob;
    private static String staff;
    private static long aliceTask;

    @BeforeAll
    static void givenTwoOwnersWithCarsThatSentEverything() throws Exception {
        scheduler = Executors.newScheduledThreadPool(2);
        system = TestSystem.start();
        staff = system.login("staff");
        alice = system.login("alice");
        bob = system.login("bob");
        system.put(alice, "/api/v1/account/contact", "{\"phone\":\"+49 30 1234567\",\"email\":\"alice@example.com\"}");

        SimulatedCar aliceCar = car(ALICE_OPTED_IN, "alice", true);
        car(ALICE_OTHER, "alice", false);
        SimulatedCar bobCar = car(BOB, "bob", true);
        for (String vin : List.of(ALICE_OPTED_IN, ALICE_OTHER)) {
            system.awaitState(alice, vin);
        }
        system.awaitState(bob, BOB);

        aliceCar.raiseFatigueAlert(FatigueLevel.FATIGUE_LEVEL_CRITICAL, FatigueCause.FATIGUE_CAUSE_EYES_CLOSED);
        bobCar.raiseFatigueAlert(FatigueLevel.FATIGUE_LEVEL_CRITICAL, FatigueCause.FATIGUE_CAUSE_EYES_CLOSED);
        List<String> commands = new ArrayList<>();
        for (String[] owner : List.of(new String[] {alice, ALICE_OPTED_IN}, new String[] {bob, BOB})) {
            commands.add(system.requestCommand(
                    owner[0], owner[1], "{\"type\":\"CLIMATE_START\",\"targetTemperatureC\":21}"));
            TestSystem.Reply schedule = system.post(
                    owner[0],
                    "/api/v1/vehicles/" + owner[1] + "/schedules",
                    "{\"readyBy\":\"07:40\",\"timeZone\":\"Europe/Berlin\",\"weekdays\":[\"MONDAY\"],"
                            + "\"targetTemperatureC\":21}");
            assertThat(schedule.status()).as(schedule.body()).isEqualTo(201);
        }
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(system.get(alice, commands.get(0)).json().getString("status"))
                    .isEqualTo("SUCCEEDED");
            assertThat(system.get(bob, commands.get(1)).json().getString("status"))
                    .isEqualTo("SUCCEEDED");
            for (String vin : List.of(ALICE_OPTED_IN, BOB)) {
                assertThat(count("tasks", vin))
                        .as("the fatigue task of %s", vin)
                        .isEqualTo(1);
                assertThat(count("owner_alerts", vin))
                        .as("the alert of %s", vin)
                        .isEqualTo(1);
                assertThat(system.count(
                                "SELECT count(*) FROM command.vehicle_events WHERE vin = ? AND kind = 'fatigue_alert'",
                                vin))
                        .isEqualTo(1);
            }
        });
        aliceTask = system.count("SELECT id FROM command.tasks WHERE vin = ?", ALICE_OPTED_IN);
        // the rollups are refreshed a minute behind; rows as the refresher writes them stand in for that wait
        for (String vin : List.of(ALICE_OPTED_IN, ALICE_OTHER, BOB)) {
            sql("INSERT INTO telemetry.rollup_1m (vin, bucket, samples) VALUES (?, ?::timestamptz, 12)", vin);
            sql("INSERT INTO telemetry.rollup_1h (vin, bucket, samples) VALUES (?, ?::timestamptz, 720)", vin);
            sql(
                    "INSERT INTO telemetry.rollup_invalidation (vin, lo, hi) VALUES (?, ?::timestamptz, ?::timestamptz)",
                    vin);
            // a decided occurrence of the car's schedule, as the scheduler records one
            sql(
                    "INSERT INTO command.schedule_fires (schedule_id, occurrence, planned_start, decided_at, outcome,"
                            + " reason, detail) SELECT id, ?::timestamptz, ?::timestamptz, ?::timestamptz, 'SKIPPED',"
                            + " 'MISSED', 'too late' FROM command.schedules WHERE vin = ?",
                    vin);
        }
    }

    @AfterAll
    static void stop() {
        cars.forEach(MqttCar::close);
        scheduler.shutdownNow();
        system.close();
    }

    @Test
    @Order(1)
    void export_holdsEachKindOfTheOwnersData_andNothingOfAnotherOwners() {
        // when
        TestSystem.Reply reply = system.get(alice, "/api/v1/account/export");

        // then
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.headers().firstValue("Content-Disposition").orElse(""))
                .startsWith("attachment; filename=\"carlink-export-alice-");
        JsonObject export = reply.json();
        assertThat(export.getBoolean("complete")).isTrue();
        JsonObject account = export.getJsonObject("account");
        assertThat(account.getString("username")).isEqualTo("alice");
        assertThat(account.getString("email")).isEqualTo("alice@example.com");
        assertThat(account.getString("role")).isEqualTo("OWNER");
        assertThat(account.getJsonArray("sessions")).isNotEmpty();
        JsonArray vehicles = export.getJsonArray("vehicles");
        assertThat(vehicles.stream().map(v -> ((JsonObject) v).getString("vin")))
                .containsExactly(ALICE_OPTED_IN, ALICE_OTHER);
        JsonObject car = vehicles.getJsonObject(0);
        assertThat(car.fieldNames()).doesNotContain("secretHash", "dtlsPsk", "commandCounter", "trustedKeyId");
        assertThat(car.getBoolean("fatigueOptIn")).isTrue();
        JsonObject command = car.getJsonArray("commands").getJsonObject(0);
        assertThat(command.getString("type")).isEqualTo("CLIMATE_START");
        assertThat(command.getJsonArray("transitions")).isNotEmpty();
        assertThat(car.getJsonArray("schedules").getJsonObject(0).getString("timeZone"))
                .isEqualTo("Europe/Berlin");
        assertThat(car.getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("kind")))
                .contains("fatigue_alert");
        assertThat(car.getJsonArray("alerts").getJsonObject(0).getString("kind"))
                .isEqualTo("FATIGUE_CRITICAL");
        assertThat(car.getJsonArray("serviceState").stream().map(s -> ((JsonObject) s).getString("rule")))
                .contains("fatigue");
        JsonObject task = car.getJsonArray("serviceTasks").getJsonObject(0);
        assertThat(task.getString("type")).isEqualTo("DRIVER_FATIGUE_CRITICAL");
        assertThat(task.fieldNames()).as("no staff notes").doesNotContain("timeline", "assignee");
        for (int i = 0; i < vehicles.size(); i++) {
            JsonArray samples =
                    vehicles.getJsonObject(i).getJsonObject("telemetry").getJsonArray("samples");
            assertThat(samples)
                    .as("telemetry of %s", vehicles.getJsonObject(i).getString("vin"))
                    .isNotEmpty();
        }
        assertThat(reply.body()).doesNotContain(BOB).doesNotContain("\"bob\"");
    }

    @Test
    @Order(2)
    void export_byBob_holdsOnlyBobsCar() {
        TestSystem.Reply reply = system.get(bob, "/api/v1/account/export");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().getJsonArray("vehicles").getJsonObject(0).getString("vin"))
                .isEqualTo(BOB);
        assertThat(reply.body()).doesNotContain(ALICE_OPTED_IN).doesNotContain(ALICE_OTHER);
    }

    @Test
    @Order(3)
    void erasure_anonymousOrByStaffOrWithAWrongPasswordOrABadBody_isRefusedAndDeletesNothing() {
        // given
        Map<String, Long> before = counts(List.of(ALICE_OPTED_IN, ALICE_OTHER, BOB));
        String body = "{\"password\":\"" + ALICE_PASSWORD + "\"}";

        // when
        TestSystem.Reply anonymous = system.delete(null, "/api/v1/account", body);
        TestSystem.Reply byStaff = system.delete(staff, "/api/v1/account", "{\"password\":\"staff-test-pass\"}");
        TestSystem.Reply byAdmin = system.delete(system.login("admin"), "/api/v1/account", "{\"password\":\"x\"}");
        TestSystem.Reply wrongPassword = system.delete(alice, "/api/v1/account", "{\"password\":\"guess\"}");
        TestSystem.Reply noBody = system.delete(alice, "/api/v1/account", null);
        TestSystem.Reply unknownField =
                system.delete(alice, "/api/v1/account", "{\"password\":\"" + ALICE_PASSWORD + "\",\"force\":true}");

        // then
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(byStaff.status()).isEqualTo(403);
        assertThat(byStaff.json().getString("detail")).contains("only owners", "staff account");
        assertThat(byAdmin.status()).isEqualTo(403);
        assertThat(wrongPassword.status()).isEqualTo(422);
        assertThat(wrongPassword.json().getString("field")).isEqualTo("password");
        assertThat(noBody.status()).isEqualTo(400);
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.json().getString("field")).isEqualTo("force");
        assertNothingDeleted(before, counts(List.of(ALICE_OPTED_IN, ALICE_OTHER, BOB)), "alice's and bob's");
        assertThat(system.count(ACCOUNT_ROWS, "staff", "staff")).isGreaterThanOrEqualTo(2);
        assertThat(system.count("SELECT count(*) FROM command.account_erasures"))
                .isZero();
        assertThat(system.get(alice, "/api/v1/account").status())
                .as("alice's token still works")
                .isEqualTo(200);
    }

    @Test
    @Order(4)
    void erasure_deletesEveryRowAboutTheOwner_leavesTheOtherOwner_andEndsTokenAndCar() throws Exception {
        // given
        Map<String, Long> bobBefore = counts(List.of(BOB));
        long bobAccount = system.count(ACCOUNT_ROWS, "bob", "bob");
        counts(List.of(ALICE_OPTED_IN)).forEach((table, n) -> {
            if (!table.equals("rollup_invalidation")) {
                assertThat(n).as("alice's %s before", table).isPositive();
            }
        });

        // when
        TestSystem.Reply erased = system.delete(alice, "/api/v1/account", "{\"password\":\"" + ALICE_PASSWORD + "\"}");

        // then: a receipt of what went
        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        JsonObject receipt = erased.json();
        assertThat(receipt.getString("telemetry")).isEqualTo("ERASED");
        assertThat(receipt.getJsonArray("vehicles").getList()).containsExactly(ALICE_OPTED_IN, ALICE_OTHER);
        assertThat(receipt.getJsonObject("deleted").getLong("accounts")).isEqualTo(1);
        assertThat(receipt.getJsonObject("deleted").getLong("telemetrySamples")).isPositive();
        // every row about alice and her cars is gone from the command store at once
        for (String vin : List.of(ALICE_OPTED_IN, ALICE_OTHER)) {
            counts(List.of(vin)).forEach((table, n) -> {
                if (!TELEMETRY_STORE.contains(table)) {
                    assertThat(n).as("%s rows of %s", table, vin).isZero();
                }
            });
        }
        assertThat(system.count(ACCOUNT_ROWS, "alice", "alice")).isZero();
        // her task stays for the service team, anonymized and closed, with no timeline
        assertThat(system.count(
                        "SELECT count(*) FROM command.tasks WHERE id = ? AND vin IS NULL AND owner_erased_at IS NOT NULL"
                                + " AND status = 'DISMISSED' AND rating_comment IS NULL",
                        aliceTask))
                .isEqualTo(1);
        assertThat(system.count("SELECT count(*) FROM command.task_entries WHERE task_id = ?", aliceTask))
                .isZero();
        // bob's are untouched (his car keeps reporting, so his telemetry may only grow)
        assertNothingDeleted(bobBefore, counts(List.of(BOB)), "bob's");
        assertThat(system.count(ACCOUNT_ROWS, "bob", "bob")).isEqualTo(bobAccount);
        assertThat(system.get(bob, "/api/v1/vehicles/" + BOB + "/state").status())
                .isEqualTo(200);
        // the token is dead at once; so a repeat is refused, and nothing else changes
        assertThat(system.get(alice, "/api/v1/account").status()).isEqualTo(401);
        TestSystem.Reply again = system.delete(alice, "/api/v1/account", "{\"password\":\"" + ALICE_PASSWORD + "\"}");
        assertThat(again.status()).isEqualTo(401);
        assertThat(system.count("SELECT count(*) FROM command.account_erasures"))
                .isEqualTo(1);
        assertThat(system.post(
                                null,
                                "/api/v1/auth/login",
                                "{\"username\":\"alice\",\"password\":\"" + ALICE_PASSWORD + "\"}")
                        .status())
                .isEqualTo(401);
        // her car was disconnected and cannot connect again with its credentials
        await().atMost(PATIENCE).until(() -> !cars.get(0).isConnected());
        cars.get(0).close();
        assertCannotConnect(credentials.get(ALICE_OPTED_IN));
        // the erasure's final telemetry step leaves nothing that was still in flight, and no VIN in its record
        await().atMost(OwnerDataService.SETTLE.plus(PATIENCE)).untilAsserted(() -> assertThat(system.count(
                        "SELECT count(*) FROM command.account_erasures WHERE telemetry_erased_at IS NOT NULL"
                                + " AND cardinality(pending_vins) = 0"))
                .isEqualTo(1));
        // and then from every table of both stores
        for (String vin : List.of(ALICE_OPTED_IN, ALICE_OTHER)) {
            counts(List.of(vin))
                    .forEach((table, n) ->
                            assertThat(n).as("%s rows of %s", table, vin).isZero());
        }
    }

    private static void assertCannotConnect(VehicleCredentials car) throws MqttException {
        MqttClient client = new MqttClient(system.mqttUri(), car.vin(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setUserName(car.vin());
        options.setPassword(car.secret().toCharArray());
        try {
            client.connect(options);
            throw new AssertionError("the car of an erased account connected");
        } catch (MqttException refused) {
            assertThat(refused.getReasonCode()).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED);
        } finally {
            client.close();
        }
    }

    private static SimulatedCar car(String vin, String owner, boolean fatigueService) throws Exception {
        VehicleCredentials enrolled = system.enrollCar(vin, owner, fatigueService);
        credentials.put(vin, enrolled);
        SimulatedCar simulated = new SimulatedCar(CarConfig.of(vin), Clock.systemUTC());
        simulated.park();
        simulated.lockAllDoors();
        simulated.setCabinTemperature(25);
        simulated.setStateOfCharge(80);
        MqttCar car = new MqttCar(
                enrolled,
                simulated,
                MqttCarConfig.of(URI.create(system.mqttUri())).withTelemetryInterval(Duration.ofMillis(500)),
                scheduler);
        car.connect().get(30, TimeUnit.SECONDS);
        cars.add(car);
        return simulated;
    }

    private static long count(String table, String vin) {
        return system.count(PER_CAR.get(table), vin);
    }

    /** Rows per table about the given cars, summed. */
    private static Map<String, Long> counts(List<String> vins) {
        Map<String, Long> out = new LinkedHashMap<>();
        PER_CAR.keySet()
                .forEach(table -> out.put(
                        table, vins.stream().mapToLong(vin -> count(table, vin)).sum()));
        return out;
    }

    /** Runs {@code insert}: its plain {@code ?} is the car, each {@code ?::timestamptz} an hour ago. */
    private static void sql(String insert, String vin) throws SQLException {
        String hourAgo = Instant.now()
                .minus(1, ChronoUnit.HOURS)
                .truncatedTo(ChronoUnit.HOURS)
                .toString();
        try (Connection c = system.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(insert)) {
            int index = 1;
            for (int at = insert.indexOf('?'); at >= 0; at = insert.indexOf('?', at + 1)) {
                ps.setString(index++, insert.startsWith("::timestamptz", at + 1) ? hourAgo : vin);
            }
            ps.executeUpdate();
        }
    }

    /**
     * Every table's count is as before, except where the running system adds rows by itself: the cars keep
     * reporting (telemetry, its rollups) and the refresher works off late-sample records.
     */
    private static void assertNothingDeleted(Map<String, Long> before, Map<String, Long> after, String whose) {
        before.forEach((table, n) -> {
            if (GROWING.contains(table)) {
                assertThat(after.get(table)).as("%s %s", whose, table).isGreaterThanOrEqualTo(n);
            } else if (!table.equals("rollup_invalidation")) {
                assertThat(after.get(table)).as("%s %s", whose, table).isEqualTo(n);
            }
        });
    }
}
