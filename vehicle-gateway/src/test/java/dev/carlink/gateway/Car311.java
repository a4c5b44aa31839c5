package dev.carlink.gateway;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.v1.PublishError;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** An MQTT 3.1.1 car: a real Paho mqttv3 client. */
final class Car311 implements AutoCloseable {

    private static final long WAIT_MS = 10_000;

    final String vin;
    final List<Received> received = new CopyOnWriteArrayList<>();
    volatile Throwable connectionLost;
    private final MqttAsyncClient client;

    private Car311(String uri, String clientId) throws MqttException {
        this.vin = clientId;
        this.client = new MqttAsyncClient(uri, clientId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                connectionLost = cause;
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(new Received(topic, message.getPayload(), message.getQos()));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {}
        });
    }

    /** Connects with client id = username = {@code vin}. */
    static Car311 connect(GatewayHarness gateway, String vin) throws MqttException {
        return connect(gateway, vin, vin, gateway.secret(vin));
    }

    /** Connects with the given client id and credentials; a null password is left out. */
    static Car311 connect(GatewayHarness gateway, String clientId, String username, String password)
            throws MqttException {
        Car311 car = new Car311(gateway.uri(), clientId);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(30);
        if (username != null) {
            options.setUserName(username);
        }
        if (password != null) {
            options.setPassword(password.toCharArray());
        }
        try {
            car.client.connect(options).waitForCompletion(WAIT_MS);
            return car;
        } catch (MqttException e) {
            car.client.close(true);
            throw e;
        }
    }

    /** Subscribes and returns the granted QoS per filter (128 = failure). */
    int[] subscribe(String... filters) throws MqttException {
        int[] qos = new int[filters.length];
        java.util.Arrays.fill(qos, 1);
        IMqttToken token = client.subscribe(filters, qos);
        token.waitForCompletion(WAIT_MS);
        return token.getGrantedQos();
    }

    IMqttDeliveryToken publish(String topic, byte[] payload, int qos) throws MqttException {
        return client.publish(topic, payload, qos, false);
    }

    boolean isConnected() {
        return client.isConnected();
    }

    /** The {@code PublishError}s received on the errors topic. */
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
    record Received(String topic, byte[] payload, int qos) {}
}
