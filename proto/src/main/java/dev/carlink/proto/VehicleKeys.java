package dev.carlink.proto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keys a car derives from its vehicle secret, the same way on the car and in the backend.
 *
 * <p>The DTLS pre-shared key (CoAP over DTLS, identity = VIN) is the lower-case hex text of HMAC-SHA256 keyed
 * with the secret's UTF-8 bytes over the label {@value #DTLS_PSK_LABEL}, used as its 64 ASCII bytes: 256 bits of
 * key that tools taking a PSK as text (libcoap's {@code coap-client -k}) can be given. The backend stores this
 * key, not the secret (the secret itself is kept only as a slow hash), so a DTLS handshake needs no password
 * hashing; rotating the secret rotates the key.
 */
public final class VehicleKeys {

    /** The label the DTLS key is derived over; a new label means a new key for every car. */
    public static final String DTLS_PSK_LABEL = "carlink dtls psk v1";

    /** Length of the DTLS pre-shared key, in bytes. */
    public static final int DTLS_PSK_BYTES = 64;

    private VehicleKeys() {}

    /**
     * The car's DTLS pre-shared key.
     *
     * @throws IllegalArgumentException when {@code secret} is null or empty
     */
    public static byte[] dtlsPsk(String secret) {
        return dtlsPskText(secret).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The car's DTLS pre-shared key as the text it is made of (what {@code coap-client -k} takes).
     *
     * @throws IllegalArgumentException when {@code secret} is null or empty
     */
    public static String dtlsPskText(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("secret must not be empty");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(DTLS_PSK_LABEL.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
