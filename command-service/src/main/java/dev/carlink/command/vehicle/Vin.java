package dev.carlink.command.vehicle;

import java.util.regex.Pattern;

/** A vehicle identification number: 17 characters, digits and capitals without I, O and Q. */
public record Vin(String value) {

    private static final Pattern FORMAT = Pattern.compile("[A-HJ-NPR-Z0-9]{17}");

    public Vin {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException(describe(value));
        }
    }

    public static boolean isValid(String value) {
        return value != null && FORMAT.matcher(value).matches();
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
