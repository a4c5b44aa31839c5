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
    /** Packet id to intended send time (nanos) of messages awaiting PUBACK. */
    private final Map<Integer, Long> inFlight = new HashMap<>();
    /** Intended send times of messages waiting for room in the in-flight window. */
    private final ArrayDeque<Long> backlog = new ArrayDeque<>();

    private MqttClient client;
    private boolean connected;

    LoadCar(VehicleCredentials credentials, SimulatedCar car, LoadStats stats, int maxInFlight, int qos) {
        this.credentials = credentials;
        this.car = car;
        this.topic = "v1/vehicles/" + credentials.vin() + "/telemetry";
        this.stats = stats;
        this.maxInFlight = maxInFlight;
        this.qos = qos == 1 ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
    }

    Future<Void> connect(Vertx vertx, String host, int port, String localAddress) {
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
        client = MqttClient.create(vertx, options);
        client.publishCompletionHandler(this::acknowledged);
        client.publishCompletionUnknownPacketIdHandler(id -> stats.duplicates.incrementAndGet());
        client.closeHandler(v -> {
            if (connected) {
                connected = false;
                stats.connected.decrementAndGet();
                stats.error("connection closed by the server");
            }
        });
        return client.connect(port, host)
                .<Void>map(ack -> {
                    connected = true;
                    stats.connected.incrementAndGet();
                    return null;
                })
                .onFailure(e -> {
                    stats.connectFailed.incrementAndGet();
                    stats.error("connect refused: " + e.getMessage());
                });
    }

    /** A message is due now; {@code intendedNanos} is when it should have left, for latency. */
    void due(long intendedNanos) {
        stats.intended.incrementAndGet();
        if (!connected) {
            stats.notSent.incrementAndGet();
            stats.error("not connected at send time");
            return;
        }
        if (qos == MqttQoS.AT_LEAST_ONCE && inFlight.size() >= maxInFlight) {
            backlog.add(intendedNanos);
            return;
        }
        publish(intendedNanos);
    }

    private void publish(long intendedNanos) {
        Buffer payload = Buffer.buffer(car.telemetry().toByteArray());
        client.publish(topic, payload, qos, false, false)
                .onSuccess(packetId -> {
                    stats.sent.incrementAndGet();
                    if (qos == MqttQoS.AT_LEAST_ONCE) {
                        inFlight.put(packetId, intendedNanos);
                    }
                })
                .onFailure(e -> {
                    stats.notSent.incrementAndGet();
                    stats.error("publish failed: " + e.getMessage());
                });
    }

    private void acknowledged(int packetId) {
        Long intendedNanos = inFlight.remove(packetId);
        if (intendedNanos == null) {
            stats.duplicates.incrementAndGet();
            return;
        }
        stats.acked.incrementAndGet();
        stats.recordLatencyMicros((System.nanoTime() - intendedNanos) / 1000);
        Long next = backlog.poll();
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
        if (client == null || !connected) {
            return Future.succeededFuture();
        }
        connected = false;
        stats.connected.decrementAndGet();
        return client.disconnect().recover(e -> Future.succeededFuture());
    }
}
