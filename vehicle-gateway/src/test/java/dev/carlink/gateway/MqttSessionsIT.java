package dev.carlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.carlink.gateway.mqtt.MqttLimits;
import dev.carlink.proto.bus.v1.PresenceChange;
import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.SignedCommand;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MQTT sessions with real Paho clients and raw packets: a persistent session keeps a car's subscriptions and its
 * unacknowledged commands while it is away (delivered again once, not twice), a clean start drops it, a will
 * becomes the offline reason, topic aliases work and bad ones close the connection with their reason code.
 */
class MqttSessionsIT {

    private static GatewayHarness gateway;

    @BeforeAll
    static void start() {
        gateway = GatewayHarness.start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @BeforeEach
    void reset() {
        gateway.reset();
    }

    /** A Paho MQTT 5 car that records the commands it receives and never acknowledges them by itself. */
    private static final class Car implements AutoCloseable {
        final MqttAsyncClient client;
        final List<String> commandIds = new CopyOnWriteArrayList<>();
        volatile MqttDisconnectResponse disconnected;

        Car(String vin) throws MqttException {
            client = new MqttAsyncClient(gateway.uri(), vin, new MemoryPersistence());
            client.setManualAcks(true);
            client.setCallback(new MqttCallback() {
                @Override
                public void disconnected(MqttDisconnectResponse response) {
                    disconnected = response;
                }

                @Override
                public void mqttErrorOccurred(MqttException exception) {}

                @Override
                public void messageArrived(String topic, MqttMessage message) throws Exception {
                    SignedCommand signed = SignedCommand.parseFrom(message.getPayload());
                    commandIds.add(Command.parseFrom(signed.getCommand()).getId());
                }

                @Override
                public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken token) {}

                @Override
                public void connectComplete(boolean reconnect, String serverURI) {}

                @Override
                public void authPacketArrived(int reasonCode, MqttProperties properties) {}
            });
        }

        IMqttToken connect(String vin, boolean cleanStart, long sessionExpiry, String will) throws MqttException {
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setUserName(vin);
            options.setPassword(gateway.secret(vin).getBytes(StandardCharsets.UTF_8));
            options.setCleanStart(cleanStart);
            options.setSessionExpiryInterval(sessionExpiry);
            options.setAutomaticReconnect(false);
            if (will != null) {
                options.setWill(
                        "v1/vehicles/" + vin + "/status", new MqttMessage(will.getBytes(StandardCharsets.UTF_8)));
            }
            IMqttToken token = client.connect(options);
            token.waitForCompletion(10_000);
            return token;
        }

        @Override
        public void close() throws MqttException {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(5_000);
            }
            client.close(true);
        }
    }

    private static long offlineCount(String vin) {
        return gateway.presenceOf(vin).stream().filter(p -> !p.getOnline()).count();
    }

    @Test
    void aPersistentSession_keepsSubscriptions_andRedeliversAnUnacknowledgedCommandOnce() throws Exception {
        String vin = gateway.newCar();
        Command command = Fixtures.climateStart(vin);
        try (Car first = new Car(vin)) {
            IMqttToken connected = first.connect(vin, false, 300, null);
            assertThat(connected.getSessionPresent()).isFalse();
            first.client.subscribe("v1/vehicles/" + vin + "/commands", 1).waitForCompletion(5_000);
            await().until(() -> gateway.presenceOf(vin).stream().anyMatch(PresenceChange::getOnline));
            GatewayHarness.await(gateway.deliver(vin, command));
            await().until(() -> first.commandIds.contains(command.getId()));
            // the car loses its connection before it acknowledged the command
            first.client.disconnectForcibly(0, 0, false);
        }
        await().until(() -> offlineCount(vin) == 1);

        try (Car back = new Car(vin)) {
            IMqttToken resumed = back.connect(vin, false, 300, null);

            // then: the session is present, the command comes again (DUP) without subscribing, the car is online
            assertThat(resumed.getSessionPresent()).isTrue();
            await().until(() -> back.commandIds.contains(command.getId()));
            assertThat(back.commandIds).containsExactly(command.getId());
            await().until(() -> gateway.presenceOf(vin).stream()
                            .filter(PresenceChange::getOnline)
                            .count()
                    == 2);

            // and the command-service sending it again on "online" does not make it arrive twice
            GatewayHarness.await(gateway.deliver(vin, command));
            // nothing more must arrive: a wrong second copy would within this
            await().during(Duration.ofMillis(300))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> back.commandIds.size() == 1);
            assertThat(back.commandIds).containsExactly(command.getId());
        }
    }

    @Test
    void aCleanStart_dropsTheKeptSession() throws Exception {
        String vin = gateway.newCar();
        try (Car first = new Car(vin)) {
            first.connect(vin, false, 300, null);
            first.client.subscribe("v1/vehicles/" + vin + "/commands", 1).waitForCompletion(5_000);
            first.client.disconnectForcibly(0, 0, false);
        }
        try (Car back = new Car(vin)) {
            IMqttToken fresh = back.connect(vin, true, 0, null);

            assertThat(fresh.getSessionPresent()).isFalse();
            // not subscribed, so not online: the count of online notices stays at the first connection's one
            await().during(Duration.ofMillis(300))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> gateway.presenceOf(vin).stream()
                                    .filter(PresenceChange::getOnline)
                                    .count()
                            == 1);
        }
    }

    @Test
    void noSessionExpiry_meansNoSessionIsKept() throws Exception {
        String vin = gateway.newCar();
        try (Car first = new Car(vin)) {
            first.connect(vin, false, 0, null);
            first.client.subscribe("v1/vehicles/" + vin + "/commands", 1).waitForCompletion(5_000);
        }
        try (Car back = new Car(vin)) {
            assertThat(back.connect(vin, false, 0, null).getSessionPresent()).isFalse();
        }
    }

    @Test
    void aWill_isToldAsTheOfflineReason_whenTheCarGoesWithoutDisconnecting() throws Exception {
        String vin = gateway.newCar();
        try (Car car = new Car(vin)) {
            car.connect(vin, true, 0, "ignition off, 12 V low");
            car.client.subscribe("v1/vehicles/" + vin + "/commands", 1).waitForCompletion(5_000);
            await().until(() -> gateway.presenceOf(vin).stream().anyMatch(PresenceChange::getOnline));
            car.client.disconnectForcibly(0, 0, false);
        }
        await().untilAsserted(() -> assertThat(gateway.presenceOf(vin))
                .filteredOn(p -> !p.getOnline())
                .singleElement()
                .satisfies(p -> assertThat(p.getReason()).contains("will: ignition off, 12 V low")));
    }

    @Test
    void aWillOnAnotherTopic_isRefused_withTheReasonCode() throws Exception {
        String vin = gateway.newCar();
        MqttAsyncClient client = new MqttAsyncClient(gateway.uri(), vin, new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(vin);
        options.setPassword(gateway.secret(vin).getBytes(StandardCharsets.UTF_8));
        options.setWill("v1/vehicles/" + vin + "/telemetry", new MqttMessage(new byte[] {1}));
        try {
            client.connect(options).waitForCompletion(10_000);
            throw new AssertionError("connected with a will on a data topic");
        } catch (MqttException refused) {
            assertThat(refused.getReasonCode()).isEqualTo(0x90);
        } finally {
            client.close(true);
        }
        assertThat(gateway.meters
                        .counter("carlink.gateway.connect.refused", "gateway", "gateway-it", "reason", "invalid-will")
                        .count())
                .isEqualTo(1);
    }

    @Test
    void topicAliases_setAndUsed_storeBothMessages_andAnAliasOutOfRangeClosesWith0x94() throws Exception {
        String vin = gateway.newCar();
        String topic = "v1/vehicles/" + vin + "/telemetry";
        try (RawMqtt car = RawMqtt.open(gateway)) {
            assertThat(car.connect(RawMqtt.V5, vin, vin, gateway.secret(vin), 60))
                    .isZero();

            car.publishWithAlias(topic, 1, Fixtures.telemetry(1).toByteArray(), 1);
            car.read().expect(0x40, "PUBACK");
            car.publishWithAlias("", 1, Fixtures.telemetry(2).toByteArray(), 2);
            car.read().expect(0x40, "PUBACK");
            assertThat(gateway.telemetry.received).hasSize(2);

            car.publishWithAlias(
                    "",
                    MqttLimits.DEFAULT_TOPIC_ALIAS_MAXIMUM + 1,
                    Fixtures.telemetry(3).toByteArray(),
                    3);
            RawMqtt.Packet disconnect = car.read();
            disconnect.expect(0xE0, "DISCONNECT");
            assertThat(disconnect.body()[0] & 0xff).isEqualTo(0x94);
        }
        try (RawMqtt car = RawMqtt.open(gateway)) {
            assertThat(car.connect(RawMqtt.V5, vin, vin, gateway.secret(vin), 60))
                    .isZero();
            // an alias never set on this connection (aliases do not outlive it): protocol error
            car.publishWithAlias("", 1, Fixtures.telemetry(4).toByteArray(), 1);
            RawMqtt.Packet disconnect = car.read();
            disconnect.expect(0xE0, "DISCONNECT");
            assertThat(disconnect.body()[0] & 0xff).isEqualTo(0x82);
        }
        assertThat(gateway.telemetry.received).hasSize(2);
    }
}
