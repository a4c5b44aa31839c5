package dev.carlink.simulator.load;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttServer;
import io.vertx.mqtt.MqttServerOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A minimal MQTT server for load tests: checks secrets, counts telemetry, acknowledges all but every n-th. */
final class AckingServer implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final AtomicLong received = new AtomicLong();
    private final int withholdEvery;
    private final MqttServer server;

    /** @param withholdEvery 0 acknowledges everything; n withholds the PUBACK of every n-th message */
    AckingServer(int withholdEvery) throws Exception {
        this.withholdEvery = withholdEvery;
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
            endpoint.publishHandler(message -> {
                long n = received.incrementAndGet();
                if (message.qosLevel() == MqttQoS.AT_LEAST_ONCE && (withholdEvery == 0 || n % withholdEvery != 0)) {
                    endpoint.publishAcknowledge(message.messageId());
                }
            });
            endpoint.accept(false);
        });
        server.listen().toCompletionStage().toCompletableFuture().get();
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

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }
}
