package dev.carlink.gateway;

import static dev.carlink.gateway.Fixtures.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.carlink.proto.bus.v1.PresenceChange;
import dev.carlink.proto.v1.Command;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Presence: online once subscribed to commands, offline when gone, and a take-over keeps the car online. */
class MqttPresenceIT {

    private static final Duration NEVER = Duration.ofMillis(1_000);

    private static GatewayHarness gateway;

    @BeforeAll
    static void startGateway() {
        gateway = GatewayHarness.start();
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    @AfterEach
    void resetStandIns() {
        gateway.reset();
        await().until(() -> gateway.connections() == 0);
    }

    @Test
    void subscribeToCommands_mqtt5_reportsOnline_andDisconnectReportsOffline() throws Exception {
        String vin = gateway.newCar();
        try (Car5 car = Car5.connect(gateway, vin)) {

            car.subscribe(topic(vin, "commands"));

            await().until(() -> gateway.presenceOf(vin).size() == 1);
            PresenceChange online = gateway.presenceOf(vin).get(0);
            assertThat(online.getOnline()).isTrue();
            assertThat(online.getProtocol()).isEqualTo("mqtt-5");
            assertThat(online.getRemoteAddress()).startsWith("127.0.0.1:");
            assertThat(online.getAtMs()).isPositive();
            assertThat(online.getReason()).isEmpty();
        }

        await().until(() -> gateway.presenceOf(vin).size() == 2);
        PresenceChange offline = gateway.presenceOf(vin).get(1);
        assertThat(offline.getOnline()).isFalse();
        assertThat(offline.getReason()).isEqualTo("client disconnect");
        assertThat(offline.getProtocol()).isEqualTo("mqtt-5");
    }

    @Test
    void subscribeToCommands_mqtt311_reportsOnlineWithItsProtocol() throws Exception {
        String vin = gateway.newCar();
        try (Car311 car = Car311.connect(gateway, vin)) {

            assertThat(car.subscribe(topic(vin, "commands"), topic(vin, "errors")))
                    .containsExactly(1, 1);

            await().untilAsserted(() -> assertThat(gateway.presenceOf(vin))
                    .singleElement()
                    .satisfies(p -> {
                        assertThat(p.getOnline()).isTrue();
                        assertThat(p.getProtocol()).isEqualTo("mqtt-3.1.1");
                    }));
        }
    }

    @Test
    void disconnect_withoutCommandSubscription_reportsNothing() throws Exception {
        String vin = gateway.newCar();
        try (Car5 car = Car5.connect(gateway, vin)) {
            car.subscribe(topic(vin, "errors"));
        }

        await().during(NEVER).atMost(NEVER.plusSeconds(2)).until(() -> gateway.presenceOf(vin)
                .isEmpty());
    }

    @Test
    void unsubscribeFromCommands_reportsOfflineAndStopsDelivery() throws Exception {
        String vin = gateway.newCar();
        try (Car5 car = Car5.connect(gateway, vin)) {
            car.subscribe(topic(vin, "commands"));
            await().until(() -> gateway.presenceOf(vin).size() == 1);

            assertThat(car.unsubscribe(topic(vin, "commands"))).containsExactly(0x00);

            await().until(() -> gateway.presenceOf(vin).size() == 2);
            assertThat(gateway.presenceOf(vin).get(1).getOnline()).isFalse();
            assertThat(gateway.presenceOf(vin).get(1).getReason()).isEqualTo("unsubscribed from commands");
            assertThat(gateway.deliver(vin, Fixtures.climateStart(vin))
                            .toCompletionStage()
                            .toCompletableFuture()
                            .handle((ok, error) -> error)
                            .get(10, TimeUnit.SECONDS))
                    .isNotNull();
        }
        await().during(NEVER)
                .atMost(NEVER.plusSeconds(2))
                .until(() -> gateway.presenceOf(vin).size() == 2);
    }

    @Test
    void silence_pastTheKeepAlive_closesTheConnectionAndReportsKeepAliveTimeout() throws Exception {
        String vin = gateway.newCar();
        try (RawMqtt car = RawMqtt.open(gateway)) {
            assertThat(car.connect(RawMqtt.V311, vin, vin, gateway.secret(vin), 1))
                    .isZero();
            assertThat(car.subscribe(1, topic(vin, "commands"))).isEqualTo(1);
            await().until(() -> gateway.presenceOf(vin).size() == 1);

            // no PINGREQ: the gateway gives up after 1.5 times the keep-alive
            assertThat(car.closedByServer(5_000)).isTrue();
        }

        await().until(() -> gateway.presenceOf(vin).size() == 2);
        PresenceChange offline = gateway.presenceOf(vin).get(1);
        assertThat(offline.getOnline()).isFalse();
        assertThat(offline.getReason()).isEqualTo("keep-alive timeout");
    }

    @Test
    void secondConnection_takesOverTheFirst_andTheCarStaysOnline() throws Exception {
        String vin = gateway.newCar();
        Command command = Fixtures.climateStart(vin);
        try (Car5 first = Car5.connect(gateway, vin)) {
            first.subscribe(topic(vin, "commands"));
            await().until(() -> gateway.presenceOf(vin).size() == 1);

            try (Car311 second = Car311.connect(gateway, vin)) {
                second.subscribe(topic(vin, "commands"));

                await().untilAsserted(() -> assertThat(first.disconnected).isNotNull());
                assertThat(first.disconnected.getReturnCode()).isEqualTo(0x8E);
                await().until(() -> gateway.presenceOf(vin).size() == 2);
                await().during(NEVER)
                        .atMost(NEVER.plusSeconds(2))
                        .until(() -> gateway.presenceOf(vin).size() == 2);
                assertThat(gateway.presenceOf(vin)).allMatch(PresenceChange::getOnline);
                assertThat(gateway.connections()).isEqualTo(1);

                gateway.deliver(vin, command)
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);

                await().until(() -> second.received.size() == 1);
                assertThat(Fixtures.commandAtCar(second.received.get(0).payload()))
                        .isEqualTo(command);
                assertThat(first.received).isEmpty();
            }
        }

        await().until(() -> gateway.presenceOf(vin).size() == 3);
        List<PresenceChange> presence = gateway.presenceOf(vin);
        assertThat(presence.get(2).getOnline()).isFalse();
        assertThat(presence.get(2).getProtocol()).isEqualTo("mqtt-3.1.1");
    }

    @Test
    void secondConnection_thatNeverSubscribes_stillReportsTheCarOfflineWhenItLeaves() throws Exception {
        String vin = gateway.newCar();
        try (Car5 first = Car5.connect(gateway, vin)) {
            first.subscribe(topic(vin, "commands"));
            await().until(() -> gateway.presenceOf(vin).size() == 1);

            try (Car5 second = Car5.connect(gateway, vin)) {
                await().untilAsserted(() -> assertThat(first.disconnected).isNotNull());
                assertThat(second.isConnected()).isTrue();
                await().during(NEVER)
                        .atMost(NEVER.plusSeconds(2))
                        .until(() -> gateway.presenceOf(vin).size() == 1);
            }
        }

        await().until(() -> gateway.presenceOf(vin).size() == 2);
        assertThat(gateway.presenceOf(vin).get(1).getOnline()).isFalse();
    }
}
