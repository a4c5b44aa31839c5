package dev.carlink.command.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * A key-encryption key (KEK): 32 random bytes, the AES-256 key that encrypts the secrets the command store keeps
 * (the signing private keys, the cars' DTLS keys). Its id is derived from the key, the first 4 bytes of
 * HMAC-SHA256 keyed with it over {@value #ID_LABEL}: it travels in every ciphertext and names the key in logs and
 * messages, needs no configuring, and tells nothing about the key. {@link #toString()} shows the id only.
 */
public final class KeyEncryptionKey {

    /** Length of a KEK, in bytes. */
    public static final int BYTES = 32;

    /** Length of a KEK id, in bytes (8 hex digits as text). */
    static final int ID_BYTES = 4;

    private static final String ID_LABEL = "carlink kek id v1";
    private static final String EXPECTED = "the base64 of " + BYTES + " random bytes (e.g. `openssl rand -base64 32`)";

    private final SecretKey key;
    private final byte[] idBytes;
    private final String id;

    private KeyEncryptionKey(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal(ID_LABEL.getBytes(StandardCharsets.UTF_8));
            this.idBytes = java.util.Arrays.copyOf(digest, ID_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
        this.id = HexFormat.of().formatHex(idBytes);
    }

    /**
     * A KEK from its base64 text (surrounding white space ignored, so a file's trailing newline is fine).
     *
     * @throws IllegalArgumentException when the text is not base64 or not 32 bytes; the message never holds the text
     */
    public static KeyEncryptionKey fromBase64(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("must be " + EXPECTED + ", was empty");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be " + EXPECTED + ", was not base64");
        }
        if (key.length != BYTES) {
            throw new IllegalArgumentException("must be " + EXPECTED + ", was " + key.length + " bytes");
        }
        return new KeyEncryptionKey(key);
    }

    /** A new random KEK. */
    public static KeyEncryptionKey generate(SecureRandom random) {
        byte[] key = new byte[BYTES];
        random.nextBytes(key);
        return new KeyEncryptionKey(key);
    }

    /** The key as base64 text, to be written where it is kept (never to a log). */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** The id: 8 lower-case hex digits. */
    public String id() {
        return id;
    }

    byte[] idBytes() {
        return idBytes.clone();
    }

    SecretKey secretKey() {
        return key;
    }

    @Override
    public String toString() {
        return "KeyEncryptionKey[id=" + id + "]";
    }
}
