package dev.carlink.app.fuzz;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Mutations that know the CoAP header (RFC 7252, section 3): version, type and token length in the first byte,
 * the code, option nibbles 13, 14 and the reserved 15, a payload marker with nothing after it; otherwise the
 * protocol-blind {@link Mutator}.
 */
final class CoapMutations {

    private CoapMutations() {}

    static byte[] mutate(byte[] datagram, byte[] donor, SplittableRandom random) {
        if (datagram.length < 4) {
            return Mutator.mutate(datagram, donor, random);
        }
        byte[] out = datagram.clone();
        switch (random.nextInt(10)) {
            case 0 -> out[0] = (byte) (random.nextInt(4) << 6 | out[0] & 0x3f); // version
            case 1 -> out[0] = (byte) (out[0] & 0xf0 | (9 + random.nextInt(7))); // token length 9-15: reserved
            case 2 -> out[0] = (byte) (out[0] & 0xf0 | random.nextInt(9)); // a token length that does not match
            case 3 -> out[1] = (byte) random.nextInt(256); // any code: requests, responses, reserved classes
            case 4 -> {
                int at = optionsStart(out) + random.nextInt(Math.max(1, out.length - optionsStart(out)));
                if (at < out.length) { // an option delta or length nibble of 13, 14 or 15
                    int nibble = 13 + random.nextInt(3);
                    out[at] = (byte) (random.nextBoolean() ? nibble << 4 | out[at] & 0x0f : out[at] & 0xf0 | nibble);
                }
            }
            case 5 -> {
                out = Arrays.copyOf(out, out.length + 1); // a payload marker and no payload
                out[out.length - 1] = (byte) 0xff;
            }
            case 6 -> out = Arrays.copyOf(out, 4 + random.nextInt(Math.max(1, out.length - 4)));
            default -> out = Mutator.mutate(out, donor, random);
        }
        return out;
    }

    private static int optionsStart(byte[] datagram) {
        return Math.min(datagram.length, 4 + (datagram[0] & 0x0f));
    }
}
