package dev.carlink.gateway;

import dev.carlink.gateway.mqtt.ConnectHandler;
import dev.carlink.gateway.mqtt.GatewayMetrics;
import dev.carlink.gateway.mqtt.SessionRegistry;
import dev.carlink.proto.LoginThrottle;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.mqtt.MqttServer;
import io.vertx.mqtt.MqttServerOptions;
import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT edge for cars: binds the MQTT server and hands each connection to the {@link
 * ConnectHandler}. It talks to the other modules only through the event-bus addresses in {@code
 * dev.carlink.proto.BusAddress}. Undeploying disconnects every car and closes the server.
 *
 * <p>Deploy one instance per gateway, each with its own {@code gatewayId}. A car's second connection takes
 * over its first on the same instance directly, and across the instances of a clustered event bus through
 * {@code BusAddress.GATEWAY_SESSION_OPENED}.
 */
public final class GatewayVerticle extends VerticleBase {

    private static final Logger log = LoggerFactory.getLogger(GatewayVerticle.class);

    private final GatewayConfig config;
    private final MeterRegistry meterRegistry;
    private final Clock clock;

    private SessionRegistry sessions;
    private GatewayMetrics metrics;
    private MqttServer server;
    private MqttServer tlsServer;
    private LoginThrottle throttle;
    private io.vertx.core.eventbus.MessageConsumer<io.vertx.core.buffer.Buffer> takeovers;
    private io.vertx.core.eventbus.MessageConsumer<io.vertx.core.buffer.Buffer> revocations;
    private io.vertx.core.eventbus.MessageConsumer<io.vertx.core.buffer.Buffer> resyncs;
    private long sweepTimer = -1;

    /** How often expired sessions and stale login failures are forgotten. */
    private static final long SWEEP_MS = 10_000;

    public GatewayVerticle(GatewayConfig config, MeterRegistry meterRegistry, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Future<?> start() {
        sessions = new SessionRegistry();
        throttle = new LoginThrottle(
                config.limits().failedLoginsPerMinute(), config.limits().loginBlock(), clock);
        sweepTimer = vertx.setPeriodic(SWEEP_MS, id -> {
            sessions.expireSaved(clock.millis());
            throttle.sweep();
        });
        metrics = new GatewayMetrics(meterRegistry, config.gatewayId(), sessions);
        context.exceptionHandler(this::unhandled);
        MqttServerOptions options = new MqttServerOptions()
                .setHost(config.host())
                .setPort(config.mqttPort())
                .setMaxMessageSize(config.maxMessageSize());
        ConnectHandler connects = new ConnectHandler(
                vertx,
                sessions,
                metrics,
                clock,
                config.busTimeout(),
                config.maxMessageSize(),
                config.limits(),
                throttle,
                config.gatewayId());
        takeovers = connects.listenForTakeovers();
        revocations = connects.listenForRevocations();
        resyncs = connects.listenForPresenceResync();
        server = MqttServer.create(vertx, options)
                .endpointHandler(connects)
                .exceptionHandler(error -> log.debug("mqtt connection error [error: {}]", error.toString()));
        Future<?> tlsListening = Future.succeededFuture();
        if (config.tls().enabled()) {
            TlsServerOptions tls = TlsServerOptions.of(config.tls(), config.gatewayId());
            tlsServer = MqttServer.create(
                            vertx,
                            tls.apply(new MqttServerOptions()
                                    .setHost(config.host())
                                    .setPort(config.tls().port())
                                    .setMaxMessageSize(config.maxMessageSize())))
                    .endpointHandler(connects)
                    .exceptionHandler(error -> log.debug("mqtt tls connection error [error: {}]", error.toString()));
            tlsListening = tlsServer
                    .listen()
                    .onSuccess(bound -> log.info(
                            "mqtt tls listening [gateway: {}, port: {}, certificate: {}, clientCertificates: {}]",
                            config.gatewayId(),
                            bound.actualPort(),
                            tls.certificateDescription(),
                            config.tls().clientCa().isPresent()));
        }
        return Future.all(
                        server.listen(),
                        tlsListening,
                        takeovers.completion(),
                        revocations.completion(),
                        resyncs.completion())
                .onSuccess(bound -> log.info(
                        "mqtt gateway listening [gateway: {}, host: {}, port: {}, maxMessageSize: {}, busTimeout: {}, "
                                + "limits: {}]",
                        config.gatewayId(),
                        config.host(),
                        server.actualPort(),
                        config.maxMessageSize(),
                        config.busTimeout(),
                        config.limits()))
                .onFailure(error -> {
                    vertx.cancelTimer(sweepTimer);
                    metrics.close();
                });
    }

    /**
     * What a handler on this verticle's connections threw. vertx-mqtt throws for packets it cannot take: a packet
     * already on its way when the gateway closed the session ("not connected client", "endpoint is closed"), a PUBACK
     * or PUBREL with an undefined reason code. Those come from what a client sent: DEBUG, counted as
     * {@code carlink.gateway.protocol.errors}. Anything else is a bug of ours and stays ERROR.
     */
    private void unhandled(Throwable error) {
        if (thrownByVertxMqtt(error)) {
            metrics.protocolError();
            log.debug("mqtt packet refused by the protocol layer [error: {}]", error.toString());
        } else {
            log.error("unhandled exception in the mqtt gateway [gateway: {}]", config.gatewayId(), error);
        }
    }

    /** Thrown inside vertx-mqtt, and not on a call from carlink's code (that would be our bug). */
    static boolean thrownByVertxMqtt(Throwable error) {
        StackTraceElement[] stack = error.getStackTrace();
        return stack.length > 0
                && stack[0].getClassName().startsWith("io.vertx.mqtt.")
                && Arrays.stream(stack).noneMatch(frame -> frame.getClassName().startsWith("dev.carlink."));
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(sweepTimer);
        takeovers.unregister();
        revocations.unregister();
        resyncs.unregister();
        sessions.disconnectAll();
        Future<Void> tlsClosed = tlsServer == null ? Future.succeededFuture() : tlsServer.close();
        return Future.all(server.close(), tlsClosed).onComplete(closed -> {
            metrics.close();
            log.info("mqtt gateway stopped [gateway: {}]", config.gatewayId());
        });
    }

    /**
     * The port MQTT over TLS is bound to.
     *
     * @throws IllegalStateException before the verticle is deployed, or with TLS disabled
     */
    public int actualTlsPort() {
        if (tlsServer == null) {
            throw new IllegalStateException("mqtt over tls is not deployed");
        }
        return tlsServer.actualPort();
    }

    /**
     * The port the MQTT server is bound to (the configured one, or the one chosen for port 0).
     *
     * @throws IllegalStateException before the verticle is deployed
     */
    public int actualMqttPort() {
        if (server == null) {
            throw new IllegalStateException("gateway is not deployed");
        }
        return server.actualPort();
    }
}
