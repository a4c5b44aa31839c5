package dev.carlink.app.bench.conn;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.SignedCommand;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.MqttConnectionException;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.net.ConnectException;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One car of a {@link FleetMain} fleet: a Vert.x MQTT 3.1.1 client with keep-alive that subscribes to its
 * commands topic at QoS 1 once connected, acknowledges every command (the client's automatic PUBACK) and
 * counts them. Executes nothing and answers no results: what is measured is the connection and the delivery.
 *
 * <p>A car that loses its connection reconnects after a randomized back-off ("full jitter"): attempt {@code k}
 * after the loss waits a uniformly random time in {@code [0, min(cap, 250 ms * 2^k)]}, so a fleet that lost
 * its gateway spreads its return over about {@code cap} once the gateway is back. A first CONNECT that is
 * refused or fails is tried again the same way. Every method runs on the car's event loop.
 */
final class FleetCar {

    /** How long a CONNECT may wait for its CONNACK. */
    static final int CONNECT_TIMEOUT_MS = 30_000;

    private static final int BACKOFF_BASE_MS = 250;

    /** Where the cars connect and how. */
    record Settings(String host, int port, int keepAliveSeconds, int backoffCapMs) {}

    private final String vin;
    private final String secret;
    private final String commandsTopic;
    private final Settings settings;
    private final FleetMain.Stats stats;

    private Vertx vertx;
    private MqttClient client;
    private boolean connected;
    private boolean subscribed;
    private boolean stopped;
    private Set<String> commandIds;

    // written on the car's event loop, read by a dump from the command thread
    private volatile long connackMs;
    private volatile long subackMs;
    private volatile long lastNewCommandMs;
    private volatile int commands;
    private volatile int lost;

    FleetCar(String vin, String secret, Settings settings, FleetMain.Stats stats) {
        this.vin = vin;
        this.secret = secret;
        this.commandsTopic = "v1/vehicles/" + vin + "/commands";
        this.settings = settings;
        this.stats = stats;
    }

    /**
     * The first connection; completes with the first CONNACK that accepts the car. A refused or failed attempt is
     * counted and tried again after the back-off, as a car does; a later loss reconnects by itself.
     */
    Future<Void> start(Vertx vertx) {
        this.vertx = vertx;
        Promise<Void> connectedOnce = Promise.promise();
        firstConnection(connectedOnce, 0);
        return connectedOnce.future();
    }

    private void firstConnection(Promise<Void> connectedOnce, int attempt) {
        open().onSuccess(v -> connectedOnce.tryComplete()).onFailure(e -> {
            stats.connectFailed.increment();
            stats.error(reason(e));
            if (stopped) {
                connectedOnce.tryFail(e);
                return;
            }
            vertx.setTimer(backoff(attempt), t -> firstConnection(connectedOnce, attempt + 1));
        });
    }

    /** The wait before attempt {@code attempt + 1}: uniformly random in [0, min(cap, 250 ms * 2^attempt)]. */
    private long backoff(int attempt) {
        long cap = Math.min(settings.backoffCapMs(), (long) BACKOFF_BASE_MS << Math.min(attempt, 20));
        return 1 + ThreadLocalRandom.current().nextLong(cap + 1);
    }

    private Future<Void> open() {
        MqttClientOptions options = new MqttClientOptions()
                .setClientId(vin)
                .setUsername(vin)
                .setPassword(secret)
                .setCleanSession(true)
                .setKeepAliveInterval(settings.keepAliveSeconds())
                .setAutoKeepAlive(true);
        options.setConnectTimeout(CONNECT_TIMEOUT_MS);
        MqttClient opened = MqttClient.create(vertx, options);
        client = opened;
        opened.publishHandler(message -> received(opened, message));
        opened.subscribeCompletionHandler(ack -> {
            if (client != opened || !connected || subscribed) {
                return;
            }
            if (ack.grantedQoSLevels().isEmpty() || ack.grantedQoSLevels().get(0) > 1) {
                stats.error("subscription to commands refused");
                return;
            }
            subscribed = true;
            subackMs = System.currentTimeMillis();
            stats.lastSubackMs.accumulateAndGet(subackMs, Math::max);
            stats.subscribed.incrementAndGet();
        });
        opened.closeHandler(v -> {
            if (client == opened && connected) {
                lostConnection();
            }
        });
        Promise<Void> result = Promise.promise();
        long timeout = vertx.setTimer(CONNECT_TIMEOUT_MS, t -> {
            if (result.tryFail(new IllegalStateException("no CONNACK within " + CONNECT_TIMEOUT_MS / 1000 + " s"))) {
                opened.disconnect();
            }
        });
        opened.connect(settings.port(), settings.host()).onComplete(ack -> {
            vertx.cancelTimer(timeout);
            if (ack.failed()) {
                result.tryFail(ack.cause());
                return;
            }
            if (result.future().isComplete()) {
                opened.disconnect(); // the CONNACK came after the timeout gave up on it
                return;
            }
            connected = true;
            connackMs = System.currentTimeMillis();
            stats.lastConnackMs.accumulateAndGet(connackMs, Math::max);
            stats.connected.incrementAndGet();
            result.complete();
            if (stopped) {
                stop();
                return;
            }
            opened.subscribe(commandsTopic, 1).onFailure(e -> stats.error("subscribe not sent: " + e.getMessage()));
        });
        return result.future();
    }

    /** A command: acknowledged by the client (QoS 1), counted here; the same id twice is a duplicate. */
    private void received(MqttClient from, MqttPublishMessage message) {
        if (from != client || !message.topicName().equals(commandsTopic)) {
            stats.error("message on an unexpected topic or connection");
            return;
        }
        String id;
        try {
            id = Command.parseFrom(SignedCommand.parseFrom(message.payload().getBytes())
                            .getCommand())
                    .getId();
        } catch (InvalidProtocolBufferException e) {
            stats.error("command is not a SignedCommand");
            return;
        }
        if (commandIds == null) {
            commandIds = new HashSet<>(2);
        }
        stats.commands.increment();
        if (!commandIds.add(id)) {
            stats.duplicates.increment();
            return;
        }
        commands++;
        lastNewCommandMs = System.currentTimeMillis();
        stats.delivered.incrementAndGet();
    }

    private void lostConnection() {
        connected = false;
        lost++;
        stats.connected.decrementAndGet();
        stats.lost.increment();
        if (subscribed) {
            subscribed = false;
            stats.subscribed.decrementAndGet();
        }
        reconnect(0);
    }

    private void reconnect(int attempt) {
        if (stopped) {
            return;
        }
        vertx.setTimer(backoff(attempt), t -> {
            if (stopped) {
                return;
            }
            stats.attempts.increment();
            open().onFailure(e -> {
                stats.failedAttempts.increment();
                stats.error("retry " + reason(e));
                reconnect(attempt + 1);
            });
        });
    }

    /** Disconnects for good (no reconnection). */
    Future<Void> stop() {
        stopped = true;
        if (client == null || !connected) {
            return Future.succeededFuture();
        }
        connected = false;
        stats.connected.decrementAndGet();
        if (subscribed) {
            subscribed = false;
            stats.subscribed.decrementAndGet();
        }
        return client.disconnect().recover(e -> Future.succeededFuture());
    }

    String dumpLine() {
        return vin + "," + connackMs + "," + subackMs + "," + lastNewCommandMs + "," + commands + "," + lost;
    }

    private static String reason(Throwable e) {
        if (e instanceof MqttConnectionException refused) {
            return "connect refused: CONNACK " + refused.code();
        }
        if (e instanceof ConnectException) {
            return "connect failed: connection refused";
        }
        return "connect failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
}
