package dev.carlink.simulator.mqtt;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How a simulated car talks to the backend.
 *
 * @param serverUri {@code tcp://host:port} (or {@code ssl://host:port}) of the MQTT endpoint
 * @param telemetryInterval real time between telemetry samples
 * @param timeScale simulated seconds per real second (1 in the demo, larger in tests)
 * @param stepInterval real time between physics steps (and outbox flushes)
 * @param outboxCapacity messages kept while the connection is down; the oldest telemetry goes first when full
 * @param connectTimeout how long one connection attempt may take
 * @param keepAlive MQTT keep-alive interval
 * @param maxReconnectDelay longest wait between reconnection attempts (the wait doubles from 1 s up to this)
 * @param tcpNoDelay Nagle's algorithm off on a {@code tcp://} socket
 * @param sleep when the car sleeps and for how long ({@link SleepPolicy#NEVER} by default)
 */
public record MqttCarConfig(
        URI serverUri,
        Duration telemetryInterval,
        double timeScale,
        Duration stepInterval,
        int outboxCapacity,
        Duration connectTimeout,
        Duration keepAlive,
        Duration maxReconnectDelay,
        boolean tcpNoDelay,
        SleepPolicy sleep) {

    public static final Duration DEFAULT_TELEMETRY_INTERVAL = Duration.ofSeconds(5);
    public static final double DEFAULT_TIME_SCALE = 1.0;
    public static final Duration DEFAULT_STEP_INTERVAL = Duration.ofSeconds(1);
    public static final int DEFAULT_OUTBOX_CAPACITY = 1000;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(30);

    public MqttCarConfig {
        Objects.requireNonNull(serverUri, "serverUri");
        String scheme = serverUri.getScheme();
        if (!"tcp".equals(scheme) && !"ssl".equals(scheme)) {
            throw new IllegalArgumentException(
                    "serverUri must be tcp://host:port or ssl://host:port, was " + serverUri);
        }
        if (serverUri.getHost() == null || serverUri.getPort() < 0) {
            throw new IllegalArgumentException("serverUri must name a host and a port, was " + serverUri);
        }
        requirePositive("telemetryInterval", telemetryInterval);
        requirePositive("stepInterval", stepInterval);
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("keepAlive", keepAlive);
        requirePositive("maxReconnectDelay", maxReconnectDelay);
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("timeScale must be > 0 and finite, was " + timeScale);
        }
        Objects.requireNonNull(sleep, "sleep");
        if (outboxCapacity < 1) {
            throw new IllegalArgumentException("outboxCapacity must be >= 1, was " + outboxCapacity);
        }
    }

    /** Defaults for {@code serverUri}. */
    public static MqttCarConfig of(URI serverUri) {
        return new MqttCarConfig(
                serverUri,
                DEFAULT_TELEMETRY_INTERVAL,
                DEFAULT_TIME_SCALE,
                DEFAULT_STEP_INTERVAL,
                DEFAULT_OUTBOX_CAPACITY,
                DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_KEEP_ALIVE,
                DEFAULT_MAX_RECONNECT_DELAY,
                false,
                SleepPolicy.NEVER);
    }

    public MqttCarConfig withTelemetryInterval(Duration value) {
        return new MqttCarConfig(
                serverUri,
                value,
                timeScale,
                stepInterval,
                outboxCapacity,
                connectTimeout,
                keepAlive,
                maxReconnectDelay,
                tcpNoDelay,
                sleep);
    }

    public MqttCarConfig withTimeScale(double value) {
        return new MqttCarConfig(
                serverUri,
                telemetryInterval,
                value,
                stepInterval,
                outboxCapacity,
                connectTimeout,
                keepAlive,
                maxReconnectDelay,
                tcpNoDelay,
                sleep);
    }

    public MqttCarConfig withStepInterval(Duration value) {
        return new MqttCarConfig(
                serverUri,
                telemetryInterval,
                timeScale,
                value,
                outboxCapacity,
                connectTimeout,
                keepAlive,
                maxReconnectDelay,
                tcpNoDelay,
                sleep);
    }

    public MqttCarConfig withOutboxCapacity(int value) {
        return new MqttCarConfig(
                serverUri,
                telemetryInterval,
                timeScale,
                stepInterval,
                value,
                connectTimeout,
                keepAlive,
                maxReconnectDelay,
                tcpNoDelay,
                sleep);
    }

    /**
     * Nagle's algorithm off on the car's socket ({@code tcp://} only), so its small packets (a PUBACK, then a
     * result) go out at once: for latency measurements, where a delayed ACK would add tens of milliseconds
     * that are not the backend's. Off by default, as on most head units.
     */
    public MqttCarConfig withTcpNoDelay(boolean value) {
        return new MqttCarConfig(
                serverUri,
                telemetryInterval,
                timeScale,
                stepInterval,
                outboxCapacity,
                connectTimeout,
                keepAlive,
                maxReconnectDelay,
                value,
                sleep);
    }

    public MqttCarConfig withMaxReconnectDelay(Duration value) {
        return new MqttCarConfig(
                serverUri,
                telemetryInterval,
                timeScale,
                stepInterval,
                outboxCapacity,
                connectTimeout,
                keepAlive,
                value,
                tcpNoDelay,
                sleep);
    }

    /** Lets the car sleep when idle, as in {@link SleepPolicy}. */
    public MqttCarConfig withSleep(SleepPolicy value) {
        return new MqttCarConfig(
                serverUri,
                telemetryInterval,
                timeScale,
                stepInterval,
                outboxCapacity,
                connectTimeout,
                keepAlive,
                maxReconnectDelay,
                tcpNoDelay,
                value);
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, was " + value);
        }
    }
}
