package dev.carlink.command.secrets;

import dev.carlink.command.secrets.UnreadableSecretException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * A secret encrypted under a key-encryption key with AES-256-GCM, as stored. Format version 1:
 *
 * <pre>
 * offset  bytes   field
 *  0       1      format version: 0x01
 *  1       4      KEK id ({@link KeyEncryptionKey#id()})
 *  5      12      nonce, random for each encryption
 * 17      n + 16  the ciphertext of the n-byte secret, then the 128-bit GCM tag
 * </pre>
 *
 * <p>The associated data is the 5-byte header followed by the UTF-8 of the secret's context, which names the row
 * and column it belongs to ({@code vehicles/<vin>/dtls_psk}, see {@link SecretColumn}): a ciphertext copied to
 * another row, or given another KEK id or version, does not decrypt. Random 96-bit nonces are safe for far more
 * encryptions under one KEK than a fleet makes (one per enrollment, secret rotation and signing key).
 */
final class Envelope {

    static final byte VERSION = 0x01;
    static final int HEADER_BYTES = 1 + KeyEncryptionKey.ID_BYTES;
    static final int NONCE_BYTES = 12;
    static final int TAG_BITS = 128;
    /** The shortest envelope: header, nonce and tag around an empty secret. */
    static final int MIN_BYTES = HEADER_BYTES + NONCE_BYTES + TAG_BITS / 8;

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private Envelope() {}

    static byte[] seal(KeyEncryptionKey kek, String context, byte[] secret, SecureRandom random) {
        byte[] out = new byte[HEADER_BYTES + NONCE_BYTES + secret.length + TAG_BITS / 8];
        out[0] = VERSION;
        System.arraycopy(kek.idBytes(), 0, out, 1, KeyEncryptionKey.ID_BYTES);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, HEADER_BYTES, NONCE_BYTES);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, kek.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(out, context));
            cipher.doFinal(secret, 0, secret.length, out, HEADER_BYTES + NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is missing from this JVM", e);
        }
        return out;
    }

    /**
     * The id of the KEK an envelope was sealed under.
     *
     * @throws UnreadableSecretException MALFORMED when it is not an envelope of a known version
     */
    static String kekId(String context, byte[] envelope) {
        if (envelope.length < MIN_BYTES) {
            throw new UnreadableSecretException(
                    Reason.MALFORMED,
                    null,
                    context + " is not an encrypted secret: " + envelope.length + " bytes is too short");
        }
        if (envelope[0] != VERSION) {
            throw new UnreadableSecretException(
                    Reason.MALFORMED,
                    null,
                    context + " is not an encrypted secret of a known format: version byte 0x"
                            + HexFormat.of().toHexDigits(envelope[0]));
        }
        return HexFormat.of().formatHex(envelope, 1, HEADER_BYTES);
    }

    /**
     * The secret, when {@code kek} decrypts {@code envelope} for {@code context}.
     *
     * @throws UnreadableSecretException MALFORMED, UNKNOWN_KEK when the envelope names another KEK, or
     *     NOT_AUTHENTIC when it was altered or belongs to another context
     */
    static byte[] open(KeyEncryptionKey kek, String context, byte[] envelope) {
        String id = kekId(context, envelope);
        if (!id.equals(kek.id())) {
            throw new UnreadableSecretException(
                    Reason.UNKNOWN_KEK, id, context + " is encrypted under KEK " + id + ", not under KEK " + kek.id());
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    kek.secretKey(),
                    new GCMParameterSpec(TAG_BITS, envelope, HEADER_BYTES, NONCE_BYTES));
            cipher.updateAAD(associatedData(envelope, context));
            int start = HEADER_BYTES + NONCE_BYTES;
            return cipher.doFinal(envelope, start, envelope.length - start);
        } catch (AEADBadTagException e) {
            throw new UnreadableSecretException(
                    Reason.NOT_AUTHENTIC,
                    id,
                    context + " does not decrypt under KEK " + id + ": it was altered, or copied from another row");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is missing from this JVM", e);
        }
    }

    private static byte[] associatedData(byte[] envelope, String context) {
        byte[] name = context.getBytes(StandardCharsets.UTF_8);
        byte[] aad = Arrays.copyOf(envelope, HEADER_BYTES + name.length);
        System.arraycopy(name, 0, aad, HEADER_BYTES, name.length);
        return aad;
    }
}
