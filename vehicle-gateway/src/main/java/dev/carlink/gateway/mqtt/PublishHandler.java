package dev.carlink.gateway.mqtt;

import dev.carlink.proto.v1.ErrorCode;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.mqtt.messages.MqttPublishMessage;
import io.vertx.mqtt.messages.codes.MqttDisconnectReasonCode;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles a car's PUBLISH: decides at the edge (topic, QoS, payload) before any side effect, sends
 * valid messages to the module that stores them, and acknowledges QoS 1 only once that module
 * replied that the message is stored. Rejections are final and told to the car (MQTT 5 PUBACK
 * reason code, or a {@code PublishError} on its errors topic); a QoS 1 message that could not be stored
 * is not acknowledged and the connection is closed (MQTT 5: DISCONNECT 0x89 server busy), so the car
 * connects again and sends it again: MQTT lets a client resend only on a new connection.
 */
final class PublishHandler {

    private static final Logger log = LoggerFactory.getLogger(PublishHandler.class);

    /** How long an MQTT 3.1.1 car has to read its PublishError before a not-stored message closes it. */
    static final long CLOSE_GRACE_MS = 250;

    private static final String RESEND = "not stored: connect again and send it again";

    private final Vertx vertx;
    private final EventBus eventBus;
    private final GatewayMetrics metrics;
    private final Clock clock;
    private final DeliveryOptions busOptions;

    private final MqttLimits limits;

    PublishHandler(Vertx vertx, GatewayMetrics metrics, Clock clock, DeliveryOptions busOptions, MqttLimits limits) {
        this.vertx = vertx;
        this.limits = limits;
        this.eventBus = vertx.eventBus();
        this.metrics = metrics;
        this.clock = clock;
        this.busOptions = busOptions;
    }

    void handle(VehicleSession session, MqttPublishMessage message) {
        session.touch();
        if (message.qosLevel() == MqttQoS.EXACTLY_ONCE) {
            metrics.rejected(GatewayMetrics.UNKNOWN_KIND, "qos-not-supported");
            log.debug("rejected publish [vin: {}, reason: qos-not-supported]", session.vin());
            session.disconnect(MqttDisconnectReasonCode.QOS_NOT_SUPPORTED, "QoS 2 is not supported");
            return;
        }
        if (!session.withinRate()) {
            closeForLimit(
                    session,
                    "message-rate",
                    MqttDisconnectReasonCode.MESSAGE_RATE_TOO_HIGH,
                    "message rate too high: " + limits.messagesPerSecond() + "/s, bursts of " + limits.messageBurst()
                            + "; send the rest again after reconnecting");
            return;
        }
        if (message.qosLevel() == MqttQoS.AT_LEAST_ONCE && session.acks().pending() >= limits.receiveMaximum()) {
            closeForLimit(
                    session,
                    "receive-maximum",
                    MqttDisconnectReasonCode.RECEIVE_MAXIMUM_EXCEEDED,
                    "more than " + limits.receiveMaximum() + " unacknowledged QoS 1 messages");
            return;
        }
        TopicAliases.Resolved alias = session.protocol() == MqttProtocol.MQTT_5
                ? session.aliases().resolve(message.topicName(), message.properties())
                : TopicAliases.Resolved.topic(message.topicName());
        if (!alias.ok()) {
            closeForLimit(
                    session,
                    "topic-alias",
                    alias.invalidAlias()
                            ? MqttDisconnectReasonCode.TOPIC_ALIAS_INVALID
                            : MqttDisconnectReasonCode.PROTOCOL_ERROR,
                    alias.violation());
            return;
        }
        // reserved on arrival, so PUBACKs leave in PUBLISH order whatever order the replies come in
        OrderedAckQueue.Slot slot =
                message.qosLevel() == MqttQoS.AT_LEAST_ONCE ? session.acks().reserve() : null;
        long receivedAtMs = clock.millis();

        Parsed<VehicleTopic> topic = VehicleTopic.parsePublish(alias.topic(), session.vin());
        if (topic instanceof Parsed.Rejected<VehicleTopic> rejected) {
            reject(session, message, slot, GatewayMetrics.UNKNOWN_KIND, rejected.rejection());
            return;
        }
        VehicleTopic vehicleTopic = ((Parsed.Valid<VehicleTopic>) topic).value();
        TopicKind kind = vehicleTopic.kind();
        Parsed<IngestRequest> decoded = PayloadCodec.decode(vehicleTopic, message.payload(), receivedAtMs);
        if (decoded instanceof Parsed.Rejected<IngestRequest> rejected) {
            reject(session, message, slot, kind.level(), rejected.rejection());
            return;
        }
        IngestRequest request = ((Parsed.Valid<IngestRequest>) decoded).value();
        eventBus.<Buffer>request(request.address(), request.body(), busOptions)
                .onComplete(reply -> stored(session, message, slot, kind, reply));
    }

    /**
     * Closes the connection of a car over a limit, unacknowledged: what it sent and was not acknowledged it sends
     * again on its next connection, so nothing is lost. MQTT 5 cars get the reason code and string.
     */
    private void closeForLimit(VehicleSession session, String limit, MqttDisconnectReasonCode code, String reason) {
        metrics.limitExceeded(limit);
        log.debug("closing connection [vin: {}, limit: {}, detail: {}]", session.vin(), limit, reason);
        session.disconnect(code, reason);
    }

    private void stored(
            VehicleSession session,
            MqttPublishMessage message,
            OrderedAckQueue.Slot slot,
            TopicKind kind,
            AsyncResult<Message<Buffer>> reply) {
        if (reply.succeeded()) {
            metrics.accepted(kind);
            if (slot != null) {
                int packetId = message.messageId();
                slot.complete(() -> session.pubAck(packetId));
            }
            return;
        }
        Throwable failure = reply.cause();
        if (isClientError(failure)) {
            String detail = failure.getMessage() == null || failure.getMessage().isBlank()
                    ? "refused by " + kind.level() + " storage"
                    : failure.getMessage();
            reject(session, message, slot, kind.level(), new Rejection(RejectReason.INVALID_VALUE, detail));
            return;
        }
        metrics.unacknowledged(kind);
        log.debug(
                "message not stored [vin: {}, kind: {}, qos: {}, error: {}]",
                session.vin(),
                kind.level(),
                message.qosLevel().value(),
                failure.getMessage());
        if (slot != null) {
            slot.drop();
        }
        boolean resend = message.qosLevel() == MqttQoS.AT_LEAST_ONCE;
        session.publishError(
                        message.topicName(),
                        ErrorCode.ERROR_CODE_SERVER_UNAVAILABLE,
                        resend ? "not stored: send it again after reconnecting" : "not stored")
                .onComplete(written -> {
                    if (!resend) {
                        return;
                    }
                    if (session.protocol() == MqttProtocol.MQTT_5) {
                        session.disconnect(MqttDisconnectReasonCode.SERVER_BUSY, RESEND);
                    } else {
                        // a 3.1.1 client may drop what it read just before the close: let it read why first
                        vertx.setTimer(
                                CLOSE_GRACE_MS, t -> session.disconnect(MqttDisconnectReasonCode.SERVER_BUSY, RESEND));
                    }
                });
    }

    private void reject(
            VehicleSession session,
            MqttPublishMessage message,
            OrderedAckQueue.Slot slot,
            String kind,
            Rejection rejection) {
        RejectReason reason = rejection.reason();
        metrics.rejected(kind, reason.tag());
        log.debug(
                "rejected publish [vin: {}, kind: {}, qos: {}, reason: {}, detail: {}]",
                session.vin(),
                kind,
                message.qosLevel().value(),
                reason.tag(),
                rejection.detail());
        int packetId = message.messageId();
        if (session.protocol() == MqttProtocol.MQTT_5 && slot != null) {
            slot.complete(() -> session.pubAck(packetId, reason.pubAckCode(), rejection.detail()));
            return;
        }
        // MQTT 3.1.1 (no reason codes) and MQTT 5 at QoS 0 (no PUBACK): the errors topic says why
        session.publishError(message.topicName(), reason.errorCode(), rejection.detail());
        if (slot != null) {
            slot.complete(() -> session.pubAck(packetId));
        }
    }

    /** A 4xx failure reply: the storing module refused the content, retrying will not help. */
    private static boolean isClientError(Throwable failure) {
        return failure instanceof ReplyException reply
                && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
                && reply.failureCode() >= 400
                && reply.failureCode() < 500;
    }
}
