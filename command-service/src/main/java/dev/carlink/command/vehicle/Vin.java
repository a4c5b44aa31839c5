package dev.carlink.command.vehicle;

import dev.carlink.proto.VinFormat;

/** A vehicle identification number: 17 characters, digits and capitals without I, O and Q. */
public record Vin(String value) {

    public Vin {
        if (!VinFormat.isValid(value)) {
            throw new IllegalArgumentException(describe(value));
        }
    }

    public static boolean isValid(String value) {
        return VinFormat.isValid(value);
    }

    /** Why {@code value} is not a VIN. */
    public static String describe(String value) {
        if (value == null) {
            return "vin is missing";
        }
        if (value.length() != 17) {
            return "vin must be 17 characters, was " + value.length();
        }
        return "vin must use only digits and capital letters other than I, O and Q, was " + value;
    }

    @Override
    public String toString() {
        return value;
    }
}
