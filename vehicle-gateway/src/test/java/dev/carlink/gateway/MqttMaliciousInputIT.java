package dev.carlink.gateway;

import static dev.carlink.gateway.Fixtures.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.carlink.proto.v1.CommandResult;
import dev.carlink.proto.v1.ErrorCode;
import dev.carlink.proto.v1.PublishError;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.proto.v1.VehicleEvent;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.common.packet.MqttPubAck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Input a car must not send: other cars' topics, unknown topics, payloads that are not the topic's
 * message, QoS 2, oversized packets, foreign subscriptions. Each is refused with the protocol's
 * code, nothing reaches the storing modules, and other cars are not disturbed.
 */
class MqttMaliciousInputIT {

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
    void publish_onAnotherCarsTopic_mqtt5_isRefusedNotAuthorizedAndNothingForwarded() throws Exception {
        String vin = gateway.newCar();
        String victim = gateway.newCar();
        double before = rejected("unknown", "topic-not-authorized");

        try (Car5 car = Car5.connect(gateway, vin)) {
            IMqttToken token = car.publish(
                    topic(victim, "telemetry"), Fixtures.telemetry(1).toByteArray(), 1);

            token.waitForCompletion(5_000);
            assertThat(token.getReasonCodes()).containsExactly(0x87);
            assertThat(reasonString(token)).contains("not authorized");
            assertThat(car.isConnected()).isTrue();
        }
        assertNothingForwarded();
        assertThat(rejected("unknown", "topic-not-authorized")).isEqualTo(before + 1);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "v1/vehicles/{vin}/diagnostics",
                "v1/vehicles/{vin}/telemetry/extra",
                "v1/vehicles/{vin}/commands",
                "v1/vehicles/{vin}",
                "v2/vehicles/{vin}/telemetry",
                "telemetry"
            })
    void publish_onUnknownTopic_mqtt5_isRefusedTopicNameInvalidAndNothingForwarded(String template) throws Exception {
        String vin = gateway.newCar();

        try (Car5 car = Car5.connect(gateway, vin)) {
            IMqttToken token = car.publish(
                    template.replace("{vin}", vin), Fixtures.telemetry(1).toByteArray(), 1);

            token.waitForCompletion(5_000);
            assertThat(token.getReasonCodes()).containsExactly(0x90);
        }
        assertNothingForwarded();
    }

    @ParameterizedTest
    @ValueSource(strings = {"telemetry", "events", "command-results"})
    void publish_garbagePayload_mqtt5_isRefusedPayloadFormatInvalidAndNothingForwarded(String kind) throws Exception {
        String vin = gateway.newCar();
        double before = rejected(kind, "malformed-payload");

        try (Car5 car = Car5.connect(gateway, vin)) {
            IMqttToken token = car.publish(topic(vin, kind), Fixtures.GARBAGE, 1);

            token.waitForCompletion(5_000);
            assertThat(token.getReasonCodes()).containsExactly(0x99);
            assertThat(reasonString(token)).startsWith("payload is not a valid vehicle.v1.");
        }
        assertNothingForwarded();
        assertThat(rejected(kind, "malformed-payload")).isEqualTo(before + 1);
    }

    @ParameterizedTest
    @CsvSource({
        "telemetry, Telemetry.timestamp_ms is required",
        "events, VehicleEvent.seq is required",
        "command-results, CommandResult.status is required"
    })
    void publish_withoutRequiredField_mqtt5_isRefusedPayloadFormatInvalidAndNothingForwarded(String kind, String detail)
            throws Exception {
        String vin = gateway.newCar();
        byte[] payload =
                switch (kind) {
                    case "telemetry" -> Telemetry.newBuilder().setSeq(1).build().toByteArray();
                    case "events" ->
                        VehicleEvent.newBuilder().setTimestampMs(1L).build().toByteArray();
                    default ->
                        CommandResult.newBuilder().setCommandId("c-1").build().toByteArray();
                };

        try (Car5 car = Car5.connect(gateway, vin)) {
            IMqttToken token = car.publish(topic(vin, kind), payload, 1);

            token.waitForCompletion(5_000);
            assertThat(token.getReasonCodes()).containsExactly(0x99);
            assertThat(reasonString(token)).isEqualTo(detail);
        }
        assertNothingForwarded();
    }

    @ParameterizedTest
    @CsvSource({
        "FOREIGN_VIN, ERROR_CODE_TOPIC_NOT_AUTHORIZED",
        "UNKNOWN_TOPIC, ERROR_CODE_UNKNOWN_TOPIC",
        "GARBAGE, ERROR_CODE_MALFORMED_PAYLOAD",
        "MISSING_SEQ, ERROR_CODE_INVALID_VALUE"
    })
    void publish_refused_mqtt311_isAcknowledgedAndExplainedOnTheErrorsTopic(Bad bad, ErrorCode code) throws Exception {
        String vin = gateway.newCar();

        try (Car311 car = Car311.connect(gateway, vin)) {
            car.subscribe(topic(vin, "errors"));
            IMqttDeliveryToken token = car.publish(bad.topic(vin), bad.payload(), 1);

            // acknowledged: the message is final, sending it again would not help
            token.waitForCompletion(5_000);
            await().untilAsserted(() -> assertThat(car.errors()).singleElement().satisfies(error -> {
                assertThat(error.getCode()).isEqualTo(code);
                assertThat(error.getTopic()).isEqualTo(bad.topic(vin));
                assertThat(error.getDetail()).isNotBlank();
            }));
            assertThat(car.isConnected()).isTrue();
        }
        assertNothingForwarded();
    }

    @Test
    void publish_refused_mqtt311WithoutErrorsSubscription_isAcknowledgedAndSendsNothing() throws Exception {
        String vin = gateway.newCar();

        try (Car311 car = Car311.connect(gateway, vin)) {
            IMqttDeliveryToken token = car.publish(topic(vin, "telemetry"), Fixtures.GARBAGE, 1);

            token.waitForCompletion(5_000);
            await().during(NEVER).atMost(NEVER.plusSeconds(2)).until(car.received::isEmpty);
        }
        assertNothingForwarded();
    }

    @Test
    void publish_refusedAtQos0_mqtt5_isExplainedOnTheErrorsTopic() throws Exception {
        String vin = gateway.newCar();

        try (Car5 car = Car5.connect(gateway, vin)) {
            car.subscribe(topic(vin, "errors"));
            car.publish(topic(vin, "telemetry"), Fixtures.GARBAGE, 0);

            await().untilAsserted(() -> assertThat(car.errors())
                    .singleElement()
                    .extracting(PublishError::getCode)
                    .isEqualTo(ErrorCode.ERROR_CODE_MALFORMED_PAYLOAD));
        }
        assertNothingForwarded();
    }

    @Test
    void publish_qos2_mqtt311_closesTheConnectionAndForwardsNothing() throws Exception {
        String vin = gateway.newCar();
        double before = rejected("unknown", "qos-not-supported");

        try (Car311 car = Car311.connect(gateway, vin)) {
            car.publish(topic(vin, "telemetry"), Fixtures.telemetry(1).toByteArray(), 2);

            await().untilAsserted(() -> assertThat(car.connectionLost).isNotNull());
        }
        assertNothingForwarded();
        assertThat(rejected("unknown", "qos-not-supported")).isEqualTo(before + 1);
    }

    @Test
    void publish_qos2_mqtt5_isDisconnectedQosNotSupportedAndForwardsNothing() throws Exception {
        // Paho keeps to the CONNACK's maximum QoS 1, so a hand-written client breaks the rule
        String vin = gateway.newCar();

        try (RawMqtt car = RawMqtt.open(gateway)) {
            assertThat(car.connect(RawMqtt.V5, vin, vin, gateway.secret(vin), 30))
                    .isZero();
            car.publish(topic(vin, "telemetry"), Fixtures.telemetry(1).toByteArray(), 2, 1);

            RawMqtt.Packet disconnect = car.read();
            disconnect.expect(0xE0, "DISCONNECT");
            assertThat(disconnect.body()[0] & 0xff).isEqualTo(0x9B);
            assertThat(car.closedByServer(5_000)).isTrue();
        }
        assertNothingForwarded();
    }

    @Test
    void packetsAfterTheClose_andUndefinedReasonCodes_areCountedAtDebug_notLoggedAsErrors() throws Exception {
        String vin = gateway.newCar();
        double before = gateway.counter("carlink.gateway.protocol.errors");
        ch.qos.logback.classic.Logger root =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log =
                new ch.qos.logback.core.read.ListAppender<>();
        log.start();
        root.addAppender(log);
        try {
            try (RawMqtt car = RawMqtt.open(gateway)) {
                assertThat(car.connect(RawMqtt.V5, vin, vin, gateway.secret(vin), 30))
                        .isZero();
                car.write(new byte[] {0x40, 0x04, 0x00, 0x01, 0x15, 0x00}); // PUBACK, reason code 0x15 (undefined)
                await().untilAsserted(() -> assertThat(gateway.counter("carlink.gateway.protocol.errors"))
                        .isEqualTo(before + 1));
            }
            try (RawMqtt car = RawMqtt.open(gateway)) {
                assertThat(car.connect(RawMqtt.V311, vin, vin, gateway.secret(vin), 30))
                        .isZero();
                // a QoS 2 PUBLISH, which closes the session, and 100 PINGREQs already on their way behind it
                java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
                burst.writeBytes(new byte[] {0x34, 0x07, 0x00, 0x01, 'x', 0x00, 0x01, 0x01, 0x02});
                for (int i = 0; i < 100; i++) {
                    burst.writeBytes(new byte[] {(byte) 0xc0, 0x00});
                }
                car.write(burst.toByteArray());
                assertThat(car.closedByServer(5_000)).isTrue();
            }
            await().untilAsserted(() -> assertThat(gateway.counter("carlink.gateway.protocol.errors"))
                    .isGreaterThan(before + 1));
        } finally {
            root.detachAppender(log);
        }
        assertThat(log.list)
                .filteredOn(event -> event.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR))
                .isEmpty();
        try (Car5 car = Car5.connect(gateway, vin)) {
            assertThat(car.isConnected()).isTrue();
        }
    }

    @Test
    void publish_largerThanTheMaximumMessageSize_closesTheConnectionAndForwardsNothing() throws Exception {
        try (GatewayHarness small = GatewayHarness.start(2_000, 1_024)) {
            String vin = small.newCar();
            Telemetry huge = Fixtures.telemetry(1).toBuilder().setOdometerKm(1f).build();
            byte[] payload = new byte[4_096];
            System.arraycopy(huge.toByteArray(), 0, payload, 0, huge.getSerializedSize());

            try (Car311 car = Car311.connect(small, vin)) {
                car.publish(topic(vin, "telemetry"), payload, 1);

                await().untilAsserted(() -> assertThat(car.connectionLost).isNotNull());
            }
            assertThat(small.telemetry.received).isEmpty();
            assertThat(small.counter("carlink.gateway.messages.rejected", "reason", "packet-too-large"))
                    .isEqualTo(1);
        }
    }

    @Test
    void subscribe_toAnotherCarsCommands_isRefusedOnBothProtocolsAndRegistersNothing() throws Exception {
        String vin = gateway.newCar();
        String victim = gateway.newCar();

        try (Car311 car311 = Car311.connect(gateway, vin)) {
            assertThat(car311.subscribe(topic(victim, "commands"), topic(victim, "errors")))
                    .containsExactly(0x80, 0x80);
        }
        try (Car5 car5 = Car5.connect(gateway, vin)) {
            assertThat(car5.subscribe(topic(victim, "commands"))).containsExactly(0x87);

            ReplyException error = deliveryFailure(victim);
            assertThat(error.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
        }
        assertThat(gateway.presenceOf(victim)).isEmpty();
        assertThat(gateway.presenceOf(vin)).isEmpty();
        assertThat(gateway.counter("carlink.gateway.subscriptions.rejected", "reason", "topic-not-authorized"))
                .isGreaterThanOrEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"#", "v1/vehicles/+/commands", "v1/vehicles/{vin}/#", "$SYS/#"})
    void subscribe_withWildcardOrSystemFilter_mqtt311_isRefusedAndTheCarStaysOffline(String template) throws Exception {
        String vin = gateway.newCar();

        try (Car311 car = Car311.connect(gateway, vin)) {

            assertThat(car.subscribe(template.replace("{vin}", vin))).containsExactly(0x80);

            assertThat(car.isConnected()).isTrue();
            assertThat(deliveryFailure(vin).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
        }
        assertThat(gateway.presenceOf(vin)).isEmpty();
    }

    @Test
    void misbehavingCars_doNotDisturbAConnectedCar() throws Exception {
        String vin = gateway.newCar();
        String intruder = gateway.newCar();
        try (Car5 good = Car5.connect(gateway, vin)) {
            good.subscribe(topic(vin, "commands"));
            await().until(() -> gateway.presenceOf(vin).size() == 1);

            // a wrong secret, a stranger, bytes that are not MQTT, garbage and QoS 2 from another car
            catchThrowableOfType(
                    org.eclipse.paho.mqttv5.common.MqttException.class,
                    () -> Car5.connect(gateway, vin, vin, "guessed").close());
            catchThrowableOfType(
                    org.eclipse.paho.client.mqttv3.MqttException.class,
                    () -> Car311.connect(gateway, GatewayHarness.newVin()).close());
            try (RawMqtt http = RawMqtt.open(gateway)) {
                http.write("GET / HTTP/1.1\r\nHost: gateway\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            try (Car311 bad = Car311.connect(gateway, intruder)) {
                bad.publish(topic(vin, "telemetry"), Fixtures.GARBAGE, 1).waitForCompletion(5_000);
                bad.publish(topic(intruder, "telemetry"), Fixtures.telemetry(1).toByteArray(), 2);
                await().untilAsserted(() -> assertThat(bad.connectionLost).isNotNull());
            }

            IMqttToken token =
                    good.publish(topic(vin, "telemetry"), Fixtures.telemetry(5).toByteArray(), 1);

            token.waitForCompletion(5_000);
            assertThat(token.getReasonCodes()).containsExactly(0x00);
            assertThat(good.isConnected()).isTrue();
            assertThat(good.disconnected).isNull();
            assertThat(gateway.presenceOf(vin)).hasSize(1);
            assertThat(gateway.telemetry.received).singleElement().satisfies(ingest -> assertThat(ingest.getVin())
                    .isEqualTo(vin));
        }
    }

    private static void assertNothingForwarded() {
        assertThat(gateway.telemetry.received).isEmpty();
        assertThat(gateway.events.received).isEmpty();
        assertThat(gateway.results.received).isEmpty();
    }

    private static double rejected(String kind, String reason) {
        return gateway.counter("carlink.gateway.messages.rejected", "kind", kind, "reason", reason);
    }

    private static String reasonString(IMqttToken token) {
        return ((MqttPubAck) token.getResponse()).getProperties().getReasonString();
    }

    private static ReplyException deliveryFailure(String vin) {
        try {
            gateway.deliver(vin, Fixtures.climateStart(vin))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return (ReplyException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError("delivery did not answer", e);
        }
        throw new AssertionError("delivery succeeded but was expected to fail");
    }

    /** Refused PUBLISHes of an MQTT 3.1.1 car. */
    enum Bad {
        FOREIGN_VIN {
            @Override
            String topic(String vin) {
                return Fixtures.topic("CARLNK99999999999", "telemetry");
            }
        },
        UNKNOWN_TOPIC {
            @Override
            String topic(String vin) {
                return Fixtures.topic(vin, "diagnostics");
            }
        },
        GARBAGE {
            @Override
            byte[] payload() {
                return Fixtures.GARBAGE;
            }
        },
        MISSING_SEQ {
            @Override
            byte[] payload() {
                return Telemetry.newBuilder().setTimestampMs(1L).build().toByteArray();
            }
        };

        String topic(String vin) {
            return Fixtures.topic(vin, "telemetry");
        }

        byte[] payload() {
            return Fixtures.telemetry(1).toByteArray();
        }
    }
}
