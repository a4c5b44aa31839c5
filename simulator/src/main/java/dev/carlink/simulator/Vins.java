package dev.carlink.simulator;

import dev.carlink.proto.VinFormat;

/** Vehicle identification numbers: validation, and the numbering scheme of simulated cars. */
public final class Vins {

    /** Prefix of every VIN the simulator invents; the rest are 12 digits. */
    public static final String SIMULATOR_PREFIX = "SMCAR";

    /** Largest car number that fits into the 12 digits after the prefix. */
    public static final long MAX_SIMULATOR_NUMBER = 999_999_999_999L;

    private Vins() {}

    /** Whether {@code vin} is 17 characters of A-Z (without I, O, Q) and 0-9. */
    public static boolean isValid(String vin) {
        return VinFormat.isValid(vin);
    }

    /**
     * Checks a VIN.
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static String requireValid(String vin) {
        if (vin == null) {
            throw new IllegalArgumentException("vin must not be null");
        }
        if (vin.length() != 17) {
            throw new IllegalArgumentException("vin must be 17 characters, was " + vin.length() + " (" + vin + ")");
        }
        if (!isValid(vin)) {
            throw new IllegalArgumentException("vin must contain only A-Z without I, O, Q and digits 0-9, was " + vin);
        }
        return vin;
    }

    /** The VIN of simulated car {@code number}: {@code SMCAR} and the number as 12 digits. */
    public static String simulatorVin(long number) {
        if (number < 0 || number > MAX_SIMULATOR_NUMBER) {
            throw new IllegalArgumentException(
                    "car number must be within 0.." + MAX_SIMULATOR_NUMBER + ", was " + number);
        }
        return SIMULATOR_PREFIX + String.format("%012d", number);
    }
}
