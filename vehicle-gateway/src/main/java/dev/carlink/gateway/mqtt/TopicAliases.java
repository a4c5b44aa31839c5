package dev.carlink.gateway.mqtt;

import io.netty.handler.codec.mqtt.MqttProperties;
import java.util.HashMap;
import java.util.Map;

/**
 * The topic aliases an MQTT 5 car set on its connection (MQTT 5, 3.3.2.3.4): a PUBLISH with a topic and an alias
 * sets the alias; one with an empty topic and an alias uses it. Aliases live as long as the connection.
 */
final class TopicAliases {

    /** The topic a PUBLISH is for, or the protocol violation that ends the connection. */
    record Resolved(String topic, String violation, boolean invalidAlias) {
        static Resolved topic(String topic) {
            return new Resolved(topic, null, false);
        }

        boolean ok() {
            return violation == null;
        }
    }

    private final int maximum;
    private final Map<Integer, String> topics = new HashMap<>();

    TopicAliases(int maximum) {
        this.maximum = maximum;
    }

    Resolved resolve(String topicName, MqttProperties properties) {
        MqttProperties.MqttProperty<?> property =
                properties == null ? null : properties.getProperty(MqttProperties.TOPIC_ALIAS);
        if (property == null) {
            return Resolved.topic(topicName);
        }
        int alias = property.value() instanceof Integer value ? value : 0;
        if (alias < 1 || alias > maximum) {
            return new Resolved(
                    null, "topic alias " + alias + " is outside 1.." + maximum + " (the CONNACK's maximum)", true);
        }
        if (topicName != null && !topicName.isEmpty()) {
            topics.put(alias, topicName);
            return Resolved.topic(topicName);
        }
        String known = topics.get(alias);
        if (known == null) {
            return new Resolved(null, "topic alias " + alias + " was never set on this connection", false);
        }
        return Resolved.topic(known);
    }
}
