package dev.carlink.gateway.mqtt;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.CommandTransportAck;
import dev.carlink.proto.bus.v1.DeliveryReceipt;
import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.SignedCommand;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.mqtt.messages.MqttPubAckMessage;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers commands to connected cars. Each reachable car has a consumer on {@link
 * BusAddress#commandDelivery(String)}; a request carries a {@code vehicle.v1.SignedCommand}, which is
 * published unchanged (QoS 1) on the car's commands topic and answered with a {@code
 * DeliveryReceipt} once written. The gateway does not verify the signature: the car does, end to end. The car's PUBACK is published as a {@code CommandTransportAck}.
 *
 * <p>A command already sent on the car's session and not acknowledged is not sent again: the receipt is
 * answered at once (a resumed session re-sends its unacknowledged commands itself).
 *
 * <p>Failures: 400 for a body that is not a signed Command, a Command for another VIN, or larger than the car's
 * maximum packet size (MQTT 5), 404 when the car
 * is no longer connected, 503 when the car's receive window is full.
 */
final class CommandDeliveryHandler {

    private static final Logger log = LoggerFactory.getLogger(CommandDeliveryHandler.class);

    private final EventBus eventBus;
    private final GatewayMetrics metrics;
    private final Clock clock;

    CommandDeliveryHandler(EventBus eventBus, GatewayMetrics metrics, Clock clock) {
        this.eventBus = eventBus;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Registers the car's delivery consumer (clusterable, so other processes can reach it). */
    MessageConsumer<Buffer> register(VehicleSession session) {
        return eventBus.consumer(BusAddress.commandDelivery(session.vin()), message -> deliver(session, message));
    }

    private void deliver(VehicleSession session, Message<Buffer> message) {
        Buffer body = message.body();
        Command command;
        String keyId;
        try {
            SignedCommand signed = SignedCommand.parseFrom(body == null ? new byte[0] : body.getBytes());
            if (signed.getSignature().isEmpty() || signed.getKeyId().isEmpty()) {
                message.fail(400, "command is not signed (signature and key_id are required)");
                return;
            }
            command = Command.parseFrom(signed.getCommand());
            keyId = signed.getKeyId();
        } catch (InvalidProtocolBufferException e) {
            message.fail(400, "body is not a vehicle.v1.SignedCommand carrying a Command");
            return;
        }
        if (command.getId().isEmpty()) {
            message.fail(400, "command id is required");
            return;
        }
        if (!session.vin().equals(command.getVin())) {
            message.fail(400, "command is for vin '" + command.getVin() + "', not " + session.vin());
            return;
        }
        if (!session.isOpen()) {
            message.fail(404, "vehicle not connected");
            return;
        }
        if (session.inFlight(command.getId())) {
            // sent on this session and not acknowledged yet (a resumed session re-sends it): not twice
            DeliveryReceipt receipt = DeliveryReceipt.newBuilder()
                    .setCommandId(command.getId())
                    .setSentAtMs(clock.millis())
                    .build();
            message.reply(Buffer.buffer(receipt.toByteArray()));
            return;
        }
        if (!session.fits(new VehicleTopic(session.vin(), TopicKind.COMMANDS).name(), body.length())) {
            message.fail(400, "command is larger than the car's maximum packet size");
            return;
        }
        if (!session.canSendCommand()) {
            message.fail(503, "too many unacknowledged commands for " + session.vin());
            return;
        }
        session.publishCommand(command.getId(), keyId, body).onComplete(written -> {
            if (written.failed()) {
                log.debug(
                        "command not sent [vin: {}, command: {}, error: {}]",
                        session.vin(),
                        command.getId(),
                        written.cause().getMessage());
                message.fail(404, "vehicle not connected");
                return;
            }
            metrics.commandSent();
            log.debug(
                    "command sent [vin: {}, command: {}, packet: {}]",
                    session.vin(),
                    command.getId(),
                    written.result());
            DeliveryReceipt receipt = DeliveryReceipt.newBuilder()
                    .setCommandId(command.getId())
                    .setSentAtMs(clock.millis())
                    .build();
            message.reply(Buffer.buffer(receipt.toByteArray()));
        });
    }

    /** The car's PUBACK: a command's transport acknowledgement, unless MQTT 5 says it refused it. */
    void acknowledged(VehicleSession session, MqttPubAckMessage ack) {
        session.touch();
        Optional<SessionStore.InFlight> acked = session.commandAcknowledged(ack.messageId());
        if (acked.isEmpty()) {
            log.debug("puback for no command [vin: {}, packet: {}]", session.vin(), ack.messageId());
            return;
        }
        if (ack.code() != null && ack.code().isError()) {
            metrics.commandRefused();
            log.debug(
                    "command refused by transport [vin: {}, command: {}, code: {}]",
                    session.vin(),
                    acked.get().commandId(),
                    ack.code());
            return;
        }
        metrics.commandAcked();
        CommandTransportAck transportAck = CommandTransportAck.newBuilder()
                .setVin(session.vin())
                .setCommandId(acked.get().commandId())
                .setAckedAtMs(clock.millis())
                .setKeyId(acked.get().keyId())
                .build();
        eventBus.publish(BusAddress.COMMAND_TRANSPORT_ACK, Buffer.buffer(transportAck.toByteArray()));
    }
}
