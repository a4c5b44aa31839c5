package dev.carlink.app.bench;

import dev.carlink.proto.v1.Telemetry;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * The one subscriber of the Mosquitto baseline: takes every car's telemetry at QoS 1, counts it, and records the
 * time from the sample's timestamp to its arrival here.
 */
final class RelaySubscriber implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final MqttClient client;
    private final AtomicLong received = new AtomicLong();
    private final Recorder latencyMicros = new Recorder(3);

    RelaySubscriber(URI broker) {
        client = MqttClient.create(
                vertx,
                new MqttClientOptions()
                        .setClientId("bench-relay-subscriber")
                        .setCleanSession(true)
                        .setMaxInflightQueue(65_535)
                        .setMaxMessageSize(1 << 20)
                        .setKeepAliveInterval(600));
        client.publishHandler(message -> {
            received.incrementAndGet();
            try {
                long sampled = Telemetry.parseFrom(message.payload().getBytes()).getTimestampMs();
                latencyMicros.recordValue(Math.max(0, System.currentTimeMillis() - sampled) * 1_000);
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IllegalStateException("the relay carried something that is not Telemetry", e);
            }
        });
        client.connect(broker.getPort(), broker.getHost())
                .compose(connected -> client.subscribe("v1/vehicles/+/telemetry", MqttQoS.AT_LEAST_ONCE.value()))
                .toCompletionStage()
                .toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
    }

    long received() {
        return received.get();
    }

    /** The latencies recorded since the last call, in microseconds. */
    org.HdrHistogram.Histogram takeLatency() {
        return latencyMicros.getIntervalHistogram();
    }

    @Override
    public void close() {
        client.disconnect()
                .toCompletionStage()
                .toCompletableFuture()
                .orTimeout(5, TimeUnit.SECONDS)
                .exceptionally(e -> null)
                .join();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
