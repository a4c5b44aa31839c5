package dev.carlink.command.signing;

import com.google.protobuf.ByteString;
import dev.carlink.command.secrets.KeyRing;
import dev.carlink.command.secrets.SecretColumn;
import dev.carlink.command.signing.SigningKeyRepository.SigningSlot;
import dev.carlink.command.signing.SigningKeyRepository.StoredKey;
import dev.carlink.command.signing.SigningKeyView.KeyState;
import dev.carlink.proto.CommandSignatures;
import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.SignedCommand;
import dev.carlink.proto.v1.SigningKey;
import java.security.PrivateKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signs a command at the moment it is sent: takes the car's next counter, sets the signature's short
 * validity, picks the key the car trusts and, when that is not the active key, announces the active key so
 * the car learns it (rotation without re-enrollment). Private keys are read from the database once, decrypted
 * with the key ring, and kept in memory.
 */
public final class CommandSigner {

    private final SigningKeyRepository repository = new SigningKeyRepository();
    private final Map<String, PrivateKey> privateKeys = new ConcurrentHashMap<>();
    private final Map<String, SigningKey> publicKeys = new ConcurrentHashMap<>();
    private final Duration validity;
    private final KeyRing keyRing;
    private final Clock clock;

    public CommandSigner(Duration validity, KeyRing keyRing, Clock clock) {
        this.validity = validity;
        this.keyRing = keyRing;
        this.clock = clock;
    }

    /**
     * Signs {@code unsigned} (id, VIN, action and deadlines set) for its car inside the caller's transaction.
     *
     * @throws SigningKeyRetiredException when the car trusts only a retired key
     * @throws IllegalStateException when the car is not enrolled or no key is active
     */
    public SignedCommand sign(Connection c, Command.Builder unsigned) throws SQLException {
        String vin = unsigned.getVin();
        SigningSlot slot = repository
                .nextSlot(c, vin)
                .orElseThrow(() -> new IllegalStateException("vehicle " + vin + " is not enrolled"));
        if (slot.activeKeyId() == null) {
            throw new IllegalStateException("no active signing key");
        }
        String signingKeyId;
        if (slot.trustedKeyId() == null || slot.trustedKeyId().equals(slot.activeKeyId())) {
            signingKeyId = slot.activeKeyId();
        } else if (slot.trustedKeyState() == KeyState.PREVIOUS) {
            signingKeyId = slot.trustedKeyId();
            unsigned.setAnnouncedKey(publicKey(c, slot.activeKeyId()));
        } else {
            throw new SigningKeyRetiredException(vin, slot.trustedKeyId());
        }
        byte[] bytes = unsigned.setCounter(slot.counter())
                .setValidUntilMs(clock.millis() + validity.toMillis())
                .build()
                .toByteArray();
        return SignedCommand.newBuilder()
                .setCommand(ByteString.copyFrom(bytes))
                .setKeyId(signingKeyId)
                .setSignature(ByteString.copyFrom(CommandSignatures.sign(privateKey(c, signingKeyId), bytes)))
                .build();
    }

    /**
     * In the caller's transaction: the newest key the car says it trusts (from its command results). Only a
     * key the backend still signs with is recorded. True when it changed.
     */
    public boolean recordTrusted(Connection c, String vin, String keyId) throws SQLException {
        return repository.recordTrusted(c, vin, keyId);
    }

    private PrivateKey privateKey(Connection c, String keyId) throws SQLException {
        PrivateKey cached = privateKeys.get(keyId);
        if (cached != null) {
            return cached;
        }
        StoredKey stored = load(c, keyId);
        byte[] pkcs8 = keyRing.open(SecretColumn.SIGNING_PRIVATE_KEY.context(keyId), stored.privateKey());
        try {
            PrivateKey key = CommandSignatures.privateKey(pkcs8);
            privateKeys.put(keyId, key);
            return key;
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    private SigningKey publicKey(Connection c, String keyId) throws SQLException {
        SigningKey cached = publicKeys.get(keyId);
        if (cached != null) {
            return cached;
        }
        StoredKey stored = load(c, keyId);
        SigningKey key = SigningKey.newBuilder()
                .setKeyId(keyId)
                .setPublicKey(ByteString.copyFrom(stored.publicKey()))
                .build();
        publicKeys.put(keyId, key);
        return key;
    }

    private StoredKey load(Connection c, String keyId) throws SQLException {
        return repository.find(c, keyId).orElseThrow(() -> new IllegalStateException("no signing key " + keyId));
    }
}
