package dev.carlink.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.app.AppConfig;
import dev.carlink.app.CarlinkServer;
import dev.carlink.app.ClusterConfig;
import dev.carlink.app.PostgresControl;
import dev.carlink.app.TestSystem;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.CarConfig;
import dev.carlink.simulator.car.SimulatedCar;
import dev.carlink.simulator.mqtt.MqttCar;
import dev.carlink.simulator.mqtt.MqttCarConfig;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults with the fleet load running, each bounded in time and ending by itself, counted from both ends (see
 * {@link ChaosFleet}): PostgreSQL stopped and killed, a gateway instance killed with SIGKILL, the command-service
 * restarted with commands in every open state and a schedule due, and a partition between two gateway
 * instances. Each prints its row of the results table, written to {@code target/chaos/results.md}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsChaos {

    private static final Logger log = LoggerFactory.getLogger(FaultsChaos.class);
    private static final Path OUT = Path.of("target", "chaos");
    /** The load: long enough to run on past the longest fault (the schedule's wait can keep CMDRS down a minute). */
    private static final ChaosFleet.Shape SHAPE =
            new ChaosFleet.Shape(100, 500, Duration.ofSeconds(100), 6, Duration.ofMillis(2500));

    private static final Duration PATIENCE = Duration.ofSeconds(150);
    private static final ChaosTable table = new ChaosTable(OUT.resolve("results.md"));

    @AfterAll
    static void print() {
        log.info("chaos results\n{}", table.render());
    }

    @Test
    @Order(1)
    void postgresStoppedAndStarted_losesNothingAndRunsNothingTwice() throws Exception {
        try (TestSystem system = TestSystem.start()) {
            PostgresControl postgres = new PostgresControl(system);
            run(system, "PGSTP", "PostgreSQL stopped (fast) mid-stream, started 6 s later", system::mqttUri, fleet -> {
                postgres.stop();
                Thread.sleep(6_000);
                postgres.start();
            });
        }
    }

    @Test
    @Order(2)
    void postgresKilledAndStarted_losesNothingAndRunsNothingTwice() throws Exception {
        try (TestSystem system = TestSystem.start()) {
            PostgresControl postgres = new PostgresControl(system);
            run(system, "PGKLL", "PostgreSQL killed (SIGKILL) mid-stream, started 3 s later", system::mqttUri, f -> {
                postgres.kill();
                Thread.sleep(3_000);
                postgres.start();
            });
        }
    }

    @Test
    @Order(3)
    void commandServiceRestarted_withCommandsInEveryOpenStateAndAScheduleDue_endsEachWithAReason() throws Exception {
        try (TestSystem system = TestSystem.start(c -> c.withResultTimeout(Duration.ofSeconds(60)))) {
            OpenCommands open = new OpenCommands(system);
            open.setUp();
            Instant due = open.scheduleDueSoon();
            run(
                    system,
                    "CMDRS",
                    "command-service restarted (down 8 s or until a schedule's start has passed), commands open",
                    system::mqttUri,
                    fleet -> {
                        // down across the schedule's start
                        Duration down = Duration.ofMillis(Math.max(
                                8_000, Duration.between(Instant.now(), due).toMillis() + 3_000));
                        system.restartCommandService(down);
                        open.release();
                    });
            Map<String, String> outcomes = open.awaitFinal(PATIENCE);
            table.addNote("CMDRS", "open commands before the restart ended: " + outcomes);
            assertThat(outcomes.get("schedule due"))
                    .as("the schedule due during the restart: fired late by the cloud and run, or run by the car")
                    .matches("SUCCEEDED .*|RUN BY THE CAR .*");
            assertThat(outcomes.values()).as("open commands' final states").allSatisfy(s -> assertThat(s)
                    .isNotIn("QUEUED", "SENT", "DELIVERED", "IN_PROGRESS", "UNREAD"));
        }
    }

    @Test
    @Order(4)
    void gatewayInstanceKilled_carsMoveToTheOtherInstance_losingNothing() throws Exception {
        int clusterA = TestSystem.freePort();
        int clusterB = TestSystem.freePort();
        int mqttB = TestSystem.freePort();
        List<String> members = List.of("127.0.0.1:" + clusterA, "127.0.0.1:" + clusterB);
        String name = "carlink-chaos-" + clusterA;
        try (TestSystem system = TestSystem.startWith(app ->
                withCluster(app, ClusterConfig.member(ClusterConfig.Role.ALL, "127.0.0.1", clusterA, members, name)))) {
            Process gatewayB = startGatewayProcess(clusterB, mqttB, members, name);
            try (TcpProxy balancer = TcpProxy.start(
                    0,
                    List.of(
                            new TcpProxy.Backend("127.0.0.1", mqttB),
                            new TcpProxy.Backend("127.0.0.1", system.mqttPort())))) {
                Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> accepts(mqttB));
                run(
                        system,
                        "GWKLL",
                        "gateway instance B killed (SIGKILL), its cars reconnect to A",
                        () -> "tcp://127.0.0.1:" + balancer.port(),
                        fleet -> {
                            gatewayB.destroyForcibly(); // SIGKILL
                            gatewayB.waitFor(30, TimeUnit.SECONDS);
                        });
            } finally {
                gatewayB.destroyForcibly();
            }
        }
    }

    @Test
    @Order(5)
    void partitionBetweenGatewayInstances_healed_losesNothing() throws Exception {
        int clusterA = TestSystem.freePort();
        int clusterB = TestSystem.freePort();
        int busA = TestSystem.freePort();
        int busB = TestSystem.freePort();
        try (TcpProxy hzA = TcpProxy.start(0, List.of(new TcpProxy.Backend("127.0.0.1", clusterA)));
                TcpProxy hzB = TcpProxy.start(0, List.of(new TcpProxy.Backend("127.0.0.1", clusterB)));
                TcpProxy eventBusA = TcpProxy.start(0, List.of(new TcpProxy.Backend("127.0.0.1", busA)));
                TcpProxy eventBusB = TcpProxy.start(0, List.of(new TcpProxy.Backend("127.0.0.1", busB)))) {
            List<String> members = List.of("127.0.0.1:" + hzA.port(), "127.0.0.1:" + hzB.port());
            String name = "carlink-chaos-" + clusterA;
            ClusterConfig a = ClusterConfig.member(ClusterConfig.Role.ALL, "127.0.0.1", clusterA, members, name)
                    .advertised("127.0.0.1:" + hzA.port(), busA, "127.0.0.1:" + eventBusA.port());
            ClusterConfig b = ClusterConfig.member(ClusterConfig.Role.GATEWAY, "127.0.0.1", clusterB, members, name)
                    .advertised("127.0.0.1:" + hzB.port(), busB, "127.0.0.1:" + eventBusB.port());
            try (TestSystem system = TestSystem.startWith(app -> withCluster(app, a));
                    CarlinkServer gatewayB = CarlinkServer.start(
                            TestSystem.withCluster(system.config(), b, "gateway-b"), Clock.systemUTC())) {
                List<TcpProxy> links = List.of(hzA, hzB, eventBusA, eventBusB);
                Duration partition = Duration.ofSeconds(Long.getLong("chaos.partition.seconds", 20));
                run(
                        system,
                        "PARTN",
                        "cluster link A-B cut for " + partition.toSeconds() + " s (cars on B), healed",
                        () -> "tcp://127.0.0.1:" + gatewayB.mqttPort(),
                        fleet -> {
                            links.forEach(TcpProxy::partition);
                            Thread.sleep(partition.toMillis());
                            links.forEach(TcpProxy::heal);
                        });
            }
        }
    }

    /** The fault itself: injects it and ends it ({@link #run} times it). */
    @FunctionalInterface
    interface Fault {
        void inject(ChaosFleet fleet) throws Exception;
    }

    private static void run(TestSystem system, String code, String fault, Supplier<String> mqtt, Fault inject)
            throws Exception {
        Path reports = Files.createDirectories(OUT.resolve(code));
        ChaosFleet.Counts counts;
        Duration lasted;
        Duration recovered;
        try (ChaosFleet fleet = new ChaosFleet(
                system, code, URI.create(mqtt.get()), SHAPE, reports, () -> "http://127.0.0.1:" + system.httpPort())) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> fleet.storedRows() > 2_000);
            log.info("fault {}: {}", code, fault);
            Instant began = Instant.now();
            inject.inject(fleet);
            Instant ended = Instant.now();
            lasted = Duration.between(began, ended);
            long before = fleet.storedRows();
            Awaitility.await()
                    .atMost(PATIENCE)
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> fleet.storedRows() > before);
            recovered = Duration.between(ended, Instant.now());
            log.info(
                    "fault {} over after {} ms, rows stored again after {} ms",
                    code,
                    lasted.toMillis(),
                    recovered.toMillis());
            counts = fleet.finish(PATIENCE);
        }
        table.add(code, fault, lasted, recovered, counts);
        log.info("chaos results\n{}", table.render());
        CommandDriver.Tally commands = counts.commands();
        assertThat(counts.telemetryLost()).as(code + ": telemetry lost").isZero();
        assertThat(counts.telemetryDuplicated())
                .as(code + ": telemetry duplicated")
                .isZero();
        assertThat(counts.telemetryUnacknowledged())
                .as(code + ": telemetry never acknowledged")
                .isZero();
        assertThat(commands.lost())
                .as(code + ": commands lost " + commands.examples())
                .isZero();
        assertThat(commands.executedTwice())
                .as(code + ": commands executed twice")
                .isZero();
        assertThat(commands.withoutReason())
                .as(code + ": final without a reason " + commands.examples())
                .isZero();
        assertThat(commands.created()).as(code + ": commands created").isPositive();
    }

    /**
     * Commands left in each open state (QUEUED, SENT, DELIVERED, IN_PROGRESS) and a schedule due, for the
     * command-service restart; {@link #release} lets the stuck cars work again afterwards.
     */
    private static final class OpenCommands {
        private final TestSystem system;
        private final String alice;
        private final Map<String, String> commandPaths = new LinkedHashMap<>();
        private final List<MqttCar> cars = new ArrayList<>();
        private MqttCar unanswered;
        private VehicleCredentials offline;
        private VehicleCredentials silentCredentials;
        private MqttClient silent;
        private String schedulePath;

        OpenCommands(TestSystem system) {
            this.system = system;
            this.alice = system.login("alice");
        }

        void setUp() throws Exception {
            String stop = "{\"type\":\"CLIMATE_STOP\"}";
            unanswered = car(system.enrollCar("CMDRS000000000001", "alice"), 1);
            unanswered.faults().ignoreCommands(true);
            unanswered.connect().get(30, TimeUnit.SECONDS);
            system.awaitState(alice, unanswered.vin());
            commandPaths.put("DELIVERED", system.requestCommand(alice, unanswered.vin(), stop));
            awaitStatus(commandPaths.get("DELIVERED"), "DELIVERED");

            offline = system.enrollCar("CMDRS000000000002", "alice");
            commandPaths.put(
                    "QUEUED",
                    system.requestCommand(
                            alice, offline.vin(), "{\"type\":\"CLIMATE_STOP\",\"deliverWithinSeconds\":600}"));
            awaitStatus(commandPaths.get("QUEUED"), "QUEUED");

            MqttCar sterilizing = car(system.enrollCar("CMDRS000000000003", "alice"), 60);
            sterilizing.connect().get(30, TimeUnit.SECONDS);
            system.awaitState(alice, sterilizing.vin());
            commandPaths.put(
                    "IN_PROGRESS",
                    system.requestCommand(
                            alice,
                            sterilizing.vin(),
                            "{\"type\":\"STERILIZATION_START\",\"checklistConfirmed\":true,\"holdMinutes\":15}"));
            awaitStatus(commandPaths.get("IN_PROGRESS"), "IN_PROGRESS");

            // a head unit whose MQTT stack takes the command and never acknowledges it
            silentCredentials = system.enrollCar("CMDRS000000000004", "alice");
            silent = new MqttClient(system.mqttUri(), silentCredentials.vin(), new MemoryPersistence());
            silent.setManualAcks(true);
            MqttConnectOptions options = new MqttConnectOptions();
            options.setUserName(silentCredentials.vin());
            options.setPassword(silentCredentials.secret().toCharArray());
            options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            silent.connect(options);
            silent.subscribe("v1/vehicles/" + silentCredentials.vin() + "/commands", 1, (topic, message) -> {});
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> system.get(
                            alice, "/api/v1/vehicles/" + silentCredentials.vin())
                    .json()
                    .getBoolean("online", false));
            commandPaths.put("SENT", system.requestCommand(alice, silentCredentials.vin(), stop));
            awaitStatus(commandPaths.get("SENT"), "SENT");
        }

        /** A one-time A/C schedule whose start falls within the next two minutes, for the cloud to run. */
        Instant scheduleDueSoon() throws Exception {
            // on the car that ignores what it is sent: it never takes the schedule, so the cloud's scheduler, not
            // the car, decides the occurrence, and the command it fires waits until the car works again
            MqttCar car = unanswered;
            TestSystem.Reply created = system.post(
                    alice,
                    "/api/v1/vehicles/" + car.vin() + "/schedules",
                    oneTime(ZonedDateTime.now(ZoneOffset.UTC).plusMinutes(30)));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            JsonObject schedule = created.json();
            schedulePath = "/api/v1/vehicles/" + car.vin() + "/schedules/" + schedule.getString("id");
            long lead = schedule.getLong("leadTimeMinutes");
            // ready one minute after the lead time from now, so its start is due within the next minute; two when
            // that would be too soon to stop the command-service before it
            Instant due = move(lead + 1);
            if (due.isBefore(Instant.now().plusSeconds(15))) {
                due = move(lead + 2);
            }
            return due;
        }

        private Instant move(long minutesFromNow) {
            TestSystem.Reply moved = system.put(
                    alice,
                    schedulePath,
                    oneTime(ZonedDateTime.now(ZoneOffset.UTC).plusMinutes(minutesFromNow)));
            assertThat(moved.status()).as(moved.body()).isEqualTo(200);
            return Instant.parse(moved.json().getString("nextRunAt"));
        }

        /** A one-time A/C schedule ready at {@code readyBy}'s minute. */
        private static String oneTime(ZonedDateTime readyBy) {
            return new JsonObject()
                    .put("readyBy", readyBy.format(DateTimeFormatter.ofPattern("HH:mm")))
                    .put("date", readyBy.toLocalDate().toString())
                    .put("timeZone", "UTC")
                    .put("targetTemperatureC", 21)
                    .encode();
        }

        void release() throws Exception {
            unanswered.faults().ignoreCommands(false);
            silent.disconnectForcibly(0, 1000);
            silent.close();
            car(silentCredentials, 1).connect();
            car(offline, 1).connect();
        }

        /** The final state of each open command, and of the schedule's first occurrence. */
        Map<String, String> awaitFinal(Duration patience) {
            Map<String, String> finals = new LinkedHashMap<>();
            Awaitility.await()
                    .atMost(patience)
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        commandPaths.forEach((state, path) -> {
                            JsonObject c = system.get(alice, path).json();
                            finals.put(
                                    state,
                                    c.getString("status")
                                            + (c.getString("reasonCode") == null
                                                    ? ""
                                                    : " " + c.getString("reasonCode")));
                        });
                        finals.put("schedule due", fire());
                        return finals.values().stream()
                                .noneMatch(s -> s.startsWith("QUEUED")
                                        || s.startsWith("SENT")
                                        || s.startsWith("DELIVERED")
                                        || s.startsWith("IN_PROGRESS")
                                        || s.startsWith("UNREAD"));
                    });
            cars.forEach(MqttCar::close);
            return finals;
        }

        /**
         * The schedule's occurrence as decided: for one the cloud fired, its command's state; for one the car holds
         * (it took the schedule once it worked again), the car's report; UNREAD until either is there.
         */
        private String fire() {
            TestSystem.Reply fires = system.get(alice, schedulePath + "/fires");
            if (fires.status() != 200 || fires.json().getJsonArray("fires").isEmpty()) {
                return "UNREAD";
            }
            JsonObject fire = fires.json().getJsonArray("fires").getJsonObject(0);
            String outcome = fire.getString("outcome");
            String late = ", late " + fire.getValue("lateSeconds") + " s";
            if ("CAR".equals(outcome)) {
                return fire.getString("carReportedAt") == null
                        ? "UNREAD (car holds it, no report yet)"
                        : "RUN BY THE CAR (" + fire.getString("detail") + late + ")";
            }
            if (!"FIRED".equals(outcome)) {
                return outcome + " " + fire.getString("reason");
            }
            JsonObject command = system.get(
                            alice, "/api/v1/vehicles/" + unanswered.vin() + "/commands/" + fire.getString("commandId"))
                    .json();
            return command.getString("status") + " (FIRED by the cloud" + late + ")";
        }

        private void awaitStatus(String path, String status) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> status.equals(system.get(alice, path).json().getString("status")));
        }

        private MqttCar car(VehicleCredentials credentials, double timeScale) {
            MqttCar car = new MqttCar(credentials, simulated(credentials.vin()), config(timeScale));
            cars.add(car);
            return car;
        }

        private MqttCarConfig config(double timeScale) {
            return MqttCarConfig.of(URI.create(system.mqttUri()))
                    .withTelemetryInterval(Duration.ofMillis(500))
                    .withTimeScale(timeScale)
                    .withMaxReconnectDelay(Duration.ofSeconds(1));
        }

        private static SimulatedCar simulated(String vin) {
            SimulatedCar car =
                    new SimulatedCar(CarConfig.of(vin).withReminderAcknowledgeDelay(Duration.ZERO), Clock.systemUTC());
            car.park();
            car.lockAllDoors();
            car.setStateOfCharge(80);
            car.setCabinTemperature(30);
            return car;
        }
    }

    private static Process startGatewayProcess(int clusterPort, int mqttPort, List<String> members, String name)
            throws Exception {
        Files.createDirectories(OUT);
        Path args = OUT.resolve("gateway-b.args");
        Files.writeString(args, "-cp\n\"" + System.getProperty("java.class.path") + "\"\n");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + args.toAbsolutePath(),
                "-Xmx512m"));
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("carlink.cluster.enabled", "true");
        properties.put("carlink.cluster.role", "GATEWAY");
        properties.put("carlink.cluster.host", "127.0.0.1");
        properties.put("carlink.cluster.port", String.valueOf(clusterPort));
        properties.put("carlink.cluster.members", String.join(",", members));
        properties.put("carlink.cluster.name", name);
        properties.put("carlink.mqtt.port", String.valueOf(mqttPort));
        properties.put("carlink.mqtt.gateway-id", "gateway-b");
        properties.put("carlink.mqtt.tls.enabled", "false");
        properties.put("carlink.coap.enabled", "false");
        properties.put("carlink.coap.dtls-enabled", "false");
        properties.put("carlink.demo.enabled", "false");
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("dev.carlink.app.Main");
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(OUT.resolve("gateway-b.log").toFile())
                .start();
    }

    private static boolean accepts(int port) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static AppConfig withCluster(AppConfig app, ClusterConfig cluster) {
        return TestSystem.withCluster(app, cluster, "gateway-a");
    }
}
