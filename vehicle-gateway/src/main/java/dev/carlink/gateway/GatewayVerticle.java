package dev.carlink.gateway;

import dev.carlink.gateway.mqtt.ConnectHandler;
import dev.carlink.gateway.mqtt.GatewayMetrics;
import dev.carlink.gateway.mqtt.LoginThrottle;
import dev.carlink.gateway.mqtt.SessionRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.mqtt.MqttServer;
import io.vertx.mqtt.MqttServerOptions;
import java.time.Clock;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT edge for cars: binds the MQTT server and hands each connection to the {@link
 * ConnectHandler}. It talks to the other modules only through the event-bus addresses in {@code
 * dev.carlink.proto.BusAddress}. Undeploying disconnects every car and closes the server.
 *
 * <p>Deploy one instance per gateway: a car's second connection takes over its first only within
 * one instance.
 */
public final class GatewayVerticle extends VerticleBase {

    private static final Logger log = LoggerFactory.getLogger(GatewayVerticle.class);

    private final GatewayConfig config;
    private final MeterRegistry meterRegistry;
    private final Clock clock;

    private SessionRegistry sessions;
    private GatewayMetrics metrics;
    private MqttServer server;
    private LoginThrottle throttle;
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
        MqttServerOptions options = new MqttServerOptions()
                .setHost(config.host())
                .setPort(config.mqttPort())
                .setMaxMessageSize(config.maxMessageSize());
        server = MqttServer.create(vertx, options)
                .endpointHandler(new ConnectHandler(
                        vertx,
                        sessions,
                        metrics,
                        clock,
                        config.busTimeout(),
                        config.maxMessageSize(),
                        config.limits(),
                        throttle))
                .exceptionHandler(error -> log.debug("mqtt connection error [error: {}]", error.toString()));
        return server.listen()
                .onSuccess(bound -> log.info(
                        "mqtt gateway listening [gateway: {}, host: {}, port: {}, maxMessageSize: {}, busTimeout: {}]",
                        config.gatewayId(),
                        config.host(),
                        bound.actualPort(),
                        config.maxMessageSize(),
                        config.busTimeout()))
                .onFailure(error -> metrics.close());
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(sweepTimer);
        sessions.disconnectAll();
        return server.close().onComplete(closed -> {
            metrics.close();
            log.info("mqtt gateway stopped [gateway: {}]", config.gatewayId());
        });
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
