package dev.carlink.gateway;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A hand-written MQTT client on a plain socket, for what Paho will not do: stay silent past its
 * keep-alive, publish at a QoS the server does not offer, or send bytes that are not MQTT.
 */
final class RawMqtt implements AutoCloseable {

    /** MQTT 3.1.1 protocol level. */
    static final int V311 = 4;
    /** MQTT 5 protocol level. */
    static final int V5 = 5;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int level = V311;

    private RawMqtt(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static RawMqtt open(GatewayHarness gateway) throws IOException {
        Socket socket = new Socket("127.0.0.1", gateway.port());
        socket.setSoTimeout(10_000);
        return new RawMqtt(socket);
    }

    /**
     * Sends CONNECT (clean session, username and password) and returns the CONNACK return code
     * (MQTT 3.1.1) or reason code (MQTT 5).
     */
    int connect(int protocolLevel, String clientId, String username, String password, int keepAliveSeconds)
            throws IOException {
        level = protocolLevel;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, "MQTT"); // protocol name
        body.write(protocolLevel);
        body.write(0b1100_0010); // flags: username, password, clean session/start
        body.write(keepAliveSeconds >> 8);
        body.write(keepAliveSeconds & 0xff);
        if (level == V5) {
            body.write(0); // no properties
        }
        writeString(body, clientId);
        writeString(body, username);
        writeString(body, password);
        send(0x10, body.toByteArray()); // CONNECT

        Packet connAck = read();
        connAck.expect(0x20, "CONNACK");
        return connAck.body()[1] & 0xff; // after the session-present flags byte
    }

    /** Sends SUBSCRIBE for one filter at QoS 1 and returns the granted QoS or reason code. */
    int subscribe(int packetId, String filter) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(packetId >> 8);
        body.write(packetId & 0xff);
        if (level == V5) {
            body.write(0); // no properties
        }
        writeString(body, filter);
        body.write(1); // requested QoS 1
        send(0x82, body.toByteArray()); // SUBSCRIBE (reserved flags 0b0010)

        Packet subAck = read();
        subAck.expect(0x90, "SUBACK");
        // packet id, then (MQTT 5) an empty property length, then one code per filter
        return subAck.body()[level == V5 ? 3 : 2] & 0xff;
    }

    /** Sends PUBLISH; {@code packetId} is ignored at QoS 0. */
    void publish(String topic, byte[] payload, int qos, int packetId) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, topic);
        if (qos > 0) {
            body.write(packetId >> 8);
            body.write(packetId & 0xff);
        }
        if (level == V5) {
            body.write(0); // no properties
        }
        body.writeBytes(payload);
        send(0x30 | qos << 1, body.toByteArray()); // PUBLISH
    }

    /** Sends an MQTT 5 PUBLISH at QoS 1 with a Topic Alias property (an empty topic uses the alias). */
    void publishWithAlias(String topic, int alias, byte[] payload, int packetId) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, topic);
        body.write(packetId >> 8);
        body.write(packetId & 0xff);
        body.write(3); // properties: 3 bytes
        body.write(0x23); // Topic Alias
        body.write(alias >> 8);
        body.write(alias & 0xff);
        body.writeBytes(payload);
        send(0x32, body.toByteArray()); // PUBLISH, QoS 1
    }

    /** Reads the next packet from the server. */
    Packet read() throws IOException {
        int header = in.read();
        if (header < 0) {
            throw new EOFException("server closed the connection");
        }
        int length = 0;
        int multiplier = 1;
        int digit;
        do {
            digit = in.readUnsignedByte();
            length += (digit & 0x7f) * multiplier;
            multiplier *= 128;
        } while ((digit & 0x80) != 0);
        byte[] body = new byte[length];
        in.readFully(body);
        return new Packet(header, body);
    }

    /** Writes raw bytes to the connection. */
    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Whether the server closed the connection: reads until end of stream or the timeout. */
    boolean closedByServer(int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            // connection reset: closed as well
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private void send(int header, byte[] body) throws IOException {
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(header);
        int length = body.length;
        do { // remaining length: 7 bits per byte, high bit = more follows
            int digit = length % 128;
            length /= 128;
            packet.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        packet.writeBytes(body);
        write(packet.toByteArray());
    }

    private static void writeString(ByteArrayOutputStream out, String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.write(utf8.length >> 8);
        out.write(utf8.length & 0xff);
        out.writeBytes(utf8);
    }

    /** A packet: first header byte and the bytes after the remaining length. */
    record Packet(int header, byte[] body) {
        void expect(int expectedHeader, String name) throws IOException {
            if (header != expectedHeader) {
                throw new IOException("expected " + name + " but got header 0x" + Integer.toHexString(header));
            }
        }
    }
}
