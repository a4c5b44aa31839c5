package dev.carlink.simulator.load;

import dev.carlink.proto.v1.ErrorCode;
import dev.carlink.proto.v1.PublishError;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttServer;
import io.vertx.mqtt.MqttServerOptions;
import io.vertx.mqtt.MqttTopicSubscription;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal MQTT 3.1.1 server for load tests, standing in for the gateway: checks secrets (CONNACK 0x04 for a
 * wrong or unknown one), counts telemetry, acknowledges it, and can withhold every n-th PUBACK or refuse every
 * n-th message the 3.1.1 way (PUBACK, then a {@code PublishError} on the car's errors topic).
 */
final class AckingServer implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong withheld = new AtomicLong();
    private final int withholdEvery;
    private final int refuseEvery;
    private final MqttServer server;

    /**
     * @param withholdEvery 0 acknowledges everything; n withholds the PUBACK of every n-th message
     * @param refuseEvery 0 refuses nothing; n refuses every n-th message with {@code INVALID_VALUE}
     */
    AckingServer(int withholdEvery, int refuseEvery) throws Exception {
        this.withholdEvery = withholdEvery;
        this.refuseEvery = refuseEvery;
        this.server = MqttServer.create(
                vertx, new MqttServerOptions().setHost("127.0.0.1").setPort(0));
        server.endpointHandler(endpoint -> {
            String vin = endpoint.clientIdentifier();
            String expected = secrets.get(vin);
            if (endpoint.auth() == null
                    || expected == null
                    || !expected.equals(endpoint.auth().getPassword())) {
                endpoint.reject(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
                return;
            }
            endpoint.publishAutoAck(false);
            endpoint.subscribeHandler(subscribe -> endpoint.subscribeAcknowledge(
                    subscribe.messageId(),
                    subscribe.topicSubscriptions().stream()
                            .map(MqttTopicSubscription::qualityOfService)
                            .toList()));
            endpoint.publishHandler(message -> {
                long n = received.incrementAndGet();
                if (message.qosLevel() != MqttQoS.AT_LEAST_ONCE) {
                    return;
                }
                if (withholdEvery > 0 && n % withholdEvery == 0) {
                    withheld.incrementAndGet();
                    return;
                }
                endpoint.publishAcknowledge(message.messageId());
                if (refuseEvery > 0 && n % refuseEvery == 0) {
                    PublishError error = PublishError.newBuilder()
                            .setTopic(message.topicName())
                            .setCode(ErrorCode.ERROR_CODE_INVALID_VALUE)
                            .setDetail("state of charge out of range")
                            .build();
                    endpoint.publish(
                            "v1/vehicles/" + vin + "/errors",
                            Buffer.buffer(error.toByteArray()),
                            MqttQoS.AT_MOST_ONCE,
                            false,
                            false);
                }
            });
            endpoint.accept(false);
        });
        server.listen().toCompletionStage().toCompletableFuture().get();
    }

    AckingServer() throws Exception {
        this(0, 0);
    }

    void register(String vin, String secret) {
        secrets.put(vin, secret);
    }

    int port() {
        return server.actualPort();
    }

    long received() {
        return received.get();
    }

    long withheld() {
        return withheld.get();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }
}
