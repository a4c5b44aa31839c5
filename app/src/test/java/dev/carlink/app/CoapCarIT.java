package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.CarConfig;
import dev.carlink.simulator.car.SimulatedCar;
import dev.carlink.simulator.coap.CoapCar;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A simulated car on CoAP through the whole system: its telemetry becomes the state owners see, it is online
 * while it observes its commands, and an owner's command reaches it, is verified and executed, and ends
 * SUCCEEDED with every step recorded.
 */
class CoapCarIT {

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
    void aCoapCar_reportsState_isOnline_andRunsAnOwnersCommand() {
        String vin = "SMCAR000000000961";
        VehicleCredentials credentials = system.enrollCar(vin, "alice");
        SimulatedCar simulated = new SimulatedCar(CarConfig.of(vin), Clock.systemUTC());
        simulated.park();
        simulated.setCabinTemperature(38);
        URI gateway = URI.create("coap://127.0.0.1:" + system.server.coapPort());
        try (CoapCar car = new CoapCar(credentials, simulated, gateway, Duration.ofMillis(500)).connect()) {
            await().atMost(PATIENCE)
                    .until(() ->
                            system.get(alice, "/api/v1/vehicles/" + vin).json().getBoolean("online", false));
            system.awaitState(alice, vin);

            TestSystem.Reply created = system.post(
                    alice,
                    "/api/v1/vehicles/" + vin + "/commands",
                    new JsonObject()
                            .put("type", "CLIMATE_START")
                            .put("targetTemperatureC", 22)
                            .encode());
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String id = created.json().getString("id");
            JsonObject[] command = new JsonObject[1];
            await().atMost(PATIENCE).untilAsserted(() -> {
                command[0] = system.get(alice, "/api/v1/vehicles/" + vin + "/commands/" + id)
                        .json();
                assertThat(command[0].getString("status")).isEqualTo("SUCCEEDED");
            });
            assertThat(command[0].getJsonArray("transitions").encode()).contains("DELIVERED");
            assertThat(simulated.isClimateRunning()).isTrue();
            assertThat(car.stored()).isPositive();
            assertThat(car.refused()).isZero();
        }
        await().atMost(PATIENCE)
                .until(() ->
                        !system.get(alice, "/api/v1/vehicles/" + vin).json().getBoolean("online", true));
    }

    @Test
    void aCoapCarOverDtls_authenticatedByItsKey_runsAnOwnersCommand() {
        String vin = "SMCAR000000000962";
        VehicleCredentials credentials = system.enrollCar(vin, "alice");
        SimulatedCar simulated = new SimulatedCar(CarConfig.of(vin), Clock.systemUTC());
        simulated.park();
        URI gateway = URI.create("coaps://127.0.0.1:" + system.server.coapDtlsPort());
        try (CoapCar car = new CoapCar(credentials, simulated, gateway, Duration.ofMillis(500)).connect()) {
            await().atMost(PATIENCE)
                    .until(() ->
                            system.get(alice, "/api/v1/vehicles/" + vin).json().getBoolean("online", false));

            TestSystem.Reply created = system.post(
                    alice,
                    "/api/v1/vehicles/" + vin + "/commands",
                    new JsonObject()
                            .put("type", "CLIMATE_START")
                            .put("targetTemperatureC", 21)
                            .encode());
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String id = created.json().getString("id");
            await().atMost(PATIENCE)
                    .untilAsserted(() -> assertThat(system.get(alice, "/api/v1/vehicles/" + vin + "/commands/" + id)
                                    .json()
                                    .getString("status"))
                            .isEqualTo("SUCCEEDED"));
            assertThat(car.stored()).isPositive();
            assertThat(car.refused()).isZero();
        }
    }

    @Test
    void theSimulatorsRunCommand_onCoap_enrollsAFleetThatReportsThroughTheCoapGateway() {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = dev.carlink.simulator.SimulatorCli.commandLine();
        cli.setOut(new java.io.PrintWriter(out));
        cli.setErr(new java.io.PrintWriter(err));

        int code = cli.execute(
                "run",
                "--api",
                system.api(""),
                "--staff-user",
                "staff",
                "--staff-password",
                "staff-test-pass",
                "--owner",
                "bob",
                "--cars",
                "3",
                "--vin-start",
                "970",
                "--coap",
                "coap://127.0.0.1:" + system.server.coapPort(),
                "--telemetry-interval",
                "500ms",
                "--duration",
                "4s");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("fleet of 3 car(s) running on CoAP")
                .contains("3 car(s) on CoAP, 3 observing their commands, 0 failed to log in")
                .contains("0 refused");
        assertThat(system.count(
                        "SELECT count(DISTINCT vin) FROM telemetry.latest_state WHERE vin LIKE 'SMCAR0000000009%'"))
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void theFleetLoadMode_onCoap_storesEveryMessageOnce_withLatencyToTheCommit(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path reports) throws Exception {
        java.util.List<VehicleCredentials> fleet = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) {
            fleet.add(system.enrollCar(String.format("SMCAR%012d", 980_000 + i), "bob"));
        }
        dev.carlink.simulator.load.LoadConfig config = new dev.carlink.simulator.load.LoadConfig(
                URI.create("coap://127.0.0.1:" + system.server.coapPort()),
                300,
                Duration.ofSeconds(4),
                Duration.ofSeconds(1),
                Duration.ofSeconds(15),
                1,
                200,
                dev.carlink.simulator.load.LoadConfig.DEFAULT_MAX_CONNECTING,
                dev.carlink.simulator.load.LoadConfig.DEFAULT_MAX_IN_FLIGHT,
                java.util.List.of("127.0.0.1"),
                reports,
                null,
                0);

        dev.carlink.simulator.load.LoadReport report =
                new dev.carlink.simulator.load.LoadRun(config, fleet, line -> {}).run();

        assertThat(report.connected()).isEqualTo(60);
        assertThat(report.lost()).isZero();
        assertThat(report.notSent()).isZero();
        assertThat(report.acked()).isEqualTo(report.intended()).isPositive();
        assertThat(report.latency().p50()).as("publish to commit, ms").isPositive();
        assertThat(system.count("SELECT count(*) FROM telemetry.telemetry WHERE vin LIKE 'SMCAR000000980%'"))
                .as("rows stored")
                .isEqualTo(report.acked());
    }
}
