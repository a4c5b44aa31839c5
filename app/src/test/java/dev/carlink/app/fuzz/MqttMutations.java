package dev.carlink.app.fuzz;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Mutations that know MQTT's framing: corrupt the remaining length (too short, too long, the maximum, five
 * bytes, an unfinished varint), change the packet type and flags, corrupt the body while keeping the frame valid
 * (so the damage reaches the packet decoder and the gateway's handlers instead of the framer), duplicate the
 * packet or glue another one behind it, or fall back to the protocol-blind {@link Mutator}.
 */
final class MqttMutations {

    private MqttMutations() {}

    static byte[] mutate(byte[] packet, byte[] donor, SplittableRandom random) {
        return switch (random.nextInt(10)) {
            case 0, 1, 2 -> reframedBody(packet, donor, random);
            case 3 -> corruptRemainingLength(packet, random);
            case 4 -> oversizedRemainingLength(packet, random);
            case 5 -> otherHeader(packet, random);
            case 6 -> concat(packet, random.nextBoolean() ? packet : donor);
            case 7 -> concat(Arrays.copyOf(packet, random.nextInt(packet.length)), donor); // a cut packet, then another
            default -> Mutator.mutate(packet, donor, random);
        };
    }

    /** The body mutated, the remaining length recomputed: a well-framed packet with a broken inside. */
    static byte[] reframedBody(byte[] packet, byte[] donor, SplittableRandom random) {
        int offset = MqttPackets.bodyOffset(packet);
        byte[] body = Arrays.copyOfRange(packet, offset, packet.length);
        byte[] donorBody =
                donor == null ? null : Arrays.copyOfRange(donor, MqttPackets.bodyOffset(donor), donor.length);
        return MqttPackets.frame(packet[0] & 0xff, Mutator.mutate(body, donorBody, random));
    }

    static byte[] corruptRemainingLength(byte[] packet, SplittableRandom random) {
        int offset = MqttPackets.bodyOffset(packet);
        byte[] body = Arrays.copyOfRange(packet, offset, packet.length);
        byte[] length =
                switch (random.nextInt(5)) {
                    case 0 -> MqttPackets.varInt(Math.max(0, body.length - 1 - random.nextInt(8)));
                    case 1 -> MqttPackets.varInt(body.length + 1 + random.nextInt(64));
                    case 2 -> new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01}; // five bytes
                    case 3 -> new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80}; // a varint that stops in the middle
                    default -> new byte[] {(byte) 0x80, 0x00}; // zero, in a non-minimal encoding
                };
        byte[] out = new byte[1 + length.length + body.length];
        out[0] = packet[0];
        System.arraycopy(length, 0, out, 1, length.length);
        System.arraycopy(body, 0, out, 1 + length.length, body.length);
        return out;
    }

    /** Declares a huge packet (up to the protocol's 268,435,455 bytes) and sends only the start of it. */
    static byte[] oversizedRemainingLength(byte[] packet, SplittableRandom random) {
        int declared = random.nextBoolean()
                ? MqttPackets.MAX_REMAINING_LENGTH
                : 65_537 + random.nextInt(MqttPackets.MAX_REMAINING_LENGTH - 65_537);
        int offset = MqttPackets.bodyOffset(packet);
        byte[] length = MqttPackets.varInt(declared);
        byte[] out = new byte[1 + length.length + packet.length - offset];
        out[0] = packet[0];
        System.arraycopy(length, 0, out, 1, length.length);
        System.arraycopy(packet, offset, out, 1 + length.length, packet.length - offset);
        return out;
    }

    /** Another packet type or flags (reserved type 0, QoS 3, DUP on QoS 0, reserved SUBSCRIBE flags...). */
    static byte[] otherHeader(byte[] packet, SplittableRandom random) {
        byte[] out = packet.clone();
        out[0] = random.nextBoolean()
                ? (byte) random.nextInt(256)
                : (byte) ((packet[0] & 0xf0) | random.nextInt(16)); // same type, other flags
        return out;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
