package dev.carlink.app.fuzz;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.californium.core.network.CoapEndpoint;

/**
 * Whether the gateway still serves newcomers: a fresh MQTT connection (CONNECT, CONNACK 0, DISCONNECT) and a
 * fresh CoAP login from a new endpoint, each timed. Failures are kept with their reason.
 */
final class Probes {

    private static final int TIMEOUT_MS = 10_000;

    private final InetSocketAddress mqtt;
    private final String coapBase;
    private final String vin;
    private final String secret;
    private final String coapVin;
    private final String coapSecret;
    final AtomicLong mqttOk = new AtomicLong();
    final AtomicLong coapOk = new AtomicLong();
    final AtomicLong mqttMaxMs = new AtomicLong();
    final AtomicLong coapMaxMs = new AtomicLong();
    final List<String> failures = new CopyOnWriteArrayList<>();

    Probes(InetSocketAddress mqtt, String coapBase, String vin, String secret, String coapVin, String coapSecret) {
        this.mqtt = mqtt;
        this.coapBase = coapBase;
        this.vin = vin;
        this.secret = secret;
        this.coapVin = coapVin;
        this.coapSecret = coapSecret;
    }

    /** Both probes; failures are recorded, never thrown. */
    void probe() {
        long started = System.nanoTime();
        try {
            probeMqtt();
            mqttOk.incrementAndGet();
            mqttMaxMs.accumulateAndGet(elapsedMs(started), Math::max);
        } catch (Exception e) {
            failures.add("mqtt connect: " + e);
        }
        started = System.nanoTime();
        CoapEndpoint endpoint = CoapLegitCar.newEndpoint();
        try {
            CoapLegitCar.login(endpoint, coapBase, coapVin, coapSecret);
            coapOk.incrementAndGet();
            coapMaxMs.accumulateAndGet(elapsedMs(started), Math::max);
        } catch (Exception e) {
            failures.add("coap login: " + e);
        } finally {
            endpoint.destroy();
        }
    }

    private void probeMqtt() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(mqtt, TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            socket.getOutputStream().write(MqttPackets.connect(MqttPackets.V5, vin, secret, 30, null));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] head = new byte[4];
            in.readFully(head);
            if ((head[0] & 0xff) != 0x20 || head[3] != 0) {
                throw new IOException(String.format("expected CONNACK 0, got %02x .. %02x", head[0], head[3]));
            }
            socket.getOutputStream().write(MqttPackets.disconnect(MqttPackets.V5));
        }
    }

    private static long elapsedMs(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }
}
