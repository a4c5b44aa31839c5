package dev.carlink.command.vehicle;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Secrets that passed the slow hash recently, so that a car reconnecting (a gateway restart, a tunnel, a reconnect
 * storm of the whole fleet) is not hashed again at 210,000 PBKDF2 iterations each time. Each entry is a salted
 * SHA-256 of the secret (secrets are random and long, so a fast hash does not make them guessable), kept for a
 * short time; rotating a car's secret forgets it at once. Only successes are remembered: a wrong secret always
 * costs the full hash. Thread-safe.
 */
final class VerifiedSecrets {

    /** How long a verified secret is remembered. */
    static final Duration TTL = Duration.ofMinutes(15);

    private record Entry(byte[] salt, byte[] digest, Instant until) {}

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    /** Per car, how many times its secret was rotated while this service ran. */
    private final Map<String, Long> rotations = new ConcurrentHashMap<>();

    private final Clock clock;

    VerifiedSecrets(Clock clock) {
        this.clock = clock;
    }

    /** Whether {@code secret} is the one verified for {@code vin} within the last {@link #TTL}. */
    boolean verified(String vin, String secret) {
        Entry entry = entries.get(vin);
        if (entry == null) {
            return false;
        }
        if (!clock.instant().isBefore(entry.until())) {
            entries.remove(vin, entry);
            return false;
        }
        return MessageDigest.isEqual(entry.digest(), digest(entry.salt(), secret));
    }

    /** Taken before reading the stored hash: {@link #remember} ignores a check that a rotation overtook. */
    long rotations(String vin) {
        return rotations.getOrDefault(vin, 0L);
    }

    /** Remembers a secret that matched the hash read when {@code rotationsBefore} was taken. */
    void remember(String vin, String secret, long rotationsBefore) {
        if (rotations(vin) != rotationsBefore) {
            return; // the secret was rotated while this check ran: what it matched is no longer the secret
        }
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        entries.put(vin, new Entry(salt, digest(salt, secret), clock.instant().plus(TTL)));
    }

    /** The car's secret is being rotated. */
    void forget(String vin) {
        rotations.merge(vin, 1L, Long::sum);
        entries.remove(vin);
    }

    private static byte[] digest(byte[] salt, String secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            return sha.digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
