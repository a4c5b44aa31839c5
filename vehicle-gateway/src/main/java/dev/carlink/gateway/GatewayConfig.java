package dev.carlink.gateway;

import dev.carlink.gateway.mqtt.MqttLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the vehicle gateway. Every field is validated at construction; all problems are
 * reported at once.
 *
 * @param host interface the MQTT server binds to
 * @param mqttPort TCP port of the MQTT server; 0 binds any free port (read it back with {@link
 *     GatewayVerticle#actualMqttPort()})
 * @param maxMessageSize largest MQTT packet a car may send, in bytes; larger packets close the
 *     connection
 * @param busTimeout how long the gateway waits for another module to answer an event-bus request
 * @param gatewayId name of this gateway instance, used as the {@code gateway} metric tag and in logs
 * @param limits what a car and the fleet may do on MQTT
 * @param tls MQTT over TLS, with optional client certificates
 */
public record GatewayConfig(
        String host,
        int mqttPort,
        int maxMessageSize,
        Duration busTimeout,
        String gatewayId,
        MqttLimits limits,
        MqttTlsConfig tls) {

    /** Bind to every interface. */
    public static final String DEFAULT_HOST = "0.0.0.0";

    /** The IANA port for MQTT without TLS. */
    public static final int DEFAULT_MQTT_PORT = 1883;

    /** 64 KiB: far above a telemetry sample (a few hundred bytes), far below a memory risk. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 65_536;

    /** Long enough for a committed database write under load, short enough for a car to retry. */
    public static final Duration DEFAULT_BUS_TIMEOUT = Duration.ofSeconds(10);

    /** Name of the only gateway of a single-process deployment. */
    public static final String DEFAULT_GATEWAY_ID = "gateway-1";

    /** The largest remaining length an MQTT packet can declare (MQTT 3.1.1 and 5, 2.2.3). */
    static final int MQTT_MAX_PACKET_SIZE = 268_435_455;

    public GatewayConfig {
        List<String> problems = new ArrayList<>();
        if (host == null || host.isBlank()) {
            problems.add("host must not be blank, was '" + host + "'");
        }
        if (mqttPort < 0 || mqttPort > 65_535) {
            problems.add("mqttPort must be between 0 and 65535, was " + mqttPort);
        }
        if (maxMessageSize < 1 || maxMessageSize > MQTT_MAX_PACKET_SIZE) {
            problems.add(
                    "maxMessageSize must be between 1 and " + MQTT_MAX_PACKET_SIZE + " bytes, was " + maxMessageSize);
        }
        if (busTimeout == null || busTimeout.isNegative() || busTimeout.isZero()) {
            problems.add("busTimeout must be positive, was " + busTimeout);
        } else if (busTimeout.toMillis() < 1) {
            problems.add("busTimeout must be at least 1 ms, was " + busTimeout);
        }
        if (gatewayId == null || gatewayId.isBlank()) {
            problems.add("gatewayId must not be blank, was '" + gatewayId + "'");
        }
        if (limits == null) {
            problems.add("limits must be set");
        }
        if (tls == null) {
            problems.add("tls must be set (MqttTlsConfig.disabled() for none)");
        } else if (tls.enabled() && tls.port() != 0 && tls.port() == mqttPort) {
            problems.add("the TLS port must differ from mqttPort, both were " + mqttPort);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid gateway config: " + String.join("; ", problems));
        }
    }

    /**
     * The defaults: every interface, port 1883 (and TLS on 8883 with a self-signed certificate), 64 KiB messages,
     * 10 s bus timeout, "gateway-1", default limits.
     */
    public static GatewayConfig defaults() {
        return new GatewayConfig(
                DEFAULT_HOST,
                DEFAULT_MQTT_PORT,
                DEFAULT_MAX_MESSAGE_SIZE,
                DEFAULT_BUS_TIMEOUT,
                DEFAULT_GATEWAY_ID,
                MqttLimits.defaults(),
                MqttTlsConfig.defaults());
    }

    /** This config with another MQTT port (0 for any free port). */
    public GatewayConfig withMqttPort(int port) {
        return new GatewayConfig(host, port, maxMessageSize, busTimeout, gatewayId, limits, tls);
    }

    /** This config with other limits. */
    public GatewayConfig withLimits(MqttLimits other) {
        return new GatewayConfig(host, mqttPort, maxMessageSize, busTimeout, gatewayId, other, tls);
    }

    /** This config with other TLS settings. */
    public GatewayConfig withTls(MqttTlsConfig other) {
        return new GatewayConfig(host, mqttPort, maxMessageSize, busTimeout, gatewayId, limits, other);
    }
}
