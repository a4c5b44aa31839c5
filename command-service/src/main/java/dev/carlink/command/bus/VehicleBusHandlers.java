package dev.carlink.command.bus;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import dev.carlink.command.event.VehicleEventService;
import dev.carlink.command.lifecycle.CommandService;
import dev.carlink.command.lifecycle.UnknownCommandException;
import dev.carlink.command.schedule.ScheduleSync;
import dev.carlink.command.vehicle.VehicleService;
import dev.carlink.command.vehicle.Vin;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.AuthFailure;
import dev.carlink.proto.bus.v1.AuthReply;
import dev.carlink.proto.bus.v1.AuthRequest;
import dev.carlink.proto.bus.v1.CommandResultIngest;
import dev.carlink.proto.bus.v1.CommandTransportAck;
import dev.carlink.proto.bus.v1.DtlsPskReply;
import dev.carlink.proto.bus.v1.DtlsPskRequest;
import dev.carlink.proto.bus.v1.PresenceChange;
import dev.carlink.proto.bus.v1.VehicleEventIngest;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command-service's side of the event-bus seams with the gateway: vehicle authentication (secrets and
 * DTLS keys), events,
 * command results, transport acknowledgements and presence. Replies follow the bus vocabulary: empty on
 * success once stored, 400 for content that can never be stored, 503 when it was not stored.
 */
public final class VehicleBusHandlers {

    private static final Logger log = LoggerFactory.getLogger(VehicleBusHandlers.class);

    private final Vertx vertx;
    private java.util.function.BiConsumer<String, Boolean> presenceListener = (vin, online) -> {};
    private final VehicleService vehicles;
    private final CommandService commands;
    private final ScheduleSync schedules;
    private final VehicleEventService events;
    private final MeterRegistry metrics;
    private final List<MessageConsumer<Buffer>> consumers = new ArrayList<>();

    public VehicleBusHandlers(
            Vertx vertx,
            VehicleService vehicles,
            CommandService commands,
            ScheduleSync schedules,
            VehicleEventService events,
            MeterRegistry metrics) {
        this.vertx = vertx;
        this.vehicles = vehicles;
        this.commands = commands;
        this.schedules = schedules;
        this.events = events;
        this.metrics = metrics;
    }

    public Future<Void> register() {
        consume(BusAddress.VEHICLE_AUTHENTICATE, AuthRequest.parser(), this::authenticate);
        consume(BusAddress.VEHICLE_DTLS_PSK, DtlsPskRequest.parser(), this::dtlsPsk);
        consume(BusAddress.VEHICLE_EVENT_INGEST, VehicleEventIngest.parser(), this::event);
        consume(BusAddress.COMMAND_RESULT_INGEST, CommandResultIngest.parser(), this::result);
        consume(BusAddress.COMMAND_TRANSPORT_ACK, CommandTransportAck.parser(), ack -> commands.onTransportAck(ack)
                .map(Buffer.buffer()));
        consume(BusAddress.VEHICLE_PRESENCE, PresenceChange.parser(), this::presence);
        return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
                .mapEmpty();
    }

    public Future<Void> unregister() {
        return Future.all(consumers.stream().map(MessageConsumer::unregister).toList())
                .mapEmpty();
    }

    private <T> void consume(String address, Parser<T> parser, Function<T, Future<Buffer>> handler) {
        consumers.add(vertx.eventBus().<Buffer>consumer(address, message -> {
            T body;
            try {
                body = parser.parseFrom(message.body().getBytes());
            } catch (InvalidProtocolBufferException e) {
                reject(message, address, "malformed payload");
                return;
            }
            handler.apply(body).onSuccess(message::reply).onFailure(failure -> {
                if (failure instanceof IllegalArgumentException || failure instanceof UnknownCommandException) {
                    reject(message, address, failure.getMessage());
                } else {
                    log.error("not stored, sender must retry [address: {}]", address, failure);
                    message.fail(503, "not stored: " + failure.getMessage());
                }
            });
        }));
    }

    private void reject(Message<Buffer> message, String address, String reason) {
        metrics.counter("carlink.bus.rejected", "address", address).increment();
        log.debug("rejected [address: {}, reason: {}]", address, reason);
        message.fail(400, reason);
    }

    private Future<Buffer> authenticate(AuthRequest request) {
        if (!Vin.isValid(request.getVin())) {
            return Future.succeededFuture(authReply(AuthFailure.AUTH_FAILURE_UNKNOWN_VIN));
        }
        Future<VehicleService.AuthOutcome> checked = request.getClientCertificate()
                ? vehicles.authenticateByCertificate(request.getVin())
                : vehicles.authenticate(request.getVin(), request.getSecret());
        return checked.map(outcome -> {
            metrics.counter("carlink.vehicle.auth", "outcome", outcome.name()).increment();
            if (outcome != VehicleService.AuthOutcome.AUTHENTICATED) {
                log.info(
                        "vehicle authentication failed [vin: {}, reason: {}, remote: {}]",
                        request.getVin(),
                        outcome,
                        request.getRemoteAddress());
            }
            return switch (outcome) {
                case AUTHENTICATED -> authReply(AuthFailure.AUTH_FAILURE_NONE);
                case UNKNOWN_VIN -> authReply(AuthFailure.AUTH_FAILURE_UNKNOWN_VIN);
                case BAD_SECRET -> authReply(AuthFailure.AUTH_FAILURE_BAD_SECRET);
            };
        });
    }

    private Future<Buffer> dtlsPsk(DtlsPskRequest request) {
        if (!Vin.isValid(request.getVin())) {
            return Future.succeededFuture(
                    Buffer.buffer(DtlsPskReply.getDefaultInstance().toByteArray()));
        }
        return vehicles.dtlsPsk(request.getVin()).map(psk -> {
            metrics.counter("carlink.vehicle.dtls-psk", "found", String.valueOf(psk.isPresent()))
                    .increment();
            DtlsPskReply.Builder reply = DtlsPskReply.newBuilder().setFound(psk.isPresent());
            psk.ifPresent(key -> reply.setPsk(com.google.protobuf.ByteString.copyFrom(key)));
            return Buffer.buffer(reply.build().toByteArray());
        });
    }

    private static Buffer authReply(AuthFailure failure) {
        return Buffer.buffer(AuthReply.newBuilder()
                .setAuthenticated(failure == AuthFailure.AUTH_FAILURE_NONE)
                .setFailure(failure)
                .build()
                .toByteArray());
    }

    private Future<Buffer> event(VehicleEventIngest ingest) {
        return events.ingest(ingest).map(Buffer.buffer());
    }

    private Future<Buffer> result(CommandResultIngest ingest) {
        if (ingest.getResult().getCommandId().isEmpty()) {
            return Future.failedFuture(new IllegalArgumentException("command_id must be set"));
        }
        return commands.onResult(ingest.getVin(), ingest.getResult()).map(Buffer.buffer());
    }

    /** Hears every presence change once it is applied: VIN and whether the car is online. */
    public void onPresence(java.util.function.BiConsumer<String, Boolean> listener) {
        this.presenceListener = listener;
    }

    private Future<Buffer> presence(PresenceChange change) {
        Instant at = Instant.ofEpochMilli(change.getAtMs());
        String protocol = change.getProtocol().isEmpty() ? null : change.getProtocol();
        return vehicles.updatePresence(change.getVin(), change.getOnline(), protocol, at, change.getResync())
                .compose(applied -> {
                    if (change.getResync()) {
                        log.debug("vehicle still online [vin: {}, protocol: {}]", change.getVin(), protocol);
                    } else {
                        log.info(
                                "vehicle {} [vin: {}, protocol: {}, reason: {}]",
                                change.getOnline() ? "online" : "offline",
                                change.getVin(),
                                change.getProtocol(),
                                change.getReason());
                    }
                    if (applied) {
                        presenceListener.accept(change.getVin(), change.getOnline());
                    }
                    if (!change.getOnline()) {
                        return Future.<Void>succeededFuture();
                    }
                    // open commands first (an open sync among them), then a fresh sync if the car is behind
                    return commands.onVehicleOnline(change.getVin())
                            .compose(sent -> schedules.onVehicleOnline(change.getVin()))
                            .<Void>mapEmpty();
                })
                .map(Buffer.buffer());
    }
}
