package dev.carlink.gateway.mqtt;

import java.util.Optional;

/** The MQTT versions the gateway speaks; MQTT 3.1 (protocol level 3) is refused. */
enum MqttProtocol {
    MQTT_3_1_1(4, "mqtt-3.1.1"),
    MQTT_5(5, "mqtt-5");

    private final int level;
    private final String label;

    MqttProtocol(int level, String label) {
        this.level = level;
        this.label = label;
    }

    /** The name used in {@code PresenceChange.protocol} and logs. */
    String label() {
        return label;
    }

    /** The protocol of a CONNECT's protocol level, if supported. */
    static Optional<MqttProtocol> ofLevel(int level) {
        for (MqttProtocol protocol : values()) {
            if (protocol.level == level) {
                return Optional.of(protocol);
            }
        }
        return Optional.empty();
    }
}
