package dev.carlink.command.secrets;

import dev.carlink.command.secrets.UnreadableSecretException.Reason;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The key-encryption keys of one instance: the current KEK, which encrypts every secret written, and previous
 * ones, which are only read (a KEK rotation: the next start re-encrypts what they encrypted, see {@link
 * SecretsAtRest}). Thread-safe.
 */
public final class KeyRing {

    private final KeyEncryptionKey current;
    private final Map<String, KeyEncryptionKey> byId = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /**
     * @throws IllegalArgumentException when two of the keys are the same (a previous KEK listed twice, or the
     *     current one listed as previous)
     */
    public KeyRing(KeyEncryptionKey current, List<KeyEncryptionKey> previous) {
        this.current = Objects.requireNonNull(current, "current");
        byId.put(current.id(), current);
        for (KeyEncryptionKey old : previous) {
            if (byId.putIfAbsent(old.id(), old) != null) {
                throw new IllegalArgumentException("KEK " + old.id()
                        + (old.id().equals(current.id())
                                ? " is the current KEK and listed as a previous one too"
                                : " is listed twice among the previous KEKs"));
            }
        }
    }

    /** A ring of one new random KEK (tests, tools). */
    public static KeyRing generate() {
        return new KeyRing(KeyEncryptionKey.generate(new SecureRandom()), List.of());
    }

    public KeyEncryptionKey current() {
        return current;
    }

    /** The ids of the previous KEKs, oldest configuration order. */
    public List<String> previousIds() {
        List<String> ids = new ArrayList<>(byId.keySet());
        ids.remove(current.id());
        return ids;
    }

    /** True when the KEK with this id is in the ring. */
    public boolean knows(String kekId) {
        return byId.containsKey(kekId);
    }

    /** {@code secret} encrypted under the current KEK for {@code context} (see {@link SecretColumn#context}). */
    public StoredSecret seal(String context, byte[] secret) {
        return new StoredSecret(Envelope.seal(current, context, secret, random), current.id());
    }

    /**
     * The secret a stored value holds: decrypted with the KEK its header names, or as it is when it was stored
     * in clear (by a version before encryption at rest).
     *
     * @throws UnreadableSecretException when no KEK of the ring decrypts it
     */
    public byte[] open(String context, StoredSecret stored) {
        if (stored.inClear()) {
            return stored.value().clone();
        }
        String id = Envelope.kekId(context, stored.value());
        KeyEncryptionKey kek = byId.get(id);
        if (kek == null) {
            throw new UnreadableSecretException(
                    Reason.UNKNOWN_KEK, id, context + " is encrypted under KEK " + id + ", which is not configured");
        }
        return Envelope.open(kek, context, stored.value());
    }

    @Override
    public String toString() {
        return "KeyRing[current=" + current.id() + ", previous=" + previousIds() + "]";
    }
}
