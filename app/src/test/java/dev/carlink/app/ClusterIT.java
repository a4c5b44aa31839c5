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
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two instances in one cluster on loopback (Hazelcast over TCP, clustered event bus): instance A runs everything,
 * instance B only a gateway, with no database. A command reaches a car on B; a car that comes back on A gets the
 * command queued while it was away; a car connecting on B takes over its connection on A, and stays online.
 */
class ClusterIT {

    private static final Duration PATIENCE = Duration.ofSeconds(40);

    private static TestSystem system;
    private static CarlinkServer gatewayB;
    private static String alice;

    @BeforeAll
    static void start() throws Exception {
        int portA = TestSystem.freePort();
        int portB = TestSystem.freePort();
        List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
        String name = "carlink-it-" + portA;
        system = TestSystem.startWith(app -> TestSystem.withCluster(
                app, ClusterConfig.member(ClusterConfig.Role.ALL, "127.0.0.1", portA, members, name), "gateway-a"));
        AppConfig a = system.config();
        AppConfig b = new AppConfig(
                a.database(),
                a.gateway(),
                a.coap(),
                a.telemetry(),
                a.telemetryStorage(),
                a.command(),
                a.demo(),
                ClusterConfig.member(ClusterConfig.Role.GATEWAY, "127.0.0.1", portB, members, name),
                a.secrets());
        gatewayB = CarlinkServer.start(TestSystem.withCluster(b, b.cluster(), "gateway-b"), Clock.systemUTC());
        alice = system.login("alice");
    }

    @AfterAll
    static void stop() {
        if (gatewayB != null) {
            gatewayB.close();
        }
        if (system != null) {
            system.close();
        }
    }

    private static URI mqtt(CarlinkServer server) {
        return URI.create("tcp://127.0.0.1:" + server.mqttPort());
    }

    private static MqttCar car(VehicleCredentials credentials, SimulatedCar simulated, CarlinkServer server) {
        return new MqttCar(
                credentials, simulated, MqttCarConfig.of(mqtt(server)).withTelemetryInterval(Duration.ofMillis(500)));
    }

    private static String command(String vin) {
        TestSystem.Reply created = system.post(
                alice,
                "/api/v1/vehicles/" + vin + "/commands",
                "{\"type\":\"CLIMATE_START\",\"targetTemperatureC\":21}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().getString("id");
    }

    private static String status(String vin, String id) {
        return system.get(alice, "/api/v1/vehicles/" + vin + "/commands/" + id)
                .json()
                .getString("status");
    }

    private static boolean online(String vin) {
        return system.get(alice, "/api/v1/vehicles/" + vin).json().getBoolean("online", false);
    }

    @Test
    void aCommand_reachesACarOnTheOtherInstance_andACarBackOnThisOne_getsWhatWasQueued() throws Exception {
        String vin = "CLSTR000000000001";
        VehicleCredentials credentials = system.enrollCar(vin, "alice");
        SimulatedCar simulated = new SimulatedCar(CarConfig.of(vin), Clock.systemUTC());
        simulated.park();

        try (MqttCar onB = car(credentials, simulated, gatewayB)) {
            onB.connect().get(30, TimeUnit.SECONDS);
            await().atMost(PATIENCE).until(() -> online(vin));
            String first = command(vin);
            await().atMost(PATIENCE).until(() -> "SUCCEEDED".equals(status(vin, first)));
        }
        await().atMost(PATIENCE).until(() -> !online(vin));

        String second = command(vin);
        assertThat(status(vin, second)).isEqualTo("QUEUED");
        try (MqttCar onA = car(credentials, simulated, system.server)) {
            onA.connect().get(30, TimeUnit.SECONDS);
            await().atMost(PATIENCE).until(() -> "SUCCEEDED".equals(status(vin, second)));
        }
        assertThat(simulated.executedCommandIds()).hasSize(2);
    }

    @Test
    void aCarConnectingOnTheOtherInstance_takesOverItsOldConnection_andStaysOnline() throws Exception {
        String vin = "CLSTR000000000002";
        VehicleCredentials credentials = system.enrollCar(vin, "alice");
        AtomicInteger takenOver = new AtomicInteger();
        MqttClient old = new MqttClient(mqtt(system.server).toString(), vin, new MemoryPersistence());
        old.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                if (response.getReturnCode() == 0x8E) {
                    takenOver.incrementAndGet();
                }
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {}

            @Override
            public void messageArrived(String topic, MqttMessage message) {}

            @Override
            public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken token) {}

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {}

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {}
        });
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(vin);
        options.setPassword(credentials.secret().getBytes(StandardCharsets.UTF_8));
        old.connect(options);
        old.subscribe("v1/vehicles/" + vin + "/commands", 1);
        await().atMost(PATIENCE).until(() -> online(vin));

        SimulatedCar simulated = new SimulatedCar(CarConfig.of(vin), Clock.systemUTC());
        simulated.park();
        try (MqttCar onB = car(credentials, simulated, gatewayB)) {
            onB.connect().get(30, TimeUnit.SECONDS);

            await().atMost(PATIENCE).until(() -> takenOver.get() == 1);
            // an offline notice from A, if one were wrongly sent, would land within this
            await().during(Duration.ofMillis(500)).atMost(PATIENCE).until(() -> online(vin));
            String id = command(vin);
            await().atMost(PATIENCE).until(() -> "SUCCEEDED".equals(status(vin, id)));
            JsonObject done = system.get(alice, "/api/v1/vehicles/" + vin + "/commands/" + id)
                    .json();
            assertThat(done.getString("status")).isEqualTo("SUCCEEDED");
        } finally {
            old.close(true);
        }
    }
}
