package dev.carlink.app.fuzz;

import java.nio.charset.StandardCharsets;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** A legitimate MQTT 5 car (Paho): subscribed to its commands, PUBACK reason code 0 for every message. */
final class Mqtt5Car extends LegitCar {

    private static final long WAIT_MS = 15_000;

    private final String uri;
    private final String secret;
    private volatile MqttAsyncClient client;

    Mqtt5Car(String uri, String vin, String secret) {
        super(vin, "mqtt5");
        this.uri = uri;
        this.secret = secret;
    }

    @Override
    void connect() throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(uri, vin, new MemoryPersistence());
        c.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                problems.add("disconnected: " + response);
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
                problems.add("error: " + exception);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {}

            @Override
            public void deliveryComplete(IMqttToken token) {}

            @Override
            public void connectComplete(boolean reconnect, String serverUri) {}

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {}
        });
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(vin);
        options.setPassword(secret.getBytes(StandardCharsets.UTF_8));
        options.setCleanStart(true);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(10);
        options.setAutomaticReconnect(false);
        c.connect(options).waitForCompletion(WAIT_MS);
        c.subscribe("v1/vehicles/" + vin + "/commands", 1).waitForCompletion(WAIT_MS);
        client = c;
    }

    @Override
    String send(byte[] telemetry) throws MqttException {
        MqttMessage message = new MqttMessage(telemetry);
        message.setQos(1);
        IMqttToken token = client.publish(telemetryTopic(), message);
        token.waitForCompletion(WAIT_MS);
        int[] codes = token.getReasonCodes();
        return codes == null || codes.length == 0 || codes[0] == 0
                ? null
                : "PUBACK reason code 0x" + Integer.toHexString(codes[0]);
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
