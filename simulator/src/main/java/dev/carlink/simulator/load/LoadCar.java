package dev.carlink.simulator.load;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.v1.PublishError;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.SimulatedCar;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.MqttConnectionException;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.net.ConnectException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One car of the load: a Vert.x MQTT client (a few kilobytes, no threads of its own) publishing the telemetry
 * of a simulated car, and subscribed to its {@code errors} topic so that refusals the gateway can only explain
 * there (MQTT 3.1.1) are counted. Lives on its shard's event loop; every method is called there.
 */
final class LoadCar implements ShardCar {

    /** How long a CONNECT may wait for its CONNACK (the TCP connect itself has the same limit). */
    static final int CONNECT_TIMEOUT_MS = 30_000;

    private final VehicleCredentials credentials;
    private final SimulatedCar car;
    private final String topic;
    private final String errorsTopic;
    private final LoadStats stats;
    private final int maxInFlight;
    private final MqttQoS qos;
    /**
     * A message with its intended send time, and whether it falls in the measured time (after the warm-up);
     * re-sent unchanged after a reconnection, as a car would.
     */
    private record Pending(long intendedNanos, boolean measured, Buffer payload) {}

    /** Packet id to the messages awaiting PUBACK. */
    private final Map<Integer, Pending> inFlight = new HashMap<>();
    /**
     * Messages handed to the client whose write has not completed yet (no packet id known): a connection that
     * drops meanwhile sends them again, and the old client's late answer for them is ignored.
     */
    private final Set<Pending> writing = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Messages waiting for room in the in-flight window, or for the connection to come back. */
    private final ArrayDeque<Pending> backlog = new ArrayDeque<>();

    private MqttClient client;
    private boolean connected;
    /** Lost its connection (or dropped it on purpose) and is getting it back; due messages wait meanwhile. */
    private boolean reconnecting;

    private boolean stopped;
    private Vertx vertx;
    private String host;
    private int port;
    private String localAddress;

    LoadCar(VehicleCredentials credentials, SimulatedCar car, LoadStats stats, int maxInFlight, int qos) {
        this.credentials = credentials;
        this.car = car;
        this.topic = "v1/vehicles/" + credentials.vin() + "/telemetry";
        this.errorsTopic = "v1/vehicles/" + credentials.vin() + "/errors";
        this.stats = stats;
        this.maxInFlight = maxInFlight;
        this.qos = qos == 1 ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
    }

    @Override
    public Future<Void> connect(Vertx vertx, String host, int port, String localAddress) {
        this.vertx = vertx;
        this.host = host;
        this.port = port;
        this.localAddress = localAddress;
        return open().onFailure(e -> {
            stats.connectFailed.incrementAndGet();
            stats.error(connectFailure(e));
        });
    }

    private Future<Void> open() {
        MqttClientOptions options = new MqttClientOptions()
                .setClientId(credentials.vin())
                .setUsername(credentials.vin())
                .setPassword(credentials.secret())
                .setCleanSession(true)
                .setKeepAliveInterval(60)
                .setAutoKeepAlive(true)
                .setMaxInflightQueue(maxInFlight + 1);
        options.setLocalAddress(localAddress);
        options.setConnectTimeout(CONNECT_TIMEOUT_MS);
        MqttClient opened = MqttClient.create(vertx, options);
        client = opened;
        // a dropped connection's late acknowledgements must not match the packet ids of its successor
        opened.publishCompletionHandler(id -> {
            if (client == opened && connected) {
                acknowledged(id);
            }
        });
        opened.publishCompletionUnknownPacketIdHandler(id -> {
            if (client == opened) {
                stats.duplicates.incrementAndGet();
            }
        });
        opened.publishHandler(this::received);
        opened.closeHandler(v -> {
            if (client == opened && connected) {
                stats.error("connection closed by the server");
                lostConnection();
            }
        });
        Promise<Void> result = Promise.promise();
        long timeout = vertx.setTimer(CONNECT_TIMEOUT_MS, t -> {
            if (result.tryFail(new ConnackTimeoutException())) {
                opened.disconnect();
            }
        });
        opened.connect(port, host).onComplete(ack -> {
            vertx.cancelTimer(timeout);
            if (ack.failed()) {
                result.tryFail(ack.cause());
                return;
            }
            if (result.future().isComplete()) {
                // the CONNACK came after the timeout had given up on it
                opened.disconnect();
                return;
            }
            connected = true;
            reconnecting = false;
            stats.connected.incrementAndGet();
            opened.subscribe(errorsTopic, 0).onFailure(e -> stats.error("subscribe to errors topic failed"));
            while (!backlog.isEmpty() && unacknowledged() < maxInFlight) {
                publish(backlog.poll());
            }
            result.complete();
        });
        return result.future();
    }

    /** The reason a connection attempt failed, as the report counts it: the CONNACK code, or what went wrong. */
    static String connectFailure(Throwable e) {
        if (e instanceof MqttConnectionException refused) {
            MqttConnectReturnCode code = refused.code();
            return String.format("connect refused: CONNACK 0x%02X %s", code.byteValue(), code.name());
        }
        if (e instanceof ConnackTimeoutException) {
            return "connect failed: no CONNACK within " + CONNECT_TIMEOUT_MS / 1000 + " s";
        }
        if (e instanceof ConnectException) {
            return "connect failed: connection refused (is the gateway running?)";
        }
        if (e instanceof io.netty.channel.ConnectTimeoutException) {
            return "connect failed: TCP connect timed out";
        }
        return "connect failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    /** A CONNECT that got no CONNACK in time. */
    private static final class ConnackTimeoutException extends Exception {
        ConnackTimeoutException() {
            super("no CONNACK", null, false, false);
        }
    }

    /** A message on the errors topic: the gateway refused one of this car's messages. */
    private void received(MqttPublishMessage message) {
        if (!message.topicName().equals(errorsTopic)) {
            stats.error("unexpected message on " + message.topicName());
            return;
        }
        try {
            PublishError error = PublishError.parseFrom(message.payload().getBytes());
            stats.error("publish error: " + error.getCode().name());
        } catch (InvalidProtocolBufferException e) {
            stats.error("publish error: unreadable PublishError");
        }
    }

    /** Fault injection (a reconnect storm): drops the connection now and connects again at once. */
    @Override
    public void dropAndReconnect() {
        if (!connected) {
            return;
        }
        MqttClient old = client;
        lostConnection();
        old.disconnect();
    }

    /**
     * A car that lost its connection keeps what it has not got acknowledged and sends it again once back, as
     * a real head unit does; messages due meanwhile wait in the backlog.
     */
    private void lostConnection() {
        connected = false;
        reconnecting = true;
        stats.connected.decrementAndGet();
        stats.reconnects.incrementAndGet();
        Stream.concat(inFlight.values().stream(), writing.stream())
                .sorted(Comparator.comparingLong(Pending::intendedNanos).reversed())
                .forEach(backlog::addFirst);
        stats.sent.addAndGet(-inFlight.size());
        inFlight.clear();
        writing.clear();
        reconnect();
    }

    private void reconnect() {
        if (stopped) {
            return;
        }
        open().onFailure(e -> vertx.setTimer(1000, t -> reconnect()));
    }

    /**
     * A message is due now; {@code intendedNanos} is when it should have left, for latency, and {@code measured}
     * says it falls after the warm-up.
     */
    @Override
    public void due(long intendedNanos, boolean measured) {
        stats.intended.incrementAndGet();
        Pending message = new Pending(
                intendedNanos, measured, Buffer.buffer(car.telemetry().toByteArray()));
        if (!connected) {
            if (reconnecting) {
                backlog.add(message);
            } else {
                stats.notSent.incrementAndGet();
                stats.error("not connected at send time");
            }
            return;
        }
        if (qos == MqttQoS.AT_LEAST_ONCE && unacknowledged() >= maxInFlight) {
            stats.backlogged.incrementAndGet();
            backlog.add(message);
            return;
        }
        publish(message);
    }

    private int unacknowledged() {
        return inFlight.size() + writing.size();
    }

    private void publish(Pending message) {
        writing.add(message);
        client.publish(topic, message.payload(), qos, false, false)
                .onSuccess(packetId -> {
                    if (!writing.remove(message)) {
                        return; // the connection dropped meanwhile: the message is queued to go again
                    }
                    stats.sent.incrementAndGet();
                    if (qos == MqttQoS.AT_LEAST_ONCE) {
                        inFlight.put(packetId, message);
                    } else if (message.measured()) {
                        stats.measured.incrementAndGet();
                    }
                })
                .onFailure(e -> {
                    if (!writing.remove(message)) {
                        return;
                    }
                    if (qos == MqttQoS.AT_LEAST_ONCE) {
                        // the connection is going down under the write: the car keeps the message and sends it
                        // again on its next connection, as it does with the unacknowledged ones
                        backlog.addFirst(message);
                        stats.error("publish failed, kept to send again: " + e.getMessage());
                        return;
                    }
                    stats.notSent.incrementAndGet();
                    stats.error("publish failed: " + e.getMessage());
                });
    }

    private void acknowledged(int packetId) {
        Pending message = inFlight.remove(packetId);
        if (message == null) {
            stats.duplicates.incrementAndGet();
            return;
        }
        stats.acked.incrementAndGet();
        if (message.measured()) {
            stats.measured.incrementAndGet();
            stats.latency.record(System.nanoTime() - message.intendedNanos());
        }
        Pending next = backlog.poll();
        if (next != null) {
            publish(next);
        }
    }

    @Override
    public boolean isConnected() {
        return connected;
    }

    /** Messages due but not written yet because the in-flight window was full. */
    @Override
    public int backlogged() {
        return backlog.size();
    }

    /** Gives up the backlog (sending has ended) and returns how many there were. */
    @Override
    public int dropBacklog() {
        int n = backlog.size();
        backlog.clear();
        return n;
    }

    @Override
    public Future<Void> disconnect() {
        stopped = true;
        if (client == null || !connected) {
            return Future.succeededFuture();
        }
        connected = false;
        stats.connected.decrementAndGet();
        return client.disconnect().recover(e -> Future.succeededFuture());
    }
}
