package dev.carlink.gateway.mqtt;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.LoginThrottle;
import dev.carlink.proto.bus.v1.AuthReply;
import dev.carlink.proto.bus.v1.AuthRequest;
import dev.carlink.proto.bus.v1.SessionOpened;
import dev.carlink.proto.bus.v1.VehicleRevoked;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.mqtt.MqttAuth;
import io.vertx.mqtt.MqttEndpoint;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles a car's CONNECT: checks client id and credentials, asks the command-service whether the
 * VIN may connect ({@link BusAddress#VEHICLE_AUTHENTICATE}), then accepts (wiring the session's
 * packet handlers) or refuses with the CONNACK code of the car's protocol version. The password is
 * never logged.
 */
public final class ConnectHandler implements Handler<MqttEndpoint> {

    private static final Logger log = LoggerFactory.getLogger(ConnectHandler.class);

    private final Vertx vertx;
    private final SessionRegistry sessions;
    private final GatewayMetrics metrics;
    private final Clock clock;
    private final DeliveryOptions busOptions;
    private final MqttProperties connAckProperties;
    private final PublishHandler publishes;
    private final SubscribeHandler subscriptions;
    private final PresenceReporter presence;
    private final CommandDeliveryHandler commands;
    private final DisconnectHandler disconnects;
    private final MqttLimits limits;
    private final SessionStore saved;
    private final LoginThrottle throttle;
    private final String gatewayId;

    /**
     * @param busTimeout how long to wait for the authentication answer and the ingest replies
     * @param maxMessageSize the server's maximum packet size, announced to MQTT 5 cars
     * @param saved the sessions of cars that are away
     */
    public ConnectHandler(
            Vertx vertx,
            SessionRegistry sessions,
            GatewayMetrics metrics,
            Clock clock,
            Duration busTimeout,
            int maxMessageSize,
            MqttLimits limits,
            LoginThrottle throttle,
            String gatewayId) {
        this.vertx = vertx;
        this.gatewayId = gatewayId;
        this.sessions = sessions;
        this.metrics = metrics;
        this.clock = clock;
        this.limits = limits;
        this.saved = sessions.saved();
        this.throttle = throttle;
        this.busOptions = new DeliveryOptions().setSendTimeout(busTimeout.toMillis());
        this.connAckProperties = connAckProperties(maxMessageSize, limits);
        this.presence = new PresenceReporter(vertx.eventBus(), clock);
        this.publishes = new PublishHandler(vertx, metrics, clock, busOptions, limits);
        this.commands = new CommandDeliveryHandler(vertx.eventBus(), metrics, clock);
        this.subscriptions = new SubscribeHandler(sessions, commands, presence, metrics);
        this.disconnects = new DisconnectHandler(sessions, presence, metrics);
    }

    @Override
    public void handle(MqttEndpoint endpoint) {
        Optional<MqttProtocol> protocol = MqttProtocol.ofLevel(endpoint.protocolVersion());
        if (protocol.isEmpty()) {
            refuse(
                    endpoint,
                    MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION,
                    "unsupported-protocol",
                    "protocol level " + endpoint.protocolVersion());
            return;
        }
        String clientId = endpoint.clientIdentifier();
        String address = LoginThrottle.host(String.valueOf(endpoint.remoteAddress()));
        if (throttle.blocked(address, String.valueOf(clientId))) {
            refuse(
                    endpoint,
                    Refusal.RATE.code(protocol.get()),
                    "login-throttled",
                    "too many failed logins from " + address);
            return;
        }
        if (sessions.size() >= limits.maxConnections() && !sessions.connected(clientId)) {
            refuse(
                    endpoint,
                    Refusal.QUOTA.code(protocol.get()),
                    "too-many-connections",
                    limits.maxConnections() + " cars are connected");
            return;
        }
        if (!Vin.isValid(clientId)) {
            refuse(endpoint, Refusal.IDENTIFIER.code(protocol.get()), "invalid-client-id", Vin.problem(clientId));
            return;
        }
        MqttAuth auth = endpoint.auth();
        Optional<String> certificateVin = ClientCertificates.vin(endpoint);
        if (certificateVin.isPresent()) {
            if (!certificateVin.get().equals(clientId)
                    || auth != null && auth.getUsername() != null && !clientId.equals(auth.getUsername())) {
                refuse(
                        endpoint,
                        Refusal.IDENTIFIER.code(protocol.get()),
                        "certificate-mismatch",
                        "the client id (and username) must be the certificate's VIN");
                return;
            }
            if (willRefused(endpoint, protocol.get(), clientId)) {
                return;
            }
            authenticate(endpoint, protocol.get(), clientId, "", true);
            return;
        }
        if (auth == null || auth.getUsername() == null || auth.getPassword() == null) {
            refuse(
                    endpoint,
                    Refusal.BAD_CREDENTIALS.code(protocol.get()),
                    "missing-credentials",
                    "username and password are required");
            return;
        }
        if (!clientId.equals(auth.getUsername())) {
            refuse(
                    endpoint,
                    Refusal.IDENTIFIER.code(protocol.get()),
                    "username-mismatch",
                    "username must equal the client id");
            return;
        }
        if (willRefused(endpoint, protocol.get(), clientId)) {
            return;
        }
        authenticate(endpoint, protocol.get(), clientId, auth.getPassword(), false);
    }

    /**
     * Listens for cars connecting on other gateways of the cluster: this gateway's connection of such a car is
     * closed (MQTT 5: DISCONNECT 0x8E), without an offline notice, since the car is online elsewhere.
     */
    public MessageConsumer<Buffer> listenForTakeovers() {
        return vertx.eventBus().<Buffer>consumer(BusAddress.GATEWAY_SESSION_OPENED, message -> {
            SessionOpened opened;
            try {
                opened = SessionOpened.parseFrom(message.body().getBytes());
            } catch (InvalidProtocolBufferException e) {
                log.debug("ignored a malformed SessionOpened");
                return;
            }
            if (opened.getGatewayId().equals(gatewayId)) {
                return;
            }
            sessions.current(opened.getVin())
                    .ifPresent(session -> disconnects.takenOverElsewhere(session, opened.getGatewayId()));
        });
    }

    /**
     * Answers a command-service that (re)started and asks who is connected: each car that is online here (its
     * commands subscription in place) is announced again.
     */
    public MessageConsumer<Buffer> listenForPresenceResync() {
        return vertx.eventBus().<Buffer>consumer(BusAddress.GATEWAY_PRESENCE_RESYNC, message -> {
            int announced = 0;
            for (VehicleSession session : sessions.all()) {
                if (session.announcedOnline()) {
                    presence.stillOnline(session);
                    announced++;
                }
            }
            log.info("presence resync answered [cars online here: {}]", announced);
        });
    }

    /**
     * Listens for cars whose credentials were revoked (unenrolled, e.g. their owner deleted the account): this
     * gateway's connection of such a car is closed and its kept session discarded.
     */
    public MessageConsumer<Buffer> listenForRevocations() {
        return vertx.eventBus().<Buffer>consumer(BusAddress.VEHICLE_REVOKED, message -> {
            VehicleRevoked revoked;
            try {
                revoked = VehicleRevoked.parseFrom(message.body().getBytes());
            } catch (InvalidProtocolBufferException e) {
                log.debug("ignored a malformed VehicleRevoked");
                return;
            }
            sessions.saved().discard(revoked.getVin());
            sessions.current(revoked.getVin()).ifPresent(session -> disconnects.revoked(session, revoked.getReason()));
        });
    }

    private boolean willRefused(MqttEndpoint endpoint, MqttProtocol protocol, String vin) {
        Optional<String> problem = Wills.problem(endpoint.will(), vin);
        problem.ifPresent(detail -> refuse(endpoint, Refusal.WILL.code(protocol), "invalid-will", detail));
        return problem.isPresent();
    }

    /**
     * Asks the command-service: with a password, whether it is the car's secret; with a verified client
     * certificate ({@code byCertificate}), whether the VIN is enrolled.
     */
    private void authenticate(
            MqttEndpoint endpoint, MqttProtocol protocol, String vin, String secret, boolean byCertificate) {
        Pending pending = new Pending();
        endpoint.closeHandler(v -> pending.closed = true);
        // read now: once the endpoint is closed (the client left, or broke the protocol meanwhile) it throws
        String remote = String.valueOf(endpoint.remoteAddress());
        AuthRequest request = AuthRequest.newBuilder()
                .setVin(vin)
                .setSecret(secret)
                .setRemoteAddress(remote)
                .setClientCertificate(byCertificate)
                .build();
        vertx.eventBus()
                .<Buffer>request(BusAddress.VEHICLE_AUTHENTICATE, Buffer.buffer(request.toByteArray()), busOptions)
                .onComplete(answer -> {
                    try {
                        authenticated(endpoint, protocol, vin, remote, pending, answer);
                    } catch (IllegalArgumentException closed) {
                        // vertx-mqtt throws on an endpoint closed before its close handler ran
                        if (!String.valueOf(closed.getMessage()).contains("closed")) {
                            throw closed;
                        }
                        log.debug("vehicle left during authentication [vin: {}]", vin);
                    }
                });
    }

    private void authenticated(
            MqttEndpoint endpoint,
            MqttProtocol protocol,
            String vin,
            String remote,
            Pending pending,
            AsyncResult<Message<Buffer>> answer) {
        if (pending.closed) {
            log.debug("vehicle left during authentication [vin: {}]", vin);
            return;
        }
        if (answer.failed()) {
            log.warn(
                    "authentication unavailable [vin: {}, error: {}]",
                    vin,
                    answer.cause().getMessage());
            refuse(endpoint, Refusal.SERVER_UNAVAILABLE.code(protocol), "auth-unavailable", "no answer");
            return;
        }
        AuthReply reply;
        try {
            Buffer body = answer.result().body();
            reply = AuthReply.parseFrom(body == null ? new byte[0] : body.getBytes());
        } catch (InvalidProtocolBufferException e) {
            log.warn("authentication unavailable [vin: {}, error: reply is not an AuthReply]", vin);
            refuse(endpoint, Refusal.SERVER_UNAVAILABLE.code(protocol), "auth-unavailable", "bad reply");
            return;
        }
        String address = LoginThrottle.host(remote);
        if (reply.getAuthenticated()) {
            throttle.succeeded(address, vin);
            accept(endpoint, protocol, vin);
            return;
        }
        if (throttle.failed(address, vin)) {
            metrics.connectRefused("login-throttle-started");
            log.warn("throttling logins [address: {}, reason: too many failed logins]", address);
        }
        switch (reply.getFailure()) {
            case AUTH_FAILURE_BAD_SECRET ->
                refuse(endpoint, Refusal.BAD_CREDENTIALS.code(protocol), "bad-secret", "bad secret [vin: " + vin + "]");
            case AUTH_FAILURE_UNKNOWN_VIN ->
                refuse(
                        endpoint,
                        Refusal.NOT_AUTHORIZED.code(protocol),
                        "unknown-vin",
                        "unknown vin [vin: " + vin + "]");
            default ->
                refuse(endpoint, Refusal.NOT_AUTHORIZED.code(protocol), "not-authorized", "refused [vin: " + vin + "]");
        }
    }

    private void accept(MqttEndpoint endpoint, MqttProtocol protocol, String vin) {
        long expiry = grantedSessionExpiry(endpoint, protocol);
        VehicleSession session = new VehicleSession(
                endpoint,
                vin,
                protocol,
                clock,
                limits,
                expiry,
                Wills.text(endpoint.will()).orElse(null));
        endpoint.publishAutoAck(false);
        endpoint.subscriptionAutoAck(false);
        endpoint.autoKeepAlive(true);
        endpoint.publishHandler(message -> publishes.handle(session, message));
        endpoint.subscribeHandler(message -> subscriptions.subscribe(session, message));
        endpoint.unsubscribeHandler(message -> subscriptions.unsubscribe(session, message));
        endpoint.publishAcknowledgeMessageHandler(ack -> commands.acknowledged(session, ack));
        endpoint.pingHandler(v -> session.touch());
        endpoint.disconnectMessageHandler(message -> disconnects.clientDisconnected(session, message));
        endpoint.exceptionHandler(error -> disconnects.failed(session, error));
        endpoint.closeHandler(v -> disconnects.closed(session));
        // registered before CONNACK leaves, so a car that sees itself connected is counted and reachable
        sessions.register(session).ifPresent(previous -> disconnects.takeOver(previous, session));
        SessionOpened opened = SessionOpened.newBuilder()
                .setVin(vin)
                .setGatewayId(gatewayId)
                .setAtMs(clock.millis())
                .build();
        vertx.eventBus().publish(BusAddress.GATEWAY_SESSION_OPENED, Buffer.buffer(opened.toByteArray()));
        Optional<SessionStore.Saved> resumed;
        if (endpoint.isCleanSession()) {
            saved.discard(vin);
            resumed = Optional.empty();
        } else {
            resumed = saved.take(vin, clock.millis());
        }
        if (protocol == MqttProtocol.MQTT_5) {
            MqttProperties properties = copy(connAckProperties);
            properties.add(new MqttProperties.IntegerProperty(MqttProperties.SESSION_EXPIRY_INTERVAL, (int) expiry));
            endpoint.accept(resumed.isPresent(), properties);
        } else {
            endpoint.accept(resumed.isPresent());
        }
        resumed.ifPresent(previous -> {
            metrics.sessionResumed();
            session.resume(previous);
            subscriptions.resumed(session);
        });
        log.info(
                "vehicle connected [vin: {}, protocol: {}, remote: {}, sessionPresent: {}, sessionExpiry: {}]",
                vin,
                protocol.label(),
                session.remoteAddress(),
                resumed.isPresent(),
                expiry);
    }

    /**
     * How long the session outlives the connection, in seconds: what an MQTT 5 car asked for (Session Expiry
     * Interval, 0 when absent), or for an MQTT 3.1.1 car with clean session off the gateway's maximum; never more
     * than that maximum.
     */
    private long grantedSessionExpiry(MqttEndpoint endpoint, MqttProtocol protocol) {
        long max = limits.sessionExpiryMax().toSeconds();
        if (protocol != MqttProtocol.MQTT_5) {
            return endpoint.isCleanSession() ? 0 : max;
        }
        MqttProperties.MqttProperty<?> asked =
                endpoint.connectProperties().getProperty(MqttProperties.SESSION_EXPIRY_INTERVAL);
        long requested = asked != null && asked.value() instanceof Integer value ? Integer.toUnsignedLong(value) : 0;
        return Math.min(requested, max);
    }

    private static MqttProperties copy(MqttProperties properties) {
        MqttProperties copy = new MqttProperties();
        properties.listAll().forEach(copy::add);
        return copy;
    }

    private void refuse(MqttEndpoint endpoint, MqttConnectReturnCode code, String reason, String detail) {
        metrics.connectRefused(reason);
        log.debug(
                "refused connection [remote: {}, reason: {}, code: {}, detail: {}]",
                endpoint.remoteAddress(),
                reason,
                code,
                detail);
        endpoint.reject(code);
    }

    /**
     * What an MQTT 5 car is told on CONNACK (the granted session expiry is added per car): no QoS 2, no
     * retained messages, no wildcard, shared or identified subscriptions, its receive maximum, how many topic
     * aliases it may set, and the largest packet it may send.
     */
    private static MqttProperties connAckProperties(int maxMessageSize, MqttLimits limits) {
        MqttProperties properties = new MqttProperties();
        properties.add(new MqttProperties.IntegerProperty(MqttProperties.MAXIMUM_QOS, 1));
        properties.add(new MqttProperties.IntegerProperty(MqttProperties.RETAIN_AVAILABLE, 0));
        properties.add(new MqttProperties.IntegerProperty(MqttProperties.RECEIVE_MAXIMUM, limits.receiveMaximum()));
        properties.add(
                new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS_MAXIMUM, limits.topicAliasMaximum()));
        properties.add(new MqttProperties.IntegerProperty(MqttProperties.MAXIMUM_PACKET_SIZE, maxMessageSize));
        properties.add(new MqttProperties.IntegerProperty(MqttProperties.WILDCARD_SUBSCRIPTION_AVAILABLE, 0));
        properties.add(new MqttProperties.IntegerProperty(MqttProperties.SHARED_SUBSCRIPTION_AVAILABLE, 0));
        properties.add(new MqttProperties.IntegerProperty(MqttProperties.SUBSCRIPTION_IDENTIFIER_AVAILABLE, 0));
        return properties;
    }

    /** A CONNECT waiting for the authentication answer; the car may hang up meanwhile. */
    private static final class Pending {
        private boolean closed;
    }

    /** The refusals and their CONNACK codes per protocol version. */
    private enum Refusal {
        IDENTIFIER(
                MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
                MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID),
        BAD_CREDENTIALS(
                MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD,
                MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD),
        NOT_AUTHORIZED(
                MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
                MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5),
        SERVER_UNAVAILABLE(
                MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
                MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE_5),
        /** Too many failed logins from the address: 3.1.1 has no better code than "unavailable". */
        RATE(
                MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
                MqttConnectReturnCode.CONNECTION_REFUSED_CONNECTION_RATE_EXCEEDED),
        QUOTA(
                MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
                MqttConnectReturnCode.CONNECTION_REFUSED_QUOTA_EXCEEDED),
        /** A will the gateway cannot honour: 3.1.1 has no code for it, "not authorized" is the closest. */
        WILL(
                MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
                MqttConnectReturnCode.CONNECTION_REFUSED_TOPIC_NAME_INVALID);

        private final MqttConnectReturnCode v311;
        private final MqttConnectReturnCode v5;

        Refusal(MqttConnectReturnCode v311, MqttConnectReturnCode v5) {
            this.v311 = v311;
            this.v5 = v5;
        }

        MqttConnectReturnCode code(MqttProtocol protocol) {
            return protocol == MqttProtocol.MQTT_5 ? v5 : v311;
        }
    }
}
