package dev.carlink.gateway.mqtt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the MQTT edge allows a car and a fleet. Every field is validated at construction; all problems are reported
 * at once.
 *
 * @param maxConnections cars connected at once on this gateway; one more is refused (MQTT 5: 0x97 quota exceeded,
 *     3.1.1: 0x03 server unavailable)
 * @param receiveMaximum QoS 1 PUBLISHes a car may have unacknowledged at once (announced in the MQTT 5 CONNACK);
 *     one more closes the connection (0x93 receive maximum exceeded)
 * @param topicAliasMaximum topic aliases a car may set (MQTT 5; 0: none)
 * @param sessionExpiryMax longest a car's session (subscriptions, unacknowledged commands) is kept after it
 *     disconnects; an MQTT 5 car asks for up to this, a 3.1.1 car with clean session off gets this
 * @param messagesPerSecond sustained PUBLISH rate of one car; above its burst, the connection is closed (MQTT 5:
 *     0x96 message rate too high): unacknowledged messages are sent again on the next connection, nothing is lost
 * @param messageBurst PUBLISHes a car may send at once above its rate
 * @param failedLoginsPerMinute failed CONNECTs from one address within a minute before that address is refused
 *     without checking (MQTT 5: 0x9F connection rate exceeded, 3.1.1: 0x03) for {@code loginBlock}
 * @param loginBlock how long an address that failed too often is refused
 */
public record MqttLimits(
        int maxConnections,
        int receiveMaximum,
        int topicAliasMaximum,
        Duration sessionExpiryMax,
        int messagesPerSecond,
        int messageBurst,
        int failedLoginsPerMinute,
        Duration loginBlock) {

    /** 20,000 connections: what one process holds under this machine's open-file limit. */
    public static final int DEFAULT_MAX_CONNECTIONS = 20_000;

    /** Deep enough for a car flushing its buffer after a tunnel, small enough to bound a connection's memory. */
    public static final int DEFAULT_RECEIVE_MAXIMUM = 100;

    /** One alias per car topic, with room to spare. */
    public static final int DEFAULT_TOPIC_ALIAS_MAXIMUM = 8;

    /** Long enough for a tunnel, a garage or a gateway restart; short enough to bound memory. */
    public static final Duration DEFAULT_SESSION_EXPIRY_MAX = Duration.ofHours(1);

    /** A car sends telemetry every few seconds; 20/s sustained is far beyond a healthy one. */
    public static final int DEFAULT_MESSAGES_PER_SECOND = 20;

    /** A car coming back from a tunnel may flush a few minutes of buffered samples at once. */
    public static final int DEFAULT_MESSAGE_BURST = 500;

    /** A car with the wrong secret retries with back-off; ten failures a minute is a guesser. */
    public static final int DEFAULT_FAILED_LOGINS_PER_MINUTE = 10;

    public static final Duration DEFAULT_LOGIN_BLOCK = Duration.ofMinutes(1);

    public MqttLimits {
        List<String> problems = new ArrayList<>();
        if (maxConnections < 1) {
            problems.add("maxConnections must be at least 1, was " + maxConnections);
        }
        if (receiveMaximum < 1 || receiveMaximum > 65_535) {
            problems.add("receiveMaximum must be between 1 and 65535, was " + receiveMaximum);
        }
        if (topicAliasMaximum < 0 || topicAliasMaximum > 65_535) {
            problems.add("topicAliasMaximum must be between 0 and 65535, was " + topicAliasMaximum);
        }
        if (sessionExpiryMax == null || sessionExpiryMax.isNegative() || sessionExpiryMax.toSeconds() > 0xFFFF_FFFEL) {
            problems.add("sessionExpiryMax must be between PT0S and 4294967294 s, was " + sessionExpiryMax);
        }
        if (messagesPerSecond < 1) {
            problems.add("messagesPerSecond must be at least 1, was " + messagesPerSecond);
        }
        if (messageBurst < 1) {
            problems.add("messageBurst must be at least 1, was " + messageBurst);
        }
        if (failedLoginsPerMinute < 1) {
            problems.add("failedLoginsPerMinute must be at least 1, was " + failedLoginsPerMinute);
        }
        if (loginBlock == null || loginBlock.isNegative() || loginBlock.isZero()) {
            problems.add("loginBlock must be positive, was " + loginBlock);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid MQTT limits: " + String.join("; ", problems));
        }
    }

    public static MqttLimits defaults() {
        return new MqttLimits(
                DEFAULT_MAX_CONNECTIONS,
                DEFAULT_RECEIVE_MAXIMUM,
                DEFAULT_TOPIC_ALIAS_MAXIMUM,
                DEFAULT_SESSION_EXPIRY_MAX,
                DEFAULT_MESSAGES_PER_SECOND,
                DEFAULT_MESSAGE_BURST,
                DEFAULT_FAILED_LOGINS_PER_MINUTE,
                DEFAULT_LOGIN_BLOCK);
    }
}
