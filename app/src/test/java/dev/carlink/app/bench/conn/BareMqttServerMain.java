package dev.carlink.app.bench.conn;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttServer;
import io.vertx.mqtt.MqttServerOptions;
import io.vertx.mqtt.MqttTopicSubscription;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The baseline for heap per connection: a bare vertx-mqtt server on the same Vert.x and Netty as the gateway,
 * which accepts every CONNECT without checking anything, grants every subscription and keeps nothing of its
 * own per connection. What the gateway holds beyond it is carlink's. Argument: the port; stops when stdin
 * closes.
 */
public final class BareMqttServerMain {

    private BareMqttServerMain() {}

    public static void main(String[] args) throws Exception {
        Vertx vertx = Vertx.vertx();
        MqttServer server = MqttServer.create(
                        vertx, new MqttServerOptions().setHost("127.0.0.1").setPort(Integer.parseInt(args[0])))
                .endpointHandler(endpoint -> {
                    endpoint.subscribeHandler(subscribe -> {
                        List<MqttQoS> granted = new ArrayList<>();
                        for (MqttTopicSubscription s : subscribe.topicSubscriptions()) {
                            granted.add(s.qualityOfService());
                        }
                        endpoint.subscribeAcknowledge(subscribe.messageId(), granted);
                    });
                    endpoint.accept(false);
                });
        server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        while (System.in.read() >= 0) {
            // runs until the benchmark closes stdin
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        System.exit(0);
    }
}
