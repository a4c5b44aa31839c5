package dev.carlink.command.signing;

import dev.carlink.command.secrets.KeyRing;
import dev.carlink.command.secrets.SecretColumn;
import dev.carlink.command.secrets.StoredSecret;
import dev.carlink.command.signing.SigningKeyView.KeyState;
import dev.carlink.command.store.Db;
import dev.carlink.proto.CommandSignatures;
import io.vertx.core.Future;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend's signing keys: one ACTIVE key is created at first start; rotation makes a new ACTIVE key and
 * keeps the old one as PREVIOUS (it still signs, announcing the new key, for cars that have not learned it);
 * retiring a PREVIOUS key ends its use. Private keys are stored encrypted under the key ring's current KEK.
 * Safe with several instances on one database.
 */
public final class SigningKeys {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    private static final DateTimeFormatter KEY_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    /** Why a retirement was refused. */
    public enum RetireRefusal {
        NOT_FOUND,
        /** Only a PREVIOUS key can be retired; the active one must be rotated away first. */
        NOT_PREVIOUS,
        /** Cars still trust only this key; retiring it would leave them unable to accept commands. */
        IN_USE
    }

    /** A retirement's outcome: the refusal, and how many cars still depend on the key. */
    public record RetireResult(Optional<RetireRefusal> refusal, long vehiclesOnKey) {}

    private final Db db;
    private final KeyRing keyRing;
    private final Clock clock;
    private final SigningKeyRepository repository = new SigningKeyRepository();
    private final SecureRandom random = new SecureRandom();

    public SigningKeys(Db db, KeyRing keyRing, Clock clock) {
        this.db = db;
        this.keyRing = keyRing;
        this.clock = clock;
    }

    /** Creates the first active key if there is none (at start; concurrent starts agree on one). */
    public Future<String> ensureActive() {
        return db.tx(c -> {
            Optional<String> active = repository.activeKeyId(c);
            if (active.isPresent()) {
                return active.get();
            }
            String keyId = newKeyId();
            KeyPair pair = CommandSignatures.newKeyPair();
            if (repository.insertActiveIfNone(
                    c, keyId, pair.getPublic().getEncoded(), sealed(keyId, pair), clock.instant())) {
                log.info("created the first command signing key [keyId: {}]", keyId);
                return keyId;
            }
            return repository.activeKeyId(c).orElseThrow();
        });
    }

    /** A new active key; the old one becomes PREVIOUS. Returns the new key. */
    public Future<SigningKeyView> rotate() {
        return db.tx(c -> {
            repository.lockKeys(c);
            repository.demoteActive(c);
            String keyId = newKeyId();
            KeyPair pair = CommandSignatures.newKeyPair();
            repository.insertActiveIfNone(
                    c, keyId, pair.getPublic().getEncoded(), sealed(keyId, pair), clock.instant());
            log.info("rotated the command signing key [newKeyId: {}]", keyId);
            return find(c, keyId);
        });
    }

    /** Retires a PREVIOUS key; refused while cars still trust only it, unless {@code force}. */
    public Future<RetireResult> retire(String keyId, boolean force) {
        return db.tx(c -> {
            repository.lockKeys(c);
            Optional<SigningKeyView> key = repository.list(c).stream()
                    .filter(k -> k.keyId().equals(keyId))
                    .findFirst();
            if (key.isEmpty()) {
                return new RetireResult(Optional.of(RetireRefusal.NOT_FOUND), 0);
            }
            if (key.get().state() != KeyState.PREVIOUS) {
                return new RetireResult(
                        Optional.of(RetireRefusal.NOT_PREVIOUS), key.get().vehicles());
            }
            if (key.get().vehicles() > 0 && !force) {
                return new RetireResult(
                        Optional.of(RetireRefusal.IN_USE), key.get().vehicles());
            }
            repository.retire(c, keyId, clock.instant());
            log.warn(
                    "retired a command signing key [keyId: {}, vehiclesStillOnIt: {}]",
                    keyId,
                    key.get().vehicles());
            return new RetireResult(Optional.empty(), key.get().vehicles());
        });
    }

    public Future<List<SigningKeyView>> list() {
        return db.tx(repository::list);
    }

    /** Public halves of the keys that still sign (ACTIVE first): what a car may trust. */
    public Future<List<SigningKeyView>> publicKeys() {
        return db.tx(c -> repository.list(c).stream()
                .filter(k -> k.state() != KeyState.RETIRED)
                .toList());
    }

    /** In the caller's transaction: the car (just enrolled or re-provisioned) trusts the active key. */
    public List<SigningKeyView> provision(Connection c, String vin) throws SQLException {
        repository.trustActive(c, vin);
        return repository.list(c).stream()
                .filter(k -> k.state() == KeyState.ACTIVE)
                .toList();
    }

    private SigningKeyView find(Connection c, String keyId) throws SQLException {
        return repository.list(c).stream()
                .filter(k -> k.keyId().equals(keyId))
                .findFirst()
                .orElseThrow();
    }

    /** The private half, encrypted for its row. */
    private StoredSecret sealed(String keyId, KeyPair pair) {
        byte[] pkcs8 = pair.getPrivate().getEncoded();
        try {
            return keyRing.seal(SecretColumn.SIGNING_PRIVATE_KEY.context(keyId), pkcs8);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    private String newKeyId() {
        byte[] suffix = new byte[3];
        random.nextBytes(suffix);
        return "k" + KEY_DATE.format(clock.instant()) + "-" + HexFormat.of().formatHex(suffix);
    }
}
