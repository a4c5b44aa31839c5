package dev.carlink.gateway;

import static dev.carlink.gateway.Fixtures.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.carlink.gateway.GatewayHarness.Reply;
import dev.carlink.proto.bus.v1.TelemetryIngest;
import dev.carlink.proto.v1.ErrorCode;
import dev.carlink.proto.v1.PublishError;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.proto.v1.VehicleEvent;
import java.time.Duration;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.common.packet.MqttPubAck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PUBLISH of valid messages: forwarding, acknowledgement only once stored, and PUBACK order. */
class MqttPublishIT {

    private static final Duration NEVER = Duration.ofMillis(800);

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
    void publish_telemetryQos1_mqtt5_isForwardedAndAcknowledgedOnlyOnceStored() throws Exception {
        String vin = gateway.newCar();
        gateway.telemetry.reply(Reply.HOLD);
        Telemetry sample = Fixtures.telemetry(1);
        long before = System.currentTimeMillis();

        try (Car5 car = Car5.connect(gateway, vin)) {
            IMqttToken token = car.publish(topic(vin, "telemetry"), sample.toByteArray(), 1);

            await().until(() -> gateway.telemetry.held() == 1);
            await().during(NEVER).atMost(NEVER.plusSeconds(2)).until(() -> !token.isComplete());
            gateway.telemetry.releaseHeld();

            token.waitForCompletion(5_000);
            assertThat(token.getReasonCodes()).containsExactly(0x00);
        }
        TelemetryIngest ingest = gateway.telemetry.received.get(0);
        assertThat(ingest.getVin()).isEqualTo(vin);
        assertThat(ingest.getTelemetry()).isEqualTo(sample);
        assertThat(ingest.getReceivedAtMs()).isBetween(before, System.currentTimeMillis());
        assertThat(gateway.counter("carlink.gateway.messages.accepted", "kind", "telemetry"))
                .isPositive();
    }

    @Test
    void publish_eventQos1_mqtt311_isForwardedAndAcknowledgedOnlyOnceStored() throws Exception {
        String vin = gateway.newCar();
        gateway.events.reply(Reply.HOLD);
        VehicleEvent event = Fixtures.event(4);

        try (Car311 car = Car311.connect(gateway, vin)) {
            IMqttDeliveryToken token = car.publish(topic(vin, "events"), event.toByteArray(), 1);

            await().until(() -> gateway.events.held() == 1);
            await().during(NEVER).atMost(NEVER.plusSeconds(2)).until(() -> !token.isComplete());
            gateway.events.releaseHeld();

            token.waitForCompletion(5_000);
            assertThat(token.isComplete()).isTrue();
            assertThat(token.getException()).isNull();
        }
        assertThat(gateway.events.received).singleElement().satisfies(ingest -> {
            assertThat(ingest.getVin()).isEqualTo(vin);
            assertThat(ingest.getEvent()).isEqualTo(event);
            assertThat(ingest.getReceivedAtMs()).isPositive();
        });
    }

    @Test
    void publish_commandResult_mqtt5_isForwardedAndAcknowledged() throws Exception {
        String vin = gateway.newCar();

        try (Car5 car = Car5.connect(gateway, vin)) {
            IMqttToken token = car.publish(
                    topic(vin, "command-results"), Fixtures.result("c-42").toByteArray(), 1);

            token.waitForCompletion(5_000);
            assertThat(token.getReasonCodes()).containsExactly(0x00);
        }
        assertThat(gateway.results.received).singleElement().satisfies(ingest -> {
            assertThat(ingest.getVin()).isEqualTo(vin);
            assertThat(ingest.getResult()).isEqualTo(Fixtures.result("c-42"));
        });
    }

    @Test
    void publish_telemetryQos0_mqtt311_isForwarded() throws Exception {
        String vin = gateway.newCar();

        try (Car311 car = Car311.connect(gateway, vin)) {
            car.publish(topic(vin, "telemetry"), Fixtures.telemetry(9).toByteArray(), 0);

            await().untilAsserted(() -> assertThat(gateway.telemetry.received)
                    .singleElement()
                    .satisfies(ingest -> assertThat(ingest.getTelemetry()).isEqualTo(Fixtures.telemetry(9))));
        }
    }

    @Test
    void publish_whenStorageIsUnavailable_mqtt5_isNotAcknowledged_andTheCarIsToldToConnectAgain() throws Exception {
        String vin = gateway.newCar();
        gateway.telemetry.reply(Reply.UNAVAILABLE);
        double before = gateway.counter("carlink.gateway.messages.unacknowledged", "kind", "telemetry");

        try (Car5 car = Car5.connect(gateway, vin)) {
            IMqttToken token =
                    car.publish(topic(vin, "telemetry"), Fixtures.telemetry(1).toByteArray(), 1);

            await().until(() -> gateway.telemetry.received.size() == 1);
            await().untilAsserted(() -> assertThat(car.disconnected).isNotNull());
            assertThat(car.disconnected.getReturnCode()).as("server busy").isEqualTo(0x89);
            assertThat(token.isComplete()).as("acknowledged").isFalse();
        }
        assertThat(gateway.counter("carlink.gateway.messages.unacknowledged", "kind", "telemetry"))
                .isEqualTo(before + 1);
    }

    @Test
    void publish_whenStorageIsUnavailable_mqtt311_isNotAcknowledged_theErrorsTopicSaysRetry_andTheConnectionCloses()
            throws Exception {
        String vin = gateway.newCar();
        gateway.events.reply(Reply.UNAVAILABLE);

        try (Car311 car = Car311.connect(gateway, vin)) {
            car.subscribe(topic(vin, "errors"));
            IMqttDeliveryToken token =
                    car.publish(topic(vin, "events"), Fixtures.event(1).toByteArray(), 1);

            await().untilAsserted(() -> assertThat(car.errors()).singleElement().satisfies(error -> {
                assertThat(error.getCode()).isEqualTo(ErrorCode.ERROR_CODE_SERVER_UNAVAILABLE);
                assertThat(error.getTopic()).isEqualTo(topic(vin, "events"));
            }));
            await().until(() -> !car.isConnected());
            assertThat(token.isComplete()).as("acknowledged").isFalse();
        }
        assertThat(gateway.events.received).hasSize(1);
    }

    @Test
    void publish_refusedByStorage_mqtt5_isAcknowledgedWithTheStoragesReason() throws Exception {
        String vin = gateway.newCar();
        gateway.telemetry.replyInvalid("seq 3 is not after the latest stored seq 8");

        try (Car5 car = Car5.connect(gateway, vin)) {
            IMqttToken token =
                    car.publish(topic(vin, "telemetry"), Fixtures.telemetry(3).toByteArray(), 1);

            token.waitForCompletion(5_000);
            assertThat(token.getReasonCodes()).containsExactly(0x83);
            assertThat(((MqttPubAck) token.getResponse()).getProperties().getReasonString())
                    .isEqualTo("seq 3 is not after the latest stored seq 8");
        }
        assertThat(gateway.counter("carlink.gateway.messages.rejected", "kind", "telemetry", "reason", "invalid-value"))
                .isPositive();
    }

    @Test
    void publish_refusedByStorage_mqtt311_isAcknowledgedAndExplainedOnTheErrorsTopic() throws Exception {
        String vin = gateway.newCar();
        gateway.results.replyInvalid("unknown command id c-7");

        try (Car311 car = Car311.connect(gateway, vin)) {
            car.subscribe(topic(vin, "errors"));
            IMqttDeliveryToken token = car.publish(
                    topic(vin, "command-results"), Fixtures.result("c-7").toByteArray(), 1);

            token.waitForCompletion(5_000);
            await().untilAsserted(() -> assertThat(car.errors())
                    .containsExactly(PublishError.newBuilder()
                            .setTopic(topic(vin, "command-results"))
                            .setCode(ErrorCode.ERROR_CODE_INVALID_VALUE)
                            .setDetail("unknown command id c-7")
                            .build()));
        }
    }

    @Test
    void pubacks_leaveInPublishOrder_evenWhenStorageRepliesOutOfOrder() throws Exception {
        String vin = gateway.newCar();
        gateway.telemetry.reply(Reply.HOLD);

        try (Car5 car = Car5.connect(gateway, vin)) {
            IMqttToken first =
                    car.publish(topic(vin, "telemetry"), Fixtures.telemetry(1).toByteArray(), 1);
            IMqttToken second =
                    car.publish(topic(vin, "events"), Fixtures.tripStarted(2).toByteArray(), 1);

            // the event is stored at once, the telemetry sample is still being written
            await().until(() -> gateway.events.received.size() == 1 && gateway.telemetry.held() == 1);
            await().during(NEVER).atMost(NEVER.plusSeconds(2)).until(() -> !first.isComplete() && !second.isComplete());
            gateway.telemetry.releaseHeld();

            first.waitForCompletion(5_000);
            second.waitForCompletion(5_000);
            assertThat(first.getReasonCodes()).containsExactly(0x00);
            assertThat(second.getReasonCodes()).containsExactly(0x00);
        }
    }
}
