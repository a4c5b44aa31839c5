package dev.carlink.gateway.mqtt;

import dev.carlink.proto.v1.ErrorCode;
import dev.carlink.proto.v1.PublishError;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.messages.codes.MqttDisconnectReasonCode;
import io.vertx.mqtt.messages.codes.MqttPubAckReasonCode;
import io.vertx.mqtt.messages.codes.MqttSubAckReasonCode;
import io.vertx.mqtt.messages.codes.MqttUnsubAckReasonCode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One authenticated car connection: its endpoint, its subscriptions, the ordered queue of PUBACKs
 * it is owed and the commands it has not acknowledged yet.
 *
 * <p>Every method runs on the connection's event-loop thread; none blocks.
 */
final class VehicleSession {

    /** MQTT 5 caps reason strings by packet size only; a car needs no more than a sentence. */
    private static final int MAX_REASON_STRING = 200;

    /** Largest packet identifier (MQTT 2.2.1). */
    private static final int MAX_PACKET_ID = 65_535;

    private final MqttEndpoint endpoint;
    private final String vin;
    private final MqttProtocol protocol;
    private final String remoteAddress;
    private final Clock clock;
    private final boolean problemInformation;
    private final int receiveMaximum;
    private final OrderedAckQueue acks = new OrderedAckQueue();
    private final Set<TopicKind> subscriptions = EnumSet.noneOf(TopicKind.class);
    private final Map<Integer, SessionStore.InFlight> commandsInFlight = new LinkedHashMap<>();
    private final long sessionExpirySeconds;
    private final String will;
    private final TopicAliases aliases;
    private final MessageRate rate;
    private final int carMaxPacketSize;

    private SessionState state = SessionState.CONNECTED;
    private MessageConsumer<Buffer> commandConsumer;
    private boolean announcedOnline;
    private String closeReason;
    private int lastPacketId;
    private long lastSeenMs;

    /**
     * @param sessionExpirySeconds how long the session outlives the connection (0: it ends with it)
     * @param will what the car said its going away means, told as the offline reason when it goes ungracefully
     */
    VehicleSession(
            MqttEndpoint endpoint,
            String vin,
            MqttProtocol protocol,
            Clock clock,
            MqttLimits limits,
            long sessionExpirySeconds,
            String will) {
        this.endpoint = endpoint;
        this.vin = vin;
        this.protocol = protocol;
        this.remoteAddress = String.valueOf(endpoint.remoteAddress());
        this.clock = clock;
        MqttProperties connect = protocol == MqttProtocol.MQTT_5 ? endpoint.connectProperties() : null;
        this.problemInformation = intProperty(connect, MqttProperties.REQUEST_PROBLEM_INFORMATION, 1) != 0;
        this.receiveMaximum = intProperty(connect, MqttProperties.RECEIVE_MAXIMUM, MAX_PACKET_ID);
        this.carMaxPacketSize = intProperty(connect, MqttProperties.MAXIMUM_PACKET_SIZE, Integer.MAX_VALUE);
        this.sessionExpirySeconds = sessionExpirySeconds;
        this.will = will;
        this.aliases = new TopicAliases(protocol == MqttProtocol.MQTT_5 ? limits.topicAliasMaximum() : 0);
        this.rate = new MessageRate(limits.messagesPerSecond(), limits.messageBurst(), System.nanoTime());
        this.lastSeenMs = clock.millis();
    }

    TopicAliases aliases() {
        return aliases;
    }

    /** Takes one PUBLISH from the car's rate; false when it is over. */
    boolean withinRate() {
        return rate.tryAcquire(System.nanoTime());
    }

    /** The car's will text, if it set one. */
    Optional<String> will() {
        return Optional.ofNullable(will);
    }

    long sessionExpirySeconds() {
        return sessionExpirySeconds;
    }

    /** What this session keeps for its car while it is away (when it asked for a session expiry). */
    SessionStore.Saved snapshot() {
        return new SessionStore.Saved(
                subscriptions, commandsInFlight, lastPacketId, clock.millis() + sessionExpirySeconds * 1000L);
    }

    /**
     * Takes up the car's saved session: its subscriptions, and its unacknowledged commands, sent again under their
     * packet ids with DUP set (MQTT 4.4). The car acts on each command id once, so a repeat is harmless.
     */
    void resume(SessionStore.Saved saved) {
        subscriptions.addAll(saved.subscriptions());
        lastPacketId = saved.lastPacketId();
        saved.inFlight().forEach((packetId, command) -> {
            commandsInFlight.put(packetId, command);
            endpoint.publish(
                    new VehicleTopic(vin, TopicKind.COMMANDS).name(),
                    command.body(),
                    MqttQoS.AT_LEAST_ONCE,
                    true,
                    false,
                    packetId);
        });
    }

    String vin() {
        return vin;
    }

    MqttProtocol protocol() {
        return protocol;
    }

    String remoteAddress() {
        return remoteAddress;
    }

    SessionState state() {
        return state;
    }

    OrderedAckQueue acks() {
        return acks;
    }

    /** The connection is accepted and not closed. */
    boolean isOpen() {
        return state != SessionState.CLOSED && endpoint.isConnected();
    }

    /** Notes that the car sent a packet (for telling a keep-alive timeout from a lost connection). */
    void touch() {
        lastSeenMs = clock.millis();
    }

    /** Whether nothing came from the car for longer than its keep-alive interval. */
    boolean keepAliveExpired() {
        int keepAlive = endpoint.keepAliveTimeSeconds();
        return keepAlive > 0 && clock.millis() - lastSeenMs >= keepAlive * 1000L;
    }

    boolean isSubscribed(TopicKind kind) {
        return subscriptions.contains(kind);
    }

    /** Records a granted subscription; returns false if the car already had it. */
    boolean subscribe(TopicKind kind) {
        return subscriptions.add(kind);
    }

    /** Removes a subscription; returns false if the car did not have it. */
    boolean unsubscribe(TopicKind kind) {
        return subscriptions.remove(kind);
    }

    /** Whether a PresenceChange{online} was published for this car and no offline since. */
    boolean announcedOnline() {
        return announcedOnline;
    }

    /** A session that takes over from {@code previous} owes the offline notice the previous one owed. */
    void inheritPresence(VehicleSession previous) {
        announcedOnline = announcedOnline || previous.announcedOnline;
    }

    /** Keeps the consumer that delivers commands to this session, so closing can unregister it. */
    void attachCommandConsumer(MessageConsumer<Buffer> consumer) {
        if (state == SessionState.CLOSED) {
            consumer.unregister();
            return;
        }
        if (commandConsumer != null) {
            commandConsumer.unregister();
        }
        commandConsumer = consumer;
    }

    /** True while {@code consumer} is the one delivering this session's commands. */
    boolean hasCommandConsumer(MessageConsumer<Buffer> consumer) {
        return commandConsumer == consumer;
    }

    /** Commands can reach the car now; a presence notice is owed. */
    void goOnline() {
        state = state.to(SessionState.ONLINE);
        announcedOnline = true;
    }

    /** The car unsubscribed from its commands: it is no longer reachable for them. */
    void goOffline() {
        state = state.to(SessionState.CONNECTED);
        announcedOnline = false;
        unregisterCommandConsumer();
    }

    /**
     * Ends the session: unregisters its command consumer, forgets owed PUBACKs and unacknowledged
     * commands (take a {@link #snapshot()} first to keep them). The first call wins; later calls return false
     * and change nothing.
     */
    boolean end(String reason) {
        if (state == SessionState.CLOSED) {
            return false;
        }
        state = state.to(SessionState.CLOSED);
        if (closeReason == null) {
            closeReason = reason;
        }
        unregisterCommandConsumer();
        acks.close();
        commandsInFlight.clear();
        return true;
    }

    /** Why the session ended, when the gateway or the car said so. */
    Optional<String> closeReason() {
        return Optional.ofNullable(closeReason);
    }

    /**
     * Closes the connection from the gateway's side: MQTT 5 cars get a DISCONNECT with {@code code}
     * and {@code reason}, MQTT 3.1.1 cars (which have no server DISCONNECT) see the socket close.
     */
    void disconnect(MqttDisconnectReasonCode code, String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
        if (!endpoint.isConnected()) {
            return;
        }
        if (protocol == MqttProtocol.MQTT_5) {
            endpoint.disconnect(code, reasonString(reason, true));
        } else {
            endpoint.close();
        }
    }

    /** Records why the car said it disconnected (MQTT DISCONNECT packet). */
    void clientDisconnected(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
    }

    /** Answers a SUBSCRIBE; MQTT 3.1.1 cars get granted QoS or 0x80 failure, the only codes they know. */
    void subAck(int messageId, List<MqttSubAckReasonCode> codes) {
        if (!endpoint.isConnected()) {
            return;
        }
        if (protocol == MqttProtocol.MQTT_5) {
            endpoint.subscribeAcknowledge(messageId, codes, MqttProperties.NO_PROPERTIES);
            return;
        }
        List<MqttQoS> granted = new ArrayList<>(codes.size());
        for (MqttSubAckReasonCode code : codes) {
            granted.add(
                    switch (code) {
                        case GRANTED_QOS0 -> MqttQoS.AT_MOST_ONCE;
                        case GRANTED_QOS1 -> MqttQoS.AT_LEAST_ONCE;
                        case GRANTED_QOS2 -> MqttQoS.EXACTLY_ONCE;
                        default -> MqttQoS.FAILURE;
                    });
        }
        endpoint.subscribeAcknowledge(messageId, granted);
    }

    /** Answers an UNSUBSCRIBE; only MQTT 5 UNSUBACKs carry reason codes. */
    void unsubAck(int messageId, List<MqttUnsubAckReasonCode> codes) {
        if (!endpoint.isConnected()) {
            return;
        }
        if (protocol == MqttProtocol.MQTT_5) {
            endpoint.unsubscribeAcknowledge(messageId, codes, MqttProperties.NO_PROPERTIES);
        } else {
            endpoint.unsubscribeAcknowledge(messageId);
        }
    }

    /** Sends a success PUBACK. */
    void pubAck(int packetId) {
        if (endpoint.isConnected()) {
            endpoint.publishAcknowledge(packetId);
        }
    }

    /** Sends an MQTT 5 PUBACK with {@code code} and, if the car wants problem information, {@code reason}. */
    void pubAck(int packetId, MqttPubAckReasonCode code, String reason) {
        if (endpoint.isConnected()) {
            endpoint.publishAcknowledge(packetId, code, reasonString(reason, problemInformation));
        }
    }

    /**
     * Tells the car on its errors topic (QoS 0) what was refused and why, if it subscribed to it.
     *
     * @return completes once the error is written (at once when the car did not subscribe); never fails
     */
    Future<Void> publishError(String topic, ErrorCode code, String detail) {
        if (!subscriptions.contains(TopicKind.ERRORS) || !endpoint.isConnected()) {
            return Future.succeededFuture();
        }
        PublishError error = PublishError.newBuilder()
                .setTopic(topic == null ? "" : topic)
                .setCode(code)
                .setDetail(detail)
                .build();
        return endpoint.publish(
                        new VehicleTopic(vin, TopicKind.ERRORS).name(),
                        Buffer.buffer(error.toByteArray()),
                        MqttQoS.AT_MOST_ONCE,
                        false,
                        false)
                .<Void>mapEmpty()
                .recover(notWritten -> Future.succeededFuture());
    }

    /** Whether the car's receive window (MQTT 5 Receive Maximum) has room for one more command. */
    boolean canSendCommand() {
        return commandsInFlight.size() < receiveMaximum;
    }

    /** Whether the command is sent and not acknowledged yet (it is re-sent by the session, not again). */
    boolean inFlight(String commandId) {
        for (SessionStore.InFlight command : commandsInFlight.values()) {
            if (command.commandId().equals(commandId)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a PUBLISH with this payload fits in the largest packet the car accepts (MQTT 5). */
    boolean fits(String topic, int payloadBytes) {
        // fixed header (at most 5), topic length and topic, packet id, properties length (1)
        long packet = 5L + 2 + topic.length() + 2 + 1 + payloadBytes;
        return packet <= carMaxPacketSize;
    }

    /**
     * Publishes a command (QoS 1) on the car's commands topic.
     *
     * @return the packet identifier, once the PUBLISH was written to the connection
     */
    Future<Integer> publishCommand(String commandId, String keyId, Buffer command) {
        if (!isOpen()) {
            return Future.failedFuture(new IllegalStateException("vehicle not connected"));
        }
        int packetId = nextFreePacketId();
        // registered before writing: the car's PUBACK must find it however fast it comes
        commandsInFlight.put(packetId, new SessionStore.InFlight(commandId, keyId, command));
        return endpoint.publish(
                        new VehicleTopic(vin, TopicKind.COMMANDS).name(),
                        command,
                        MqttQoS.AT_LEAST_ONCE,
                        false,
                        false,
                        packetId)
                .onFailure(e -> commandsInFlight.remove(packetId));
    }

    /** The command a PUBACK from the car acknowledges, if that packet was a command. */
    Optional<SessionStore.InFlight> commandAcknowledged(int packetId) {
        return Optional.ofNullable(commandsInFlight.remove(packetId));
    }

    private int nextFreePacketId() {
        for (int tried = 0; tried < MAX_PACKET_ID; tried++) {
            lastPacketId = lastPacketId % MAX_PACKET_ID + 1;
            if (!commandsInFlight.containsKey(lastPacketId)) {
                return lastPacketId;
            }
        }
        throw new IllegalStateException("all packet identifiers are in flight");
    }

    private void unregisterCommandConsumer() {
        if (commandConsumer != null) {
            commandConsumer.unregister();
            commandConsumer = null;
        }
    }

    private static MqttProperties reasonString(String reason, boolean allowed) {
        if (!allowed || reason == null || reason.isEmpty()) {
            return MqttProperties.NO_PROPERTIES;
        }
        String text = reason.length() > MAX_REASON_STRING ? reason.substring(0, MAX_REASON_STRING) : reason;
        MqttProperties properties = new MqttProperties();
        properties.add(new MqttProperties.StringProperty(MqttProperties.REASON_STRING, text));
        return properties;
    }

    private static int intProperty(MqttProperties properties, int id, int absent) {
        if (properties == null) {
            return absent;
        }
        MqttProperties.MqttProperty<?> property = properties.getProperty(id);
        return property != null && property.value() instanceof Integer value ? value : absent;
    }
}
