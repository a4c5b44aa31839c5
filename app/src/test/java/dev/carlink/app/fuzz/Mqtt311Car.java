package dev.carlink.app.fuzz;

import dev.carlink.proto.v1.PublishError;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A legitimate MQTT 3.1.1 car (Paho): subscribed to its commands and its errors topic, where a refusal would be
 * explained (3.1.1 acknowledges refused messages too), so an error there is a problem as well.
 */
final class Mqtt311Car extends LegitCar {

    private static final long WAIT_MS = 15_000;

    private final String uri;
    private final String secret;
    private volatile MqttAsyncClient client;

    Mqtt311Car(String uri, String vin, String secret) {
        super(vin, "mqtt3.1.1");
        this.uri = uri;
        this.secret = secret;
    }

    @Override
    void connect() throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(uri, vin, new MemoryPersistence());
        c.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                problems.add("connection lost: " + cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) throws Exception {
                if (topic.endsWith("/errors")) {
                    problems.add("error on its errors topic: "
                            + PublishError.parseFrom(message.getPayload())
                                    .toString()
                                    .trim());
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {}
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setUserName(vin);
        options.setPassword(secret.toCharArray());
        options.setCleanSession(true);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(10);
        options.setAutomaticReconnect(false);
        c.connect(options).waitForCompletion(WAIT_MS);
        c.subscribe(new String[] {"v1/vehicles/" + vin + "/commands", "v1/vehicles/" + vin + "/errors"}, new int[] {1, 0
                })
                .waitForCompletion(WAIT_MS);
        client = c;
    }

    @Override
    String send(byte[] telemetry) throws MqttException {
        IMqttDeliveryToken token = client.publish(telemetryTopic(), telemetry, 1, false);
        token.waitForCompletion(WAIT_MS);
        return token.isComplete() && token.getException() == null ? null : "no PUBACK: " + token.getException();
    }

    @Override
    boolean healthy() {
        return client != null && client.isConnected();
    }

    @Override
    void disconnect() {
        MqttAsyncClient c = client;
        if (c == null) {
            return;
        }
        try {
            if (c.isConnected()) {
                c.disconnect().waitForCompletion(WAIT_MS);
            }
            c.close();
        } catch (MqttException e) {
            // closing a client that is already gone
        }
    }
}
