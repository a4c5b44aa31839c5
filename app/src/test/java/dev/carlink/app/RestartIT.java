package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.CarConfig;
import dev.carlink.simulator.car.SimulatedCar;
import dev.carlink.simulator.mqtt.MqttCar;
import dev.carlink.simulator.mqtt.MqttCarConfig;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole backend (gateway, command-service and its embedded PostgreSQL) stopped and started again with
 * commands in each open state (QUEUED, SENT, DELIVERED, IN_PROGRESS): nothing is stranded, each one moves on to a
 * final state with a reason.
 */
class RestartIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String UNANSWERED_CAR = "SMCAR000000000801";
    private static final String OFFLINE_CAR = "SMCAR000000000802";
    private static final String STERILIZING_CAR = "SMCAR000000000803";
    private static final String SILENT_TRANSPORT_CAR = "SMCAR000000000804";

    private TestSystem system;
    private String alice;

    @BeforeEach
    void start() {
        system = TestSystem.start();
        alice = system.login("alice");
    }

    @AfterEach
    void stop() {
        system.close();
    }

    private MqttCar car(VehicleCredentials credentials, double timeScale) {
        SimulatedCar simulated = new SimulatedCar(
                CarConfig.of(credentials.vin()).withReminderAcknowledgeDelay(Duration.ZERO), Clock.systemUTC());
        simulated.park();
        simulated.lockAllDoors();
        simulated.setStateOfCharge(80);
        simulated.setCabinTemperature(30);
        return new MqttCar(
                credentials,
                simulated,
                MqttCarConfig.of(URI.create(system.mqttUri()))
                        .withTelemetryInterval(Duration.ofMillis(500))
                        .withTimeScale(timeScale)
                        .withMaxReconnectDelay(Duration.ofSeconds(1)));
    }

    private String request(String vin, JsonObject body) {
        TestSystem.Reply reply = system.post(alice, "/api/v1/vehicles/" + vin + "/commands", body.encode());
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json().getString("id");
    }

    private JsonObject awaitStatus(String vin, String id, String status) {
        JsonObject[] last = new JsonObject[1];
        await().atMost(PATIENCE).untilAsserted(() -> {
            TestSystem.Reply reply = system.get(alice, "/api/v1/vehicles/" + vin + "/commands/" + id);
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            last[0] = reply.json();
            assertThat(last[0].getString("status")).as(last[0].encode()).isEqualTo(status);
        });
        return last[0];
    }

    private void awaitOnline(String vin) {
        await().atMost(PATIENCE)
                .until(() -> system.get(alice, "/api/v1/vehicles/" + vin).json().getBoolean("online", false));
    }

    /**
     * A head unit whose MQTT stack takes the command but never acknowledges it (no PUBACK): the command stays
     * SENT. Manual acknowledgements that are never given.
     */
    private MqttClient silentTransport(VehicleCredentials credentials) throws Exception {
        MqttClient client = new MqttClient(system.mqttUri(), credentials.vin(), new MemoryPersistence());
        client.setManualAcks(true);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName(credentials.vin());
        options.setPassword(credentials.secret().toCharArray());
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setAutomaticReconnect(false);
        client.connect(options);
        client.subscribe("v1/vehicles/" + credentials.vin() + "/commands", 1, (topic, message) -> {});
        return client;
    }

    @Test
    void queuedSentDeliveredAndInProgressCommands_allReachAFinalStateAfterTheBackendRestarts() throws Exception {
        VehicleCredentials unansweredCredentials = system.enrollCar(UNANSWERED_CAR, "alice");
        VehicleCredentials offlineCredentials = system.enrollCar(OFFLINE_CAR, "alice");
        VehicleCredentials sterilizingCredentials = system.enrollCar(STERILIZING_CAR, "alice");
        VehicleCredentials silentCredentials = system.enrollCar(SILENT_TRANSPORT_CAR, "alice");
        JsonObject stop = new JsonObject().put("type", "CLIMATE_STOP");

        try (MqttCar unanswered = car(unansweredCredentials, 1);
                MqttCar sterilizing = car(sterilizingCredentials, 60)) {
            // DELIVERED: the car's transport took it, but the car (a fault) never acts or answers
            unanswered.faults().ignoreCommands(true);
            unanswered.connect().get(30, TimeUnit.SECONDS);
            awaitOnline(UNANSWERED_CAR);
            String delivered = request(UNANSWERED_CAR, stop);
            awaitStatus(UNANSWERED_CAR, delivered, "DELIVERED");

            // QUEUED: the car is not connected
            String queued = request(OFFLINE_CAR, stop.copy().put("deliverWithinSeconds", 600));
            awaitStatus(OFFLINE_CAR, queued, "QUEUED");

            // IN_PROGRESS: a sterilization cycle running in the car
            sterilizing.connect().get(30, TimeUnit.SECONDS);
            awaitOnline(STERILIZING_CAR);
            await().atMost(PATIENCE)
                    .until(() -> system.get(alice, "/api/v1/vehicles/" + STERILIZING_CAR + "/state")
                                    .status()
                            == 200);
            String inProgress = request(
                    STERILIZING_CAR,
                    new JsonObject()
                            .put("type", "STERILIZATION_START")
                            .put("checklistConfirmed", true)
                            .put("holdMinutes", 15));
            awaitStatus(STERILIZING_CAR, inProgress, "IN_PROGRESS");

            // SENT: written to the car's session, never acknowledged by its transport
            MqttClient silent = silentTransport(silentCredentials);
            awaitOnline(SILENT_TRANSPORT_CAR);
            String sent = request(SILENT_TRANSPORT_CAR, stop);
            awaitStatus(SILENT_TRANSPORT_CAR, sent, "SENT");

            system.restart();
            unanswered.faults().ignoreCommands(false);
            silent.disconnectForcibly(0, 1000);
            silent.close();

            try (MqttCar offline = car(offlineCredentials, 1);
                    MqttCar recovered = car(silentCredentials, 1)) {
                offline.connect().get(30, TimeUnit.SECONDS);
                recovered.connect().get(30, TimeUnit.SECONDS);

                awaitStatus(SILENT_TRANSPORT_CAR, sent, "SUCCEEDED");
                assertThat(recovered.car().executedCommandIds()).containsExactly(sent);

                awaitStatus(UNANSWERED_CAR, delivered, "SUCCEEDED");
                assertThat(unanswered.car().executedCommandIds()).containsExactly(delivered);
                awaitStatus(OFFLINE_CAR, queued, "SUCCEEDED");
                awaitStatus(STERILIZING_CAR, inProgress, "SUCCEEDED");
                assertThat(sterilizing.car().executedCommandIds()).containsExactly(inProgress);
            }
        }
        assertThat(system.count("SELECT count(*) FROM command.commands WHERE status IN "
                        + "('QUEUED', 'SENT', 'DELIVERED', 'IN_PROGRESS')"))
                .isZero();
    }

    @Test
    void commandServiceRestartedAlone_keepsTheCarsItsGatewayHoldsOnline_andTurnsTheOnesThatLeftOffline()
            throws Exception {
        VehicleCredentials stayingCredentials = system.enrollCar("SMCAR000000000811", "alice");
        VehicleCredentials leavingCredentials = system.enrollCar("SMCAR000000000812", "alice");
        try (MqttCar staying = car(stayingCredentials, 1);
                MqttCar leaving = car(leavingCredentials, 1)) {
            staying.connect().get(30, TimeUnit.SECONDS);
            leaving.connect().get(30, TimeUnit.SECONDS);
            awaitOnline(stayingCredentials.vin());
            awaitOnline(leavingCredentials.vin());

            // when: the command-service alone restarts (gateway and telemetry run on), and one car leaves meanwhile
            system.restartCommandService(Duration.ofSeconds(2), () -> leaving.close());

            // then: once the gateways were asked who is connected, the car still connected is online (it was
            // called offline by every restart before), the one that left is offline, and a command reaches the
            // one still there without it reconnecting
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(online(leavingCredentials.vin()))
                    .isFalse());
            await().during(Duration.ofSeconds(7))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> online(stayingCredentials.vin()));
            String id = request(stayingCredentials.vin(), new JsonObject().put("type", "CLIMATE_STOP"));
            awaitStatus(stayingCredentials.vin(), id, "SUCCEEDED");
            assertThat(staying.car().executedCommandIds()).containsExactly(id);
        }
    }

    private boolean online(String vin) {
        return system.get(alice, "/api/v1/vehicles/" + vin).json().getBoolean("online", false);
    }
}
