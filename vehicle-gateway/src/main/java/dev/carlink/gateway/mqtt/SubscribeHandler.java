package dev.carlink.gateway.mqtt;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.mqtt.MqttTopicSubscription;
import io.vertx.mqtt.messages.MqttSubscribeMessage;
import io.vertx.mqtt.messages.MqttUnsubscribeMessage;
import io.vertx.mqtt.messages.codes.MqttSubAckReasonCode;
import io.vertx.mqtt.messages.codes.MqttUnsubAckReasonCode;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles SUBSCRIBE and UNSUBSCRIBE. A car may subscribe to its own {@code commands} and {@code
 * errors} topics only (granted QoS at most 1); any other filter, wildcards included, is refused.
 * Subscribing to commands makes the car reachable: a delivery consumer is registered and the car
 * is reported online; unsubscribing reverses both.
 */
final class SubscribeHandler {

    private static final Logger log = LoggerFactory.getLogger(SubscribeHandler.class);

    private final SessionRegistry sessions;
    private final CommandDeliveryHandler commands;
    private final PresenceReporter presence;
    private final GatewayMetrics metrics;

    SubscribeHandler(
            SessionRegistry sessions,
            CommandDeliveryHandler commands,
            PresenceReporter presence,
            GatewayMetrics metrics) {
        this.sessions = sessions;
        this.commands = commands;
        this.presence = presence;
        this.metrics = metrics;
    }

    void subscribe(VehicleSession session, MqttSubscribeMessage message) {
        session.touch();
        List<MqttSubAckReasonCode> codes = new ArrayList<>();
        boolean commandsRequested = false;
        for (MqttTopicSubscription subscription : message.topicSubscriptions()) {
            Parsed<VehicleTopic> topic = VehicleTopic.parseSubscription(subscription.topicName(), session.vin());
            if (topic instanceof Parsed.Rejected<VehicleTopic> rejected) {
                metrics.subscriptionRejected(rejected.rejection().reason().tag());
                log.debug(
                        "rejected subscription [vin: {}, reason: {}, detail: {}]",
                        session.vin(),
                        rejected.rejection().reason().tag(),
                        rejected.rejection().detail());
                codes.add(MqttSubAckReasonCode.NOT_AUTHORIZED);
                continue;
            }
            TopicKind kind = ((Parsed.Valid<VehicleTopic>) topic).value().kind();
            session.subscribe(kind);
            commandsRequested |= kind == TopicKind.COMMANDS;
            codes.add(
                    subscription.qualityOfService() == MqttQoS.AT_MOST_ONCE
                            ? MqttSubAckReasonCode.GRANTED_QOS0
                            : MqttSubAckReasonCode.GRANTED_QOS1);
        }
        session.subAck(message.messageId(), codes);
        if (commandsRequested && session.state() == SessionState.CONNECTED) {
            goOnline(session);
        }
    }

    void unsubscribe(VehicleSession session, MqttUnsubscribeMessage message) {
        session.touch();
        List<MqttUnsubAckReasonCode> codes = new ArrayList<>();
        boolean commandsDropped = false;
        for (String filter : message.topics()) {
            boolean had = false;
            if (VehicleTopic.parseSubscription(filter, session.vin()) instanceof Parsed.Valid<VehicleTopic> valid) {
                had = session.unsubscribe(valid.value().kind());
                commandsDropped |= had && valid.value().kind() == TopicKind.COMMANDS;
            }
            codes.add(had ? MqttUnsubAckReasonCode.SUCCESS : MqttUnsubAckReasonCode.NO_SUBSCRIPTION_EXISTED);
        }
        session.unsubAck(message.messageId(), codes);
        if (commandsDropped && session.state() == SessionState.ONLINE) {
            session.goOffline();
            if (sessions.isCurrent(session)) {
                presence.offline(session, "unsubscribed from commands");
            }
        }
    }

    /** A resumed session brought its subscriptions back: with commands among them the car is online again. */
    void resumed(VehicleSession session) {
        if (session.isSubscribed(TopicKind.COMMANDS) && session.state() == SessionState.CONNECTED) {
            goOnline(session);
        }
    }

    private void goOnline(VehicleSession session) {
        MessageConsumer<Buffer> consumer = commands.register(session);
        session.attachCommandConsumer(consumer);
        // online only once the consumer is reachable, so commands re-sent on "online" find it
        consumer.completion().onComplete(registered -> {
            if (!session.hasCommandConsumer(consumer)
                    || session.state() != SessionState.CONNECTED
                    || !session.isSubscribed(TopicKind.COMMANDS)
                    || !sessions.isCurrent(session)) {
                return;
            }
            if (registered.failed()) {
                log.warn(
                        "command consumer not registered [vin: {}, error: {}]",
                        session.vin(),
                        registered.cause().getMessage());
                return;
            }
            session.goOnline();
            presence.online(session);
            log.debug("vehicle online [vin: {}]", session.vin());
        });
    }
}
