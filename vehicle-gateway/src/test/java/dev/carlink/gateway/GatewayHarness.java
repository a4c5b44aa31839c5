package dev.carlink.gateway;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.gateway.mqtt.MqttLimits;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.VehicleKeys;
import dev.carlink.proto.bus.v1.AuthFailure;
import dev.carlink.proto.bus.v1.AuthReply;
import dev.carlink.proto.bus.v1.AuthRequest;
import dev.carlink.proto.bus.v1.CommandResultIngest;
import dev.carlink.proto.bus.v1.CommandTransportAck;
import dev.carlink.proto.bus.v1.DtlsPskReply;
import dev.carlink.proto.bus.v1.DtlsPskRequest;
import dev.carlink.proto.bus.v1.PresenceChange;
import dev.carlink.proto.bus.v1.TelemetryIngest;
import dev.carlink.proto.bus.v1.VehicleEventIngest;
import dev.carlink.proto.v1.Command;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real {@link GatewayVerticle} on a free port, with the modules it talks to stood in for by plain
 * event-bus consumers on the real addresses: authentication answering from a map of VIN to secret,
 * ingest consumers that record what they got and reply as the test wants, and recorders of the
 * presence and transport-ack publications.
 */
final class GatewayHarness implements AutoCloseable {

    /** How the stand-in for the command-service answers authentication requests. */
    enum Auth {
        /** From {@link #secrets}: unknown VIN, bad secret or authenticated. */
        ANSWER,
        /** Failure 500. */
        FAIL,
        /** No reply at all: the gateway's bus timeout expires. */
        SILENT,
        /** No consumer registered. */
        ABSENT
    }

    /** How an ingest stand-in answers. */
    enum Reply {
        STORE,
        INVALID,
        UNAVAILABLE,
        HOLD
    }

    private static final AtomicLong VIN_COUNTER = new AtomicLong(System.nanoTime() % 1_000_000L);

    final Vertx vertx = Vertx.vertx();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Map<String, String> secrets = new ConcurrentHashMap<>();
    final Ingest<TelemetryIngest> telemetry = new Ingest<>(TelemetryIngest::parseFrom);
    final Ingest<VehicleEventIngest> events = new Ingest<>(VehicleEventIngest::parseFrom);
    final Ingest<CommandResultIngest> results = new Ingest<>(CommandResultIngest::parseFrom);
    final List<PresenceChange> presence = new CopyOnWriteArrayList<>();
    final List<CommandTransportAck> transportAcks = new CopyOnWriteArrayList<>();
    final List<AuthRequest> authRequests = new CopyOnWriteArrayList<>();
    final List<String> dtlsPskRequests = new CopyOnWriteArrayList<>();

    private final GatewayVerticle gateway;
    private String deploymentId;
    private volatile Auth auth = Auth.ANSWER;
    private MessageConsumer<Buffer> authConsumer;

    private GatewayHarness(GatewayConfig config) {
        gateway = new GatewayVerticle(config, meters, Clock.systemUTC());
    }

    /** A gateway with a 2 s bus timeout, on any free port of the loopback interface. */
    static GatewayHarness start() {
        return start(2_000, GatewayConfig.DEFAULT_MAX_MESSAGE_SIZE);
    }

    static GatewayHarness start(long busTimeoutMs, int maxMessageSize) {
        return start(busTimeoutMs, maxMessageSize, MqttLimits.defaults());
    }

    static GatewayHarness start(long busTimeoutMs, int maxMessageSize, MqttLimits limits) {
        return start(busTimeoutMs, maxMessageSize, limits, MqttTlsConfig.disabled());
    }

    static GatewayHarness start(long busTimeoutMs, int maxMessageSize, MqttLimits limits, MqttTlsConfig tls) {
        GatewayHarness harness = new GatewayHarness(new GatewayConfig(
                "127.0.0.1", 0, maxMessageSize, Duration.ofMillis(busTimeoutMs), "gateway-it", limits, tls));
        harness.startUp();
        return harness;
    }

    private void startUp() {
        registerAuth();
        consumer(BusAddress.VEHICLE_DTLS_PSK, this::dtlsPsk);
        consumer(BusAddress.TELEMETRY_INGEST, telemetry::handle);
        consumer(BusAddress.VEHICLE_EVENT_INGEST, events::handle);
        consumer(BusAddress.COMMAND_RESULT_INGEST, results::handle);
        consumer(BusAddress.VEHICLE_PRESENCE, m -> presence.add(parse(m, PresenceChange::parseFrom)));
        consumer(BusAddress.COMMAND_TRANSPORT_ACK, m -> transportAcks.add(parse(m, CommandTransportAck::parseFrom)));
        deploymentId = await(vertx.deployVerticle(gateway));
    }

    String uri() {
        return "tcp://127.0.0.1:" + port();
    }

    int port() {
        return gateway.actualMqttPort();
    }

    int tlsPort() {
        return gateway.actualTlsPort();
    }

    /** A fresh valid VIN, registered with a secret. */
    String newCar() {
        String vin = newVin();
        secrets.put(vin, "secret-" + vin.substring(9));
        return vin;
    }

    /** A fresh valid VIN that is not registered. */
    static String newVin() {
        return String.format("CARLNK%011d", VIN_COUNTER.incrementAndGet());
    }

    String secret(String vin) {
        return secrets.get(vin);
    }

    void auth(Auth behaviour) {
        if (behaviour == Auth.ABSENT && authConsumer != null) {
            await(authConsumer.unregister());
            authConsumer = null;
        } else if (behaviour != Auth.ABSENT && authConsumer == null) {
            registerAuth();
        }
        auth = behaviour;
    }

    /** Asks the gateway to deliver {@code command} to its car, as the command-service does. */
    Future<Message<Buffer>> deliver(String vin, Command command) {
        return vertx.eventBus()
                .request(
                        BusAddress.commandDelivery(vin),
                        Buffer.buffer(Fixtures.signed(command).toByteArray()));
    }

    double counter(String name, String... tags) {
        Counter counter = Search.in(meters).name(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    double connections() {
        Gauge gauge = meters.find("carlink.gateway.connections").gauge();
        return gauge == null ? -1 : gauge.value();
    }

    List<PresenceChange> presenceOf(String vin) {
        return presence.stream().filter(p -> p.getVin().equals(vin)).toList();
    }

    void reset() {
        telemetry.reset();
        events.reset();
        results.reset();
        auth(Auth.ANSWER);
        dtlsPskRequests.clear();
    }

    /** Undeploys the gateway verticle; the stand-ins stay. */
    void undeployGateway() {
        await(vertx.undeploy(deploymentId));
    }

    @Override
    public void close() {
        await(vertx.close());
    }

    private void registerAuth() {
        authConsumer = consumer(BusAddress.VEHICLE_AUTHENTICATE, this::authenticate);
    }

    private void authenticate(Message<Buffer> message) {
        AuthRequest request = parse(message, AuthRequest::parseFrom);
        authRequests.add(request);
        switch (auth) {
            case FAIL -> message.fail(500, "auth store down");
            case SILENT, ABSENT -> {
                // no reply: the gateway's request times out
            }
            case ANSWER -> {
                String secret = secrets.get(request.getVin());
                AuthReply reply;
                if (secret == null) {
                    reply = AuthReply.newBuilder()
                            .setFailure(AuthFailure.AUTH_FAILURE_UNKNOWN_VIN)
                            .build();
                } else if (!request.getClientCertificate() && !secret.equals(request.getSecret())) {
                    reply = AuthReply.newBuilder()
                            .setFailure(AuthFailure.AUTH_FAILURE_BAD_SECRET)
                            .build();
                } else {
                    reply = AuthReply.newBuilder().setAuthenticated(true).build();
                }
                message.reply(Buffer.buffer(reply.toByteArray()));
            }
        }
    }

    /** The command-service's answer: the key derived from the car's secret, for a known car. */
    private void dtlsPsk(Message<Buffer> message) {
        DtlsPskRequest request = parse(message, DtlsPskRequest::parseFrom);
        dtlsPskRequests.add(request.getVin());
        String secret = secrets.get(request.getVin());
        DtlsPskReply.Builder reply = DtlsPskReply.newBuilder().setFound(secret != null);
        if (secret != null) {
            reply.setPsk(com.google.protobuf.ByteString.copyFrom(VehicleKeys.dtlsPsk(secret)));
        }
        message.reply(Buffer.buffer(reply.build().toByteArray()));
    }

    private MessageConsumer<Buffer> consumer(String address, io.vertx.core.Handler<Message<Buffer>> handler) {
        MessageConsumer<Buffer> consumer = vertx.eventBus().consumer(address, handler);
        await(consumer.completion());
        return consumer;
    }

    static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("vert.x operation failed", e);
        }
    }

    static <T> T parse(Message<Buffer> message, Parser<T> parser) {
        try {
            return parser.parse(message.body().getBytes());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("gateway sent a body that does not parse", e);
        }
    }

    @FunctionalInterface
    interface Parser<T> {
        T parse(byte[] bytes) throws InvalidProtocolBufferException;
    }

    /** Stand-in for a module that stores car messages. */
    static final class Ingest<T> {
        final List<T> received = new CopyOnWriteArrayList<>();
        private final List<Message<Buffer>> held = new CopyOnWriteArrayList<>();
        private final Parser<T> parser;
        private volatile Reply reply = Reply.STORE;
        private volatile String invalidText = "value out of range";

        Ingest(Parser<T> parser) {
            this.parser = parser;
        }

        void reply(Reply behaviour) {
            reply = behaviour;
        }

        void replyInvalid(String text) {
            invalidText = text;
            reply = Reply.INVALID;
        }

        int held() {
            return held.size();
        }

        /** Answers every held request: stored. */
        void releaseHeld() {
            List<Message<Buffer>> toRelease = List.copyOf(held);
            held.clear();
            toRelease.forEach(m -> m.reply(Buffer.buffer()));
        }

        private void handle(Message<Buffer> message) {
            received.add(parse(message, parser));
            switch (reply) {
                case STORE -> message.reply(Buffer.buffer());
                case INVALID -> message.fail(400, invalidText);
                case UNAVAILABLE -> message.fail(503, "database unavailable");
                case HOLD -> held.add(message);
            }
        }

        private void reset() {
            received.clear();
            held.clear();
            reply = Reply.STORE;
        }
    }
}
