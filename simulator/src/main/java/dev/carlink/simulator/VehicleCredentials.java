package dev.carlink.simulator;

import dev.carlink.proto.v1.SigningKey;
import java.util.List;
import java.util.Objects;

/**
 * What a car needs to connect and to trust its commands: its VIN (also the MQTT client id and user name), its
 * secret (the MQTT password) and the backend's public signing keys it was provisioned with. {@link
 * #toString()} masks the secret.
 */
public record VehicleCredentials(String vin, String secret, List<SigningKey> signingKeys) {

    public VehicleCredentials {
        Vins.requireValid(vin);
        Objects.requireNonNull(secret, "secret");
        if (secret.isBlank()) {
            throw new IllegalArgumentException("secret must not be blank [vin: " + vin + "]");
        }
        signingKeys = List.copyOf(signingKeys);
    }

    /** Credentials without signing keys: the car will refuse every command (UNKNOWN_SIGNING_KEY). */
    public VehicleCredentials(String vin, String secret) {
        this(vin, secret, List.of());
    }

    @Override
    public String toString() {
        return "VehicleCredentials[vin=" + vin + ", secret=****, signingKeys=" + signingKeys.size() + "]";
    }
}
