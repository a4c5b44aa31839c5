package dev.carlink.telemetry;

import dev.carlink.proto.VinFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * A vehicle identification number: 17 characters of {@code [A-HJ-NPR-Z0-9]} (ISO 3779; I, O and Q
 * are never used, lower case is not accepted).
 *
 * @param value the 17 characters
 */
public record Vin(String value) {

    private static final int SHOWN_CHARACTERS = 32;

    /** Refuses anything but 17 characters of {@code [A-HJ-NPR-Z0-9]}. */
    public Vin {
        Objects.requireNonNull(value, "value");
        problem(value).ifPresent(text -> {
            throw new IllegalArgumentException(text);
        });
    }

    /**
     * What is wrong with {@code candidate} as a VIN, or empty when it is one. The text names the field
     * and shows the value (truncated), for a 400 reply.
     */
    public static Optional<String> problem(String candidate) {
        if (VinFormat.isValid(candidate)) {
            return Optional.empty();
        }
        return Optional.of("vin must be 17 characters of [A-HJ-NPR-Z0-9], was " + describe(candidate));
    }

    private static String describe(String candidate) {
        if (candidate == null) {
            return "null";
        }
        String shown =
                candidate.length() > SHOWN_CHARACTERS ? candidate.substring(0, SHOWN_CHARACTERS) + "..." : candidate;
        return "'" + shown + "' (" + candidate.length() + " characters)";
    }

    @Override
    public String toString() {
        return value;
    }
}
