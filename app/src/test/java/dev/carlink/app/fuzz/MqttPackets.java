package dev.carlink.app.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Encodes the MQTT 3.1.1 and 5 control packets the fuzzer starts from, byte by byte (MQTT 3.1.1 section 2 and 3,
 * MQTT 5 section 2 and 3), so that it can also write what a client library refuses to: a QoS 2 PUBLISH, a topic
 * that is not UTF-8, a second CONNECT, a packet id of zero.
 */
final class MqttPackets {

    /** Protocol level of MQTT 3.1.1. */
    static final int V311 = 4;
    /** Protocol level of MQTT 5. */
    static final int V5 = 5;

    /** The largest remaining length the 4-byte variable integer can express (268,435,455). */
    static final int MAX_REMAINING_LENGTH = 0x0fff_ffff;

    private MqttPackets() {}

    /** CONNECT with username and password, clean session, and (optionally) a will on the car's own topic. */
    static byte[] connect(int level, String clientId, String password, int keepAliveSeconds, String willTopic) {
        Body b = new Body();
        b.string("MQTT");
        b.u8(level);
        int flags = 0b1100_0010; // username, password, clean session / clean start
        if (willTopic != null) {
            flags |= 0b0000_1100; // will flag, will QoS 1
        }
        b.u8(flags);
        b.u16(keepAliveSeconds);
        if (level == V5) {
            Body p = new Body();
            p.u8(0x11).u32(0); // session expiry interval
            p.u8(0x21).u16(16); // receive maximum
            p.u8(0x27).u32(65_536); // maximum packet size
            p.u8(0x22).u16(0); // topic alias maximum
            b.properties(p);
        }
        b.string(clientId);
        if (willTopic != null) {
            if (level == V5) {
                Body p = new Body();
                p.u8(0x18).u32(5); // will delay interval
                b.properties(p);
            }
            b.string(willTopic);
            b.binary(new byte[] {0x08, 0x01});
        }
        b.string(clientId); // username: the VIN
        b.binary(password.getBytes(StandardCharsets.UTF_8));
        return frame(0x10, b.bytes());
    }

    /** PUBLISH; {@code packetId} is left out at QoS 0. MQTT 5 packets carry a few properties when asked. */
    static byte[] publish(int level, byte[] topic, int qos, int packetId, byte[] payload, boolean properties) {
        Body b = new Body();
        b.u16(topic.length).raw(topic);
        if (qos > 0) {
            b.u16(packetId);
        }
        if (level == V5) {
            Body p = new Body();
            if (properties) {
                p.u8(0x01).u8(0); // payload format indicator: bytes
                p.u8(0x03).string("application/x-protobuf"); // content type
                p.u8(0x26).string("fuzz").string("1"); // user property
            }
            b.properties(p);
        }
        b.raw(payload);
        return frame(0x30 | qos << 1, b.bytes());
    }

    static byte[] publish(int level, String topic, int qos, int packetId, byte[] payload) {
        return publish(level, topic.getBytes(StandardCharsets.UTF_8), qos, packetId, payload, false);
    }

    /** SUBSCRIBE for one filter at a QoS (options byte in MQTT 5). */
    static byte[] subscribe(int level, int packetId, String filter, int qos) {
        Body b = new Body();
        b.u16(packetId);
        if (level == V5) {
            b.properties(new Body());
        }
        b.string(filter);
        b.u8(qos);
        return frame(0x82, b.bytes());
    }

    static byte[] unsubscribe(int level, int packetId, String filter) {
        Body b = new Body();
        b.u16(packetId);
        if (level == V5) {
            b.properties(new Body());
        }
        b.string(filter);
        return frame(0xa2, b.bytes());
    }

    /** PUBACK, and the other acknowledgements of the same shape (PUBREC 0x50, PUBREL 0x62, PUBCOMP 0x70). */
    static byte[] ack(int header, int level, int packetId) {
        Body b = new Body();
        b.u16(packetId);
        if (level == V5) {
            b.u8(0); // reason code: success
            b.properties(new Body());
        }
        return frame(header, b.bytes());
    }

    static byte[] pingReq() {
        return new byte[] {(byte) 0xc0, 0x00};
    }

    static byte[] disconnect(int level) {
        return level == V5 ? new byte[] {(byte) 0xe0, 0x02, 0x00, 0x00} : new byte[] {(byte) 0xe0, 0x00};
    }

    /** MQTT 5 AUTH with a method the server never offered. */
    static byte[] auth() {
        Body p = new Body();
        p.u8(0x15).string("SCRAM-SHA-1");
        Body b = new Body();
        b.u8(0x18); // continue authentication
        b.properties(p);
        return frame(0xf0, b.bytes());
    }

    /** Fixed header byte, remaining length, body. */
    static byte[] frame(int header, byte[] body) {
        byte[] length = varInt(body.length);
        byte[] packet = new byte[1 + length.length + body.length];
        packet[0] = (byte) header;
        System.arraycopy(length, 0, packet, 1, length.length);
        System.arraycopy(body, 0, packet, 1 + length.length, body.length);
        return packet;
    }

    /** MQTT's variable byte integer: 7 bits per byte, the high bit says another byte follows. */
    static byte[] varInt(int value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4);
        int v = value;
        do {
            int digit = v & 0x7f;
            v >>>= 7;
            out.write(v > 0 ? digit | 0x80 : digit);
        } while (v > 0);
        return out.toByteArray();
    }

    /** Where the body of a well-framed packet starts (after the header byte and the remaining length). */
    static int bodyOffset(byte[] packet) {
        int i = 1;
        while (i < packet.length && i < 5 && (packet[i] & 0x80) != 0) {
            i++;
        }
        return Math.min(i + 1, packet.length);
    }

    /** A packet body under construction. */
    private static final class Body {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

        Body u8(int v) {
            out.write(v);
            return this;
        }

        Body u16(int v) {
            out.write(v >> 8 & 0xff);
            out.write(v & 0xff);
            return this;
        }

        Body u32(int v) {
            return u16(v >>> 16).u16(v & 0xffff);
        }

        Body raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        Body string(String s) {
            return binary(s.getBytes(StandardCharsets.UTF_8));
        }

        Body binary(byte[] bytes) {
            return u16(bytes.length).raw(bytes);
        }

        /** MQTT 5 properties: their length as a variable byte integer, then the properties. */
        Body properties(Body p) {
            byte[] bytes = p.bytes();
            return raw(varInt(bytes.length)).raw(bytes);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
