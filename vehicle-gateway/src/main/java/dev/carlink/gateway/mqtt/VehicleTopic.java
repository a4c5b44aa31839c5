package dev.carlink.gateway.mqtt;

import java.util.Objects;
import java.util.Optional;

/**
 * A topic of one car, {@code v1/vehicles/{vin}/{kind}}, and the codec that turns topic names from
 * the wire into one, or into a typed {@link Rejection}.
 *
 * @param vin the car's VIN
 * @param kind the last topic level
 */
record VehicleTopic(String vin, TopicKind kind) {

    private static final String VERSION_LEVEL = "v1";
    private static final String VEHICLES_LEVEL = "vehicles";
    private static final int LEVELS = 4;

    VehicleTopic {
        if (!Vin.isValid(vin)) {
            throw new IllegalArgumentException(Vin.problem(vin));
        }
        Objects.requireNonNull(kind, "kind");
    }

    /** The topic name on the wire. */
    String name() {
        return VERSION_LEVEL + "/" + VEHICLES_LEVEL + "/" + vin + "/" + kind.level();
    }

    /**
     * Decodes the topic of a PUBLISH from the car {@code ownVin}: one of its own publish topics, or a
     * rejection ({@link RejectReason#TOPIC_NOT_AUTHORIZED} for another car's topic, {@link
     * RejectReason#UNKNOWN_TOPIC} for anything else).
     */
    static Parsed<VehicleTopic> parsePublish(String topicName, String ownVin) {
        if (topicName != null && (topicName.indexOf('+') >= 0 || topicName.indexOf('#') >= 0)) {
            return Parsed.rejected(RejectReason.UNKNOWN_TOPIC, "a topic name must not contain wildcards");
        }
        return parse(topicName, ownVin, true);
    }

    /**
     * Decodes a SUBSCRIBE topic filter of the car {@code ownVin}: one of the topics it may subscribe
     * to, or a rejection. Wildcards are refused: a car subscribes to exact topics only.
     */
    static Parsed<VehicleTopic> parseSubscription(String topicFilter, String ownVin) {
        if (topicFilter != null && (topicFilter.indexOf('+') >= 0 || topicFilter.indexOf('#') >= 0)) {
            return Parsed.rejected(RejectReason.TOPIC_NOT_AUTHORIZED, "wildcard subscriptions are not allowed");
        }
        return parse(topicFilter, ownVin, false);
    }

    private static Parsed<VehicleTopic> parse(String topic, String ownVin, boolean publish) {
        if (topic == null || topic.isEmpty()) {
            return Parsed.rejected(RejectReason.UNKNOWN_TOPIC, "the topic is empty");
        }
        String[] levels = topic.split("/", -1);
        if (levels.length != LEVELS || !VERSION_LEVEL.equals(levels[0]) || !VEHICLES_LEVEL.equals(levels[1])) {
            return Parsed.rejected(RejectReason.UNKNOWN_TOPIC, "the topic must be v1/vehicles/{vin}/{kind}");
        }
        if (!levels[2].equals(ownVin)) {
            return Parsed.rejected(RejectReason.TOPIC_NOT_AUTHORIZED, "topic not authorized: it names another vehicle");
        }
        Optional<TopicKind> kind = TopicKind.ofLevel(levels[3]);
        if (kind.isEmpty()) {
            return Parsed.rejected(RejectReason.UNKNOWN_TOPIC, "unknown topic kind '" + printable(levels[3]) + "'");
        }
        if (kind.get().carPublishes() != publish) {
            String direction = publish ? "publish on" : "subscribe to";
            return Parsed.rejected(
                    publish ? RejectReason.UNKNOWN_TOPIC : RejectReason.TOPIC_NOT_AUTHORIZED,
                    "a vehicle may not " + direction + " '" + kind.get().level() + "'");
        }
        return Parsed.valid(new VehicleTopic(ownVin, kind.get()));
    }

    /** Keeps a car-chosen level out of logs and reason strings when it is long or not plain text. */
    private static String printable(String level) {
        boolean plain = level.length() <= 32 && level.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
        return plain ? level : "(" + level.length() + " characters)";
    }
}
