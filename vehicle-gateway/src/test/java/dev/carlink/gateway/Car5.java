package dev.carlink.gateway;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.v1.PublishError;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** An MQTT 5 car: a real Paho mqttv5 client. */
final class Car5 implements AutoCloseable {

    private static final long WAIT_MS = 10_000;

    final String vin;
    final List<Received> received = new CopyOnWriteArrayList<>();
    volatile MqttDisconnectResponse disconnected;
    private final MqttAsyncClient client;

    private Car5(String uri, String clientId) throws MqttException {
        this.vin = clientId;
        this.client = new MqttAsyncClient(uri, clientId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                disconnected = response;
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {}

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(new Received(topic, message.getPayload(), message.getQos(), message.getId()));
            }

            @Override
            public void deliveryComplete(IMqttToken token) {}

            @Override
            public void connectComplete(boolean reconnect, String serverUri) {}

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {}
        });
    }

    static Car5 connect(GatewayHarness gateway, String vin) throws MqttException {
        return connect(gateway, vin, vin, gateway.secret(vin));
    }

    /** Connects with the given client id and credentials; a null password is left out. */
    static Car5 connect(GatewayHarness gateway, String clientId, String username, String password)
            throws MqttException {
        Car5 car = new Car5(gateway.uri(), clientId);
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(30);
        if (username != null) {
            options.setUserName(username);
        }
        if (password != null) {
            options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        try {
            car.client.connect(options).waitForCompletion(WAIT_MS);
            return car;
        } catch (MqttException e) {
            car.client.close(true);
            throw e;
        }
    }

    /** Acknowledge received QoS 1 messages only through {@link #ack(Received)}. */
    void manualAcks() {
        client.setManualAcks(true);
    }

    void ack(Received message) throws MqttException {
        client.messageArrivedComplete(message.id(), message.qos());
    }

    /** Subscribes at QoS 1 and returns the SUBACK reason code per filter. */
    int[] subscribe(String... filters) throws MqttException {
        MqttSubscription[] subscriptions = new MqttSubscription[filters.length];
        for (int i = 0; i < filters.length; i++) {
            subscriptions[i] = new MqttSubscription(filters[i], 1);
        }
        IMqttToken token = client.subscribe(subscriptions);
        token.waitForCompletion(WAIT_MS);
        return token.getReasonCodes();
    }

    /** Unsubscribes and returns the UNSUBACK reason code per filter. */
    int[] unsubscribe(String... filters) throws MqttException {
        IMqttToken token = client.unsubscribe(filters);
        token.waitForCompletion(WAIT_MS);
        return token.getReasonCodes();
    }

    IMqttToken publish(String topic, byte[] payload, int qos) throws MqttException {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(qos);
        return client.publish(topic, message);
    }

    boolean isConnected() {
        return client.isConnected();
    }

    List<PublishError> errors() {
        return received.stream()
                .filter(r -> r.topic().endsWith("/errors"))
                .map(r -> {
                    try {
                        return PublishError.parseFrom(r.payload());
                    } catch (InvalidProtocolBufferException e) {
                        throw new IllegalStateException("errors topic carried a non-PublishError", e);
                    }
                })
                .toList();
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            // quiesce 0: unacknowledged publishes must not hold the DISCONNECT back
            client.disconnect(0).waitForCompletion(WAIT_MS);
        }
        client.close(true);
    }

    /** A message the car received. */
    record Received(String topic, byte[] payload, int qos, int id) {}
}
