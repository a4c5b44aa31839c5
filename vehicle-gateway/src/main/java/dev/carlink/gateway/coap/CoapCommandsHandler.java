package dev.carlink.gateway.coap;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.CommandTransportAck;
import dev.carlink.proto.bus.v1.DeliveryReceipt;
import dev.carlink.proto.bus.v1.PresenceChange;
import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.SignedCommand;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands to CoAP cars, and their presence. A car that observes its {@code commands} resource is online: it
 * gets a consumer on {@link BusAddress#commandDelivery(String)}, like an MQTT car. A delivered command joins
 * the car's batch and every observer is notified with the whole batch (confirmable notifications); the car
 * acknowledges each command on {@code command-acks}, which takes it out of the batch and publishes its {@code
 * CommandTransportAck}. Failures of a delivery: 400 for a body that is not a signed Command for this car, 404
 * when the car is offline.
 */
final class CoapCommandsHandler {

    static final String PROTOCOL = "coap";

    private static final Logger log = LoggerFactory.getLogger(CoapCommandsHandler.class);

    private final EventBus bus;
    private final Clock clock;

    /**
     * How long a car may have no observation before it is offline: Californium replaces a relation that its
     * client re-registers with the same token by removing it first, and the new one arrives at once.
     */
    static final long REREGISTRATION_GRACE_MS = 1_000;

    private io.vertx.core.Vertx vertx;

    /** The timers of {@link #unobserved} run on this Vert.x. */
    void timers(io.vertx.core.Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * The car has no observation of its commands left: offline, unless it observes again within {@link
     * #REREGISTRATION_GRACE_MS} (a re-registration, which must not make its presence flap).
     */
    void unobserved(CoapCar car, String reason) {
        vertx.setTimer(REREGISTRATION_GRACE_MS, id -> {
            if (car.commands().getObserverCount() == 0) {
                lost(car, reason);
            }
        });
    }

    CoapCommandsHandler(EventBus bus, Clock clock) {
        this.bus = bus;
        this.clock = clock;
    }

    /** The car registered (or renewed) its observation of its commands from {@code remote}. */
    void observed(CoapCar car, String remote) {
        if (car.online()) {
            return; // a notification re-reads the resource with the registration's request
        }
        MessageConsumer<Buffer> consumer =
                bus.consumer(BusAddress.commandDelivery(car.vin()), message -> deliver(car, message));
        if (car.goOnline(remote, consumer)) {
            log.info("coap car online [vin: {}, remote: {}]", car.vin(), remote);
            presence(car, true, "");
        } else {
            consumer.unregister();
        }
    }

    /** The car stopped observing, or went silent: offline until it observes again. */
    void lost(CoapCar car, String reason) {
        MessageConsumer<Buffer> consumer = car.goOffline();
        if (consumer != null) {
            consumer.unregister();
            log.info("coap car offline [vin: {}, reason: {}]", car.vin(), reason);
            presence(car, false, reason);
        }
    }

    /** The car holds these commands: out of the batch, each acknowledged to the backend once. */
    void acknowledged(CoapCar car, List<String> commandIds) {
        for (Map.Entry<String, SignedCommand> acked :
                car.acknowledge(commandIds).entrySet()) {
            CommandTransportAck ack = CommandTransportAck.newBuilder()
                    .setVin(car.vin())
                    .setCommandId(acked.getKey())
                    .setAckedAtMs(clock.millis())
                    .setKeyId(acked.getValue().getKeyId())
                    .build();
            bus.publish(BusAddress.COMMAND_TRANSPORT_ACK, Buffer.buffer(ack.toByteArray()));
        }
    }

    private void deliver(CoapCar car, Message<Buffer> message) {
        SignedCommand signed;
        Command command;
        try {
            signed = SignedCommand.parseFrom(
                    message.body() == null ? new byte[0] : message.body().getBytes());
            command = Command.parseFrom(signed.getCommand());
        } catch (InvalidProtocolBufferException e) {
            message.fail(400, "body is not a vehicle.v1.SignedCommand carrying a Command");
            return;
        }
        if (signed.getSignature().isEmpty() || signed.getKeyId().isEmpty()) {
            message.fail(400, "command is not signed (signature and key_id are required)");
            return;
        }
        if (command.getId().isEmpty() || !car.vin().equals(command.getVin())) {
            message.fail(400, "command needs an id and must be for vin " + car.vin());
            return;
        }
        if (!car.online()) {
            message.fail(404, "vehicle not connected");
            return;
        }
        car.add(command.getId(), signed);
        car.commands().changed();
        log.debug("command queued for coap car [vin: {}, command: {}]", car.vin(), command.getId());
        DeliveryReceipt receipt = DeliveryReceipt.newBuilder()
                .setCommandId(command.getId())
                .setSentAtMs(clock.millis())
                .build();
        message.reply(Buffer.buffer(receipt.toByteArray()));
    }

    /** A command-service asked who is connected: announces again each car observing its commands. */
    void resync(java.util.Collection<CoapCar> cars) {
        int announced = 0;
        for (CoapCar car : cars) {
            if (car.online()) {
                bus.publish(
                        BusAddress.VEHICLE_PRESENCE,
                        Buffer.buffer(change(car, true, "").toBuilder()
                                .setResync(true)
                                .build()
                                .toByteArray()));
                announced++;
            }
        }
        log.info("coap presence resync answered [cars online here: {}]", announced);
    }

    private void presence(CoapCar car, boolean online, String reason) {
        bus.publish(
                BusAddress.VEHICLE_PRESENCE,
                Buffer.buffer(change(car, online, reason).toByteArray()));
    }

    private PresenceChange change(CoapCar car, boolean online, String reason) {
        return PresenceChange.newBuilder()
                .setVin(car.vin())
                .setOnline(online)
                .setAtMs(clock.millis())
                .setProtocol(PROTOCOL)
                .setRemoteAddress(car.remoteAddress())
                .setReason(reason)
                .build();
    }
}
