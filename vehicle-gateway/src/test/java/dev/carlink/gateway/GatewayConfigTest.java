package dev.carlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.carlink.gateway.mqtt.MqttLimits;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

    @Test
    void defaults_areTheDocumentedConstants() {
        GatewayConfig config = GatewayConfig.defaults();

        assertThat(config.host()).isEqualTo("0.0.0.0").isEqualTo(GatewayConfig.DEFAULT_HOST);
        assertThat(config.mqttPort()).isEqualTo(1883).isEqualTo(GatewayConfig.DEFAULT_MQTT_PORT);
        assertThat(config.maxMessageSize()).isEqualTo(65_536).isEqualTo(GatewayConfig.DEFAULT_MAX_MESSAGE_SIZE);
        assertThat(config.busTimeout()).isEqualTo(Duration.ofSeconds(10)).isEqualTo(GatewayConfig.DEFAULT_BUS_TIMEOUT);
        assertThat(config.gatewayId()).isEqualTo("gateway-1").isEqualTo(GatewayConfig.DEFAULT_GATEWAY_ID);
    }

    @Test
    void withMqttPort_zero_isLegalAndChangesOnlyThePort() {
        GatewayConfig config = GatewayConfig.defaults().withMqttPort(0);

        assertThat(config.mqttPort()).isZero();
        assertThat(config.withMqttPort(GatewayConfig.DEFAULT_MQTT_PORT)).isEqualTo(GatewayConfig.defaults());
    }

    @Test
    void constructor_withOneBadField_namesTheFieldAndTheValue() {
        assertThatThrownBy(() -> new GatewayConfig(
                        "0.0.0.0",
                        70_000,
                        1024,
                        Duration.ofSeconds(1),
                        "g",
                        MqttLimits.defaults(),
                        MqttTlsConfig.disabled()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid gateway config: mqttPort must be between 0 and 65535, was 70000");
    }

    @Test
    void constructor_withEveryFieldBad_listsEveryProblem() {
        assertThatThrownBy(() -> new GatewayConfig(
                        " ", -1, 0, Duration.ZERO, "", MqttLimits.defaults(), MqttTlsConfig.disabled()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host must not be blank, was ' '")
                .hasMessageContaining("mqttPort must be between 0 and 65535, was -1")
                .hasMessageContaining("maxMessageSize must be between 1 and 268435455 bytes, was 0")
                .hasMessageContaining("busTimeout must be positive, was PT0S")
                .hasMessageContaining("gatewayId must not be blank, was ''");
    }

    @Test
    void constructor_withNullsOrSubMillisecondTimeout_isRefused() {
        assertThatThrownBy(() -> new GatewayConfig(null, 0, 1024, null, null, null, null))
                .hasMessageContaining("host must not be blank, was 'null'")
                .hasMessageContaining("busTimeout must be positive, was null")
                .hasMessageContaining("gatewayId must not be blank, was 'null'");
        assertThatThrownBy(() -> new GatewayConfig(
                        "localhost",
                        0,
                        1024,
                        Duration.ofNanos(10),
                        "g",
                        MqttLimits.defaults(),
                        MqttTlsConfig.disabled()))
                .hasMessageContaining("busTimeout must be at least 1 ms, was PT0.00000001S");
    }
}
