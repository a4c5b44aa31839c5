package dev.carlink.proto;

import java.util.regex.Pattern;

/**
 * The contract's VIN rule (ISO 3779): 17 characters of A-Z and 0-9, without I, O and Q, upper case only. It
 * is the MQTT client id and username, and the key of every car; every module checks it through here.
 */
public final class VinFormat {

    public static final int LENGTH = 17;

    private static final Pattern FORMAT = Pattern.compile("[A-HJ-NPR-Z0-9]{17}");

    private VinFormat() {}

    /** Whether {@code candidate} is a well-formed VIN; {@code null} is not. */
    public static boolean isValid(String candidate) {
        return candidate != null && FORMAT.matcher(candidate).matches();
    }
}
