package dev.carlink.app.fuzz;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Protocol-blind byte mutations: bit flips, boundary values, inserted, deleted, duplicated and overwritten runs,
 * truncation and splicing with another message. Deterministic: the same input and random state give the same
 * output, so a run is repeated by its seed.
 */
final class Mutator {

    /** Bytes that sit on boundaries parsers tend to get wrong (sign bit, continuation bit, all ones, zero). */
    private static final byte[] BOUNDARY = {0x00, 0x01, 0x0d, 0x0e, 0x0f, 0x7f, (byte) 0x80, (byte) 0xfe, (byte) 0xff};

    private Mutator() {}

    /** One to three mutations of {@code input}; {@code donor} is another message to splice from. */
    static byte[] mutate(byte[] input, byte[] donor, SplittableRandom random) {
        byte[] out = input;
        int rounds = 1 + random.nextInt(3);
        for (int i = 0; i < rounds; i++) {
            out = once(out, donor, random);
        }
        return out;
    }

    /** A single mutation, picked at random. */
    static byte[] once(byte[] in, byte[] donor, SplittableRandom random) {
        if (in.length == 0) {
            return randomBytes(1 + random.nextInt(16), random);
        }
        return switch (random.nextInt(10)) {
            case 0 -> flipBits(in, random);
            case 1 -> setBoundary(in, random);
            case 2 -> insertRandom(in, random);
            case 3 -> deleteRange(in, random);
            case 4 -> Arrays.copyOf(in, random.nextInt(in.length));
            case 5 -> duplicateRange(in, random);
            case 6 -> splice(in, donor, random);
            case 7 -> overwriteRandom(in, random);
            case 8 -> swapBytes(in, random);
            default -> addToByte(in, random);
        };
    }

    static byte[] flipBits(byte[] in, SplittableRandom random) {
        byte[] out = in.clone();
        int flips = 1 + random.nextInt(8);
        for (int i = 0; i < flips; i++) {
            int bit = random.nextInt(out.length * 8);
            out[bit / 8] ^= (byte) (1 << (bit % 8));
        }
        return out;
    }

    static byte[] setBoundary(byte[] in, SplittableRandom random) {
        byte[] out = in.clone();
        out[random.nextInt(out.length)] = BOUNDARY[random.nextInt(BOUNDARY.length)];
        return out;
    }

    static byte[] insertRandom(byte[] in, SplittableRandom random) {
        int at = random.nextInt(in.length + 1);
        byte[] extra = randomBytes(1 + random.nextInt(random.nextInt(8) == 0 ? 512 : 16), random);
        byte[] out = new byte[in.length + extra.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(extra, 0, out, at, extra.length);
        System.arraycopy(in, at, out, at + extra.length, in.length - at);
        return out;
    }

    static byte[] deleteRange(byte[] in, SplittableRandom random) {
        int from = random.nextInt(in.length);
        int length = 1 + random.nextInt(Math.min(16, in.length - from));
        byte[] out = new byte[in.length - length];
        System.arraycopy(in, 0, out, 0, from);
        System.arraycopy(in, from + length, out, from, in.length - from - length);
        return out;
    }

    static byte[] duplicateRange(byte[] in, SplittableRandom random) {
        int from = random.nextInt(in.length);
        int length = 1 + random.nextInt(Math.min(64, in.length - from));
        int times = 1 + random.nextInt(random.nextInt(8) == 0 ? 64 : 3);
        byte[] out = new byte[in.length + length * times];
        System.arraycopy(in, 0, out, 0, from + length);
        for (int t = 1; t <= times; t++) {
            System.arraycopy(in, from, out, from + length * t, length);
        }
        System.arraycopy(in, from + length, out, from + length * (times + 1), in.length - from - length);
        return out;
    }

    /** The head of one message and the tail of another. */
    static byte[] splice(byte[] in, byte[] donor, SplittableRandom random) {
        if (donor == null || donor.length == 0) {
            return flipBits(in, random);
        }
        int head = random.nextInt(in.length + 1);
        int tailFrom = random.nextInt(donor.length);
        byte[] out = new byte[head + donor.length - tailFrom];
        System.arraycopy(in, 0, out, 0, head);
        System.arraycopy(donor, tailFrom, out, head, donor.length - tailFrom);
        return out;
    }

    static byte[] overwriteRandom(byte[] in, SplittableRandom random) {
        byte[] out = in.clone();
        int from = random.nextInt(out.length);
        int length = 1 + random.nextInt(Math.min(32, out.length - from));
        for (int i = from; i < from + length; i++) {
            out[i] = (byte) random.nextInt(256);
        }
        return out;
    }

    static byte[] swapBytes(byte[] in, SplittableRandom random) {
        byte[] out = in.clone();
        int a = random.nextInt(out.length);
        int b = random.nextInt(out.length);
        byte t = out[a];
        out[a] = out[b];
        out[b] = t;
        return out;
    }

    /** Adds a small signed amount to a byte: off-by-one lengths and counts. */
    static byte[] addToByte(byte[] in, SplittableRandom random) {
        byte[] out = in.clone();
        int at = random.nextInt(out.length);
        out[at] = (byte) (out[at] + random.nextInt(-4, 5));
        return out;
    }

    static byte[] randomBytes(int length, SplittableRandom random) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) random.nextInt(256);
        }
        return out;
    }
}
