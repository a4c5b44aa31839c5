package dev.carlink.gateway.mqtt;

import dev.carlink.proto.VinFormat;

/** Vehicle identification numbers (ISO 3779): 17 characters of A-Z and 0-9 without I, O and Q. */
final class Vin {

    static final int LENGTH = VinFormat.LENGTH;

    private Vin() {}

    /** Whether {@code candidate} is a well-formed VIN; {@code null} is not. */
    static boolean isValid(String candidate) {
        return VinFormat.isValid(candidate);
    }

    /**
     * Why {@code candidate} is not a VIN, for logs; the candidate itself is not repeated because it
     * comes from an unauthenticated client.
     */
    static String problem(String candidate) {
        if (candidate == null || candidate.isEmpty()) {
            return "vin is empty";
        }
        if (candidate.length() != LENGTH) {
            return "vin must be " + LENGTH + " characters, was " + candidate.length();
        }
        return "vin must use only A-Z (without I, O, Q) and 0-9";
    }
}
