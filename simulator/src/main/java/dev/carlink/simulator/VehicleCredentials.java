package dev.carlink.simulator;

import java.util.Objects;

/**
 * What a car needs to connect: its VIN (also the MQTT client id and user name) and its secret (the MQTT
 * password). {@link #toString()} masks the secret.
 */
public record VehicleCredentials(String vin, String secret) {

    public VehicleCredentials {
        Vins.requireValid(vin);
        Objects.requireNonNull(secret, "secret");
        if (secret.isBlank()) {
            throw new IllegalArgumentException("secret must not be blank [vin: " + vin + "]");
        }
    }

    @Override
    public String toString() {
        return "VehicleCredentials[vin=" + vin + ", secret=****]";
    }
}
