package dev.carlink.command.signing;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Base64;

/**
 * A signing key as operators and cars see it: never the private half. {@code vehicles} counts the cars whose
 * newest trusted key it is (a key with cars on it should not be retired).
 */
public record SigningKeyView(
        String keyId, KeyState state, byte[] publicKey, Instant createdAt, Instant retiredAt, long vehicles) {

    /** Lifecycle of a key: ACTIVE signs; PREVIOUS signs only for cars that have not learned ACTIVE yet. */
    public enum KeyState {
        ACTIVE,
        PREVIOUS,
        RETIRED
    }

    /** What a car is given at enrollment and by the public key endpoint. */
    public JsonObject toPublicJson() {
        return new JsonObject()
                .put("keyId", keyId)
                .put("algorithm", "Ed25519")
                .put("publicKey", Base64.getEncoder().encodeToString(publicKey));
    }

    public JsonObject toAdminJson() {
        return toPublicJson()
                .put("state", state.name())
                .put("createdAt", createdAt.toString())
                .put("retiredAt", retiredAt == null ? null : retiredAt.toString())
                .put("vehicles", vehicles);
    }
}
