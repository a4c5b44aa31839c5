package dev.carlink.simulator.load;

import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.SimulatedCar;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * One car of the load: a Vert.x MQTT client (a few kilobytes, no threads of its own) publishing the telemetry
 * of a simulated car. Lives on its shard's event loop; every method is called there.
 */
final class LoadCar {

    private final VehicleCredentials credentials;
    private final SimulatedCar car;
    private final String topic;
    private final LoadStats stats;
    private final int maxInFlight;
    private final MqttQoS qos;
    /** A message with its intended send time; re-sent unchanged after a reconnection, as a car would. */
    private record Pending(long intendedNanos, Buffer payload) {}

    /** Packet id to the messages awaiting PUBACK. */
    private final Map<Integer, Pending> inFlight = new HashMap<>();
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
        this.stats = stats;
        this.maxInFlight = maxInFlight;
        this.qos = qos == 1 ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
    }

    Future<Void> connect(Vertx vertx, String host, int port, String localAddress) {
        this.vertx = vertx;
        this.host = host;
        this.port = port;
        this.localAddress = localAddress;
        return open().onFailure(e -> {
            stats.connectFailed.incrementAndGet();
            stats.error("connect refused: " + e.getMessage());
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
        options.setConnectTimeout(10_000);
        MqttClient opened = MqttClient.create(vertx, options);
        client = opened;
        opened.publishCompletionHandler(this::acknowledged);
        opened.publishCompletionUnknownPacketIdHandler(id -> stats.duplicates.incrementAndGet());
        opened.closeHandler(v -> {
            if (client == opened && connected) {
                stats.error("connection closed by the server");
                lostConnection();
            }
        });
        return opened.connect(port, host).<Void>map(ack -> {
            connected = true;
            reconnecting = false;
            stats.connected.incrementAndGet();
            while (!backlog.isEmpty() && inFlight.size() < maxInFlight) {
                publish(backlog.poll());
            }
            return null;
        });
    }

    /** Fault injection (a reconnect storm): drops the connection now and connects again at once. */
    void dropAndReconnect() {
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
        inFlight.values().stream()
                .sorted(Comparator.comparingLong(Pending::intendedNanos).reversed())
                .forEach(backlog::addFirst);
        stats.sent.addAndGet(-inFlight.size());
        inFlight.clear();
        reconnect();
    }

    private void reconnect() {
        if (stopped) {
            return;
        }
        open().onFailure(e -> vertx.setTimer(1000, t -> reconnect()));
    }

    /** A message is due now; {@code intendedNanos} is when it should have left, for latency. */
    void due(long intendedNanos) {
        stats.intended.incrementAndGet();
        Pending message =
                new Pending(intendedNanos, Buffer.buffer(car.telemetry().toByteArray()));
        if (!connected) {
            if (reconnecting) {
                backlog.add(message);
            } else {
                stats.notSent.incrementAndGet();
                stats.error("not connected at send time");
            }
            return;
        }
        if (qos == MqttQoS.AT_LEAST_ONCE && inFlight.size() >= maxInFlight) {
            backlog.add(message);
            return;
        }
        publish(message);
    }

    private void publish(Pending message) {
        client.publish(topic, message.payload(), qos, false, false)
                .onSuccess(packetId -> {
                    stats.sent.incrementAndGet();
                    if (qos == MqttQoS.AT_LEAST_ONCE) {
                        inFlight.put(packetId, message);
                    }
                })
                .onFailure(e -> {
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
        stats.recordLatencyMicros((System.nanoTime() - message.intendedNanos()) / 1000);
        Pending next = backlog.poll();
        if (next != null) {
            publish(next);
        }
    }

    /** Messages due but not written yet because the in-flight window was full. */
    int backlogged() {
        return backlog.size();
    }

    /** Gives up the backlog (sending has ended) and returns how many there were. */
    int dropBacklog() {
        int n = backlog.size();
        backlog.clear();
        return n;
    }

    Future<Void> disconnect() {
        stopped = true;
        if (client == null || !connected) {
            return Future.succeededFuture();
        }
        connected = false;
        stats.connected.decrementAndGet();
        return client.disconnect().recover(e -> Future.succeededFuture());
    }
}
