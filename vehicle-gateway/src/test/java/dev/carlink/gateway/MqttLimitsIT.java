package dev.carlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.gateway.mqtt.MqttLimits;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The MQTT edge's limits, each with raw packets on a real socket: the connection quota, failed-login throttling
 * per address, the per-car message rate and the receive maximum. Each refusal carries its MQTT 5 reason code and
 * is counted; a car over a limit loses nothing it was not acknowledged for.
 */
class MqttLimitsIT {

    private GatewayHarness gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private void start(MqttLimits limits) {
        gateway = GatewayHarness.start(2_000, GatewayConfig.DEFAULT_MAX_MESSAGE_SIZE, limits);
    }

    private static MqttLimits limits(
            int maxConnections, int receiveMaximum, int perSecond, int burst, int failedLogins) {
        return new MqttLimits(
                maxConnections,
                receiveMaximum,
                8,
                Duration.ofHours(1),
                perSecond,
                burst,
                failedLogins,
                Duration.ofMinutes(1));
    }

    private double counted(String name, String tag, String value) {
        return gateway.meters.counter(name, "gateway", "gateway-it", tag, value).count();
    }

    @Test
    void oneCarMoreThanTheQuota_isRefusedWith0x97_butACarAlreadyConnectedMayTakeOver() throws Exception {
        start(limits(2, 100, 100, 100, 10));
        String a = gateway.newCar();
        String b = gateway.newCar();
        String c = gateway.newCar();
        try (RawMqtt carA = RawMqtt.open(gateway);
                RawMqtt carB = RawMqtt.open(gateway);
                RawMqtt carC = RawMqtt.open(gateway);
                RawMqtt carAAgain = RawMqtt.open(gateway)) {
            assertThat(carA.connect(RawMqtt.V5, a, a, gateway.secret(a), 60)).isZero();
            assertThat(carB.connect(RawMqtt.V5, b, b, gateway.secret(b), 60)).isZero();

            assertThat(carC.connect(RawMqtt.V5, c, c, gateway.secret(c), 60)).isEqualTo(0x97);
            assertThat(carAAgain.connect(RawMqtt.V5, a, a, gateway.secret(a), 60))
                    .isZero();
        }
        assertThat(counted("carlink.gateway.connect.refused", "reason", "too-many-connections"))
                .isEqualTo(1);
    }

    @Test
    void repeatedFailedLogins_blockThatCarFromThatAddress_evenWithTheRightSecret_butNotItsNeighbours()
            throws Exception {
        start(limits(100, 100, 100, 100, 3));
        String vin = gateway.newCar();
        for (int i = 0; i < 3; i++) {
            try (RawMqtt guesser = RawMqtt.open(gateway)) {
                assertThat(guesser.connect(RawMqtt.V5, vin, vin, "guess-" + i, 60))
                        .isEqualTo(0x86);
            }
        }
        int asked = gateway.authRequests.size();
        try (RawMqtt car = RawMqtt.open(gateway)) {
            assertThat(car.connect(RawMqtt.V5, vin, vin, gateway.secret(vin), 60))
                    .isEqualTo(0x9F);
        }
        try (RawMqtt car = RawMqtt.open(gateway)) {
            assertThat(car.connect(RawMqtt.V311, vin, vin, gateway.secret(vin), 60))
                    .as("3.1.1: server unavailable")
                    .isEqualTo(0x03);
        }
        assertThat(gateway.authRequests)
                .as("blocked before any secret is checked")
                .hasSize(asked);
        assertThat(counted("carlink.gateway.connect.refused", "reason", "login-throttled"))
                .isEqualTo(2);
        String neighbour = gateway.newCar(); // another car behind the same address (a carrier NAT)
        try (RawMqtt car = RawMqtt.open(gateway)) {
            assertThat(car.connect(RawMqtt.V5, neighbour, neighbour, gateway.secret(neighbour), 60))
                    .isZero();
        }
    }

    @Test
    void aCarOverItsMessageRate_isDisconnectedWith0x96_andWhatWasNotAcknowledgedWasNotStored() throws Exception {
        start(limits(100, 100, 1, 5, 10));
        String vin = gateway.newCar();
        String topic = "v1/vehicles/" + vin + "/telemetry";
        try (RawMqtt car = RawMqtt.open(gateway)) {
            assertThat(car.connect(RawMqtt.V5, vin, vin, gateway.secret(vin), 60))
                    .isZero();
            for (int i = 1; i <= 6; i++) {
                car.publish(topic, Fixtures.telemetry(i).toByteArray(), 1, i);
            }
            RawMqtt.Packet packet = car.read();
            while (packet.header() == 0x40) { // PUBACKs of the burst stored before the close
                packet = car.read();
            }

            packet.expect(0xE0, "DISCONNECT");
            assertThat(packet.body()[0] & 0xff).isEqualTo(0x96);
        }
        // the burst was taken; the message over the rate was not (the car sends it again on its next connection)
        org.awaitility.Awaitility.await().until(() -> gateway.telemetry.received.size() == 5);
        assertThat(gateway.telemetry.received)
                .noneMatch(ingest -> ingest.getTelemetry().getSeq() == 6);
        assertThat(counted("carlink.gateway.limits.exceeded", "limit", "message-rate"))
                .isEqualTo(1);
    }

    @Test
    void moreUnacknowledgedMessagesThanTheReceiveMaximum_closeWith0x93() throws Exception {
        start(limits(100, 2, 100, 100, 10));
        gateway.telemetry.reply(GatewayHarness.Reply.HOLD);
        String vin = gateway.newCar();
        String topic = "v1/vehicles/" + vin + "/telemetry";
        try (RawMqtt car = RawMqtt.open(gateway)) {
            assertThat(car.connect(RawMqtt.V5, vin, vin, gateway.secret(vin), 60))
                    .isZero();
            for (int i = 1; i <= 3; i++) {
                car.publish(topic, Fixtures.telemetry(i).toByteArray(), 1, i);
            }

            RawMqtt.Packet disconnect = car.read();
            disconnect.expect(0xE0, "DISCONNECT");
            assertThat(disconnect.body()[0] & 0xff).isEqualTo(0x93);
        }
        assertThat(counted("carlink.gateway.limits.exceeded", "limit", "receive-maximum"))
                .isEqualTo(1);
    }
}
