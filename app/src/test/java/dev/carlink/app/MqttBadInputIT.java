package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.carlink.proto.v1.ErrorCode;
import dev.carlink.proto.v1.PublishError;
import dev.carlink.proto.v1.Telemetry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hostile and broken cars against the whole system: refused with a reason, counted, nothing stored. */
class MqttBadInputIT {

    private static final String CAR = "SMCAR000000000201";
    private static final String OTHER_CAR = "SMCAR000000000202";
    private static final AtomicLong SEQ = new AtomicLong(System.currentTimeMillis());
    private static TestSystem system;
    private static String secret;
    private static String otherSecret;

    @BeforeAll
    static void start() {
        system = TestSystem.start();
        secret = system.enroll(CAR, "alice");
        otherSecret = system.enroll(OTHER_CAR, "bob");
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    private static MqttAsyncClient v5(String vin, String password) throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(
                system.mqttUri(), vin, new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(vin);
        options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        options.setCleanStart(true);
        options.setConnectionTimeout(10);
        client.connect(options).waitForCompletion(10_000);
        return client;
    }

    private static Telemetry sample(float soc) {
        return Telemetry.newBuilder()
                .setTimestampMs(Instant.now().toEpochMilli())
                .setSeq(SEQ.incrementAndGet())
                .setCabinTemperatureC(24)
                .setStateOfChargePct(soc)
                .build();
    }

    private static int publishV5(MqttAsyncClient client, String topic, byte[] payload) throws MqttException {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(1);
        IMqttToken token = client.publish(topic, message);
        token.waitForCompletion(10_000);
        return token.getReasonCodes()[0];
    }

    private static long rows(String vin) {
        return system.count("SELECT count(*) FROM telemetry.telemetry WHERE vin = ?", vin);
    }

    @Test
    void wrongSecret_isRefusedWithBadUserNameOrPassword() {
        assertThatThrownBy(() -> v5(CAR, "wrong-secret"))
                .isInstanceOfSatisfying(
                        MqttException.class, e -> assertThat(e.getReasonCode()).isEqualTo(0x86));
    }

    @Test
    void unenrolledVin_isRefusedAsNotAuthorized() {
        assertThatThrownBy(() -> v5("SMCAR000000000999", "whatever-secret"))
                .isInstanceOfSatisfying(
                        MqttException.class, e -> assertThat(e.getReasonCode()).isEqualTo(0x87));
    }

    @Test
    void wrongSecret_onMqtt311_isRefusedWithCode4() throws Exception {
        MqttClient client = new MqttClient(system.mqttUri(), CAR, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName(CAR);
        options.setPassword("wrong".toCharArray());
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);

        assertThatThrownBy(() -> client.connect(options))
                .isInstanceOfSatisfying(
                        org.eclipse.paho.client.mqttv3.MqttException.class,
                        e -> assertThat(e.getReasonCode()).isEqualTo(4));
        client.close();
    }

    @Test
    void publishingToAnotherVinsTopic_isNotAuthorized_andNothingStoredForEither() throws Exception {
        MqttAsyncClient client = v5(CAR, secret);
        long before = rows(OTHER_CAR) + rows(CAR);

        int code = publishV5(
                client, "v1/vehicles/" + OTHER_CAR + "/telemetry", sample(50).toByteArray());

        assertThat(code).isEqualTo(0x87);
        assertThat(rows(OTHER_CAR) + rows(CAR)).isEqualTo(before);
        client.disconnect().waitForCompletion();
        client.close();
    }

    @Test
    void unknownTopic_isTopicNameInvalid() throws Exception {
        MqttAsyncClient client = v5(CAR, secret);

        assertThat(publishV5(client, "v1/vehicles/" + CAR + "/selfie", new byte[] {1}))
                .isEqualTo(0x90);
        assertThat(publishV5(client, "hello", new byte[] {1})).isEqualTo(0x90);
        client.disconnect().waitForCompletion();
        client.close();
    }

    @Test
    void garbagePayload_isPayloadFormatInvalid_andNothingStored() throws Exception {
        MqttAsyncClient client = v5(CAR, secret);
        long before = rows(CAR);

        int code = publishV5(client, "v1/vehicles/" + CAR + "/telemetry", new byte[] {(byte) 0xff, 0x13, 0x37});

        assertThat(code).isEqualTo(0x99);
        assertThat(rows(CAR)).isEqualTo(before);
        client.disconnect().waitForCompletion();
        client.close();
    }

    @Test
    void valueOutOfRange_isRefused_andNothingStored() throws Exception {
        MqttAsyncClient client = v5(CAR, secret);
        long before = rows(CAR);

        int code = publishV5(
                client, "v1/vehicles/" + CAR + "/telemetry", sample(140).toByteArray());

        assertThat(code).isGreaterThanOrEqualTo(0x80);
        assertThat(rows(CAR)).isEqualTo(before);
        client.disconnect().waitForCompletion();
        client.close();
    }

    @Test
    void garbageOnMqtt311_isExplainedOnTheErrorsTopic_andNothingStored() throws Exception {
        MqttClient client = new MqttClient(system.mqttUri(), CAR, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName(CAR);
        options.setPassword(secret.toCharArray());
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        client.connect(options);
        List<PublishError> errors = new CopyOnWriteArrayList<>();
        client.subscribe(
                "v1/vehicles/" + CAR + "/errors",
                0,
                (topic, msg) -> errors.add(PublishError.parseFrom(msg.getPayload())));
        long before = rows(CAR);

        client.publish("v1/vehicles/" + CAR + "/events", new byte[] {0x08, (byte) 0xff}, 1, false);

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(errors).singleElement().satisfies(e -> assertThat(e.getCode())
                        .isEqualTo(ErrorCode.ERROR_CODE_MALFORMED_PAYLOAD)));
        assertThat(rows(CAR)).isEqualTo(before);
        assertThat(system.count("SELECT count(*) FROM command.vehicle_events WHERE vin = ?", CAR))
                .isZero();
        client.disconnect();
        client.close();
    }

    @Test
    void aMisbehavingCar_doesNotDisturbAnotherCar() throws Exception {
        MqttAsyncClient bad = v5(CAR, secret);
        MqttAsyncClient good = v5(OTHER_CAR, otherSecret);
        long before = rows(OTHER_CAR);

        publishV5(bad, "v1/vehicles/" + OTHER_CAR + "/telemetry", sample(50).toByteArray());
        publishV5(bad, "v1/vehicles/" + CAR + "/telemetry", new byte[] {(byte) 0xff});
        int goodCode = publishV5(
                good, "v1/vehicles/" + OTHER_CAR + "/telemetry", sample(60).toByteArray());

        assertThat(goodCode).isZero();
        assertThat(rows(OTHER_CAR)).isEqualTo(before + 1);
        assertThat(system.get(null, "/metrics").body()).contains("carlink_gateway_messages_rejected_total");
        bad.disconnect().waitForCompletion();
        good.disconnect().waitForCompletion();
        bad.close();
        good.close();
    }
}
