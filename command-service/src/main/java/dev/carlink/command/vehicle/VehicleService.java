package dev.carlink.command.vehicle;

import dev.carlink.command.account.PasswordHasher;
import dev.carlink.command.account.Principal;
import dev.carlink.command.secrets.KeyRing;
import dev.carlink.command.secrets.SecretColumn;
import dev.carlink.command.secrets.StoredSecret;
import dev.carlink.command.secrets.UnreadableSecretException;
import dev.carlink.command.signing.SigningKeyView;
import dev.carlink.command.signing.SigningKeys;
import dev.carlink.command.store.Db;
import dev.carlink.proto.VehicleKeys;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The vehicle registry: enrollment, secrets, ownership and presence. */
public final class VehicleService {

    private static final Logger log = LoggerFactory.getLogger(VehicleService.class);

    /**
     * Event-bus address (published cluster-wide, so that every instance's streams hear it) that hears a VIN (a String) each time what {@link VehicleView#presence} says of
     * that car may have changed: it connected, went away or announced its sleep.
     */
    public static final String PRESENCE_ADDRESS = "carlink.vehicles.presence-changed";

    /** The cars announced since a presence resync began; null when none is running. */
    private volatile Set<String> announced;

    /**
     * Outcome of enrollment or secret rotation; the secret is shown once and never stored in clear. {@code
     * signingKeys} are the public keys the car must trust to verify its commands.
     */
    public record Enrolled(String vin, String owner, String secret, List<SigningKeyView> signingKeys) {
        @Override
        public String toString() {
            return "Enrolled[" + vin + ", owner=" + owner + ", secret=****]";
        }
    }

    /** Why enrollment failed. */
    public enum EnrollFailure {
        UNKNOWN_OWNER,
        ALREADY_ENROLLED
    }

    /** Either an enrollment or why not. */
    public record EnrollResult(Optional<Enrolled> enrolled, Optional<EnrollFailure> failure) {}

    /** Result of checking a car's credentials. */
    public enum AuthOutcome {
        AUTHENTICATED,
        UNKNOWN_VIN,
        BAD_SECRET
    }

    /** What a principal may do with a car. */
    public enum Access {
        /** The car is the principal's, or the principal is staff. */
        GRANTED,
        /** The car exists but is someone else's. */
        FORBIDDEN,
        /** No such car (staff only; owners get FORBIDDEN so VINs cannot be probed). */
        NOT_FOUND
    }

    private final Db db;
    private final SigningKeys signingKeys;
    private final PasswordHasher hasher;
    private final KeyRing keyRing;
    private final Clock clock;
    private final VehicleRepository repository = new VehicleRepository();
    private final String decoyHash;
    private final VerifiedSecrets verifiedSecrets;

    public VehicleService(Db db, SigningKeys signingKeys, PasswordHasher hasher, KeyRing keyRing, Clock clock) {
        this.db = db;
        this.signingKeys = signingKeys;
        this.hasher = hasher;
        this.keyRing = keyRing;
        this.clock = clock;
        this.decoyHash = hasher.hash("decoy-secret-never-matches");
        this.verifiedSecrets = new VerifiedSecrets(clock);
    }

    public Future<EnrollResult> enroll(Vin vin, String ownerUsername, String name) {
        return db.tx(c -> {
            OptionalLong ownerId = repository.findOwnerId(c, ownerUsername);
            if (ownerId.isEmpty()) {
                return new EnrollResult(Optional.empty(), Optional.of(EnrollFailure.UNKNOWN_OWNER));
            }
            String secret = hasher.newSecret();
            boolean inserted = repository.insert(
                    c,
                    vin.value(),
                    ownerId.getAsLong(),
                    name,
                    hasher.hash(secret),
                    sealedDtlsPsk(vin.value(), secret),
                    clock.instant());
            if (!inserted) {
                return new EnrollResult(Optional.empty(), Optional.of(EnrollFailure.ALREADY_ENROLLED));
            }
            List<SigningKeyView> keys = signingKeys.provision(c, vin.value());
            log.info("enrolled vehicle [vin: {}, owner: {}]", vin, ownerUsername);
            return new EnrollResult(
                    Optional.of(new Enrolled(vin.value(), ownerUsername, secret, keys)), Optional.empty());
        });
    }

    /**
     * Re-provisions an enrolled car: a new secret, and the active signing key as the one it trusts. Empty
     * when the VIN is not enrolled.
     */
    public Future<Optional<Enrolled>> rotateSecret(Vin vin) {
        return db.tx(c -> {
            Optional<VehicleView> vehicle = repository.find(c, vin.value());
            if (vehicle.isEmpty()) {
                return Optional.<Enrolled>empty();
            }
            String secret = hasher.newSecret();
            repository.updateSecret(c, vin.value(), hasher.hash(secret), sealedDtlsPsk(vin.value(), secret));
            verifiedSecrets.forget(vin.value());
            List<SigningKeyView> keys = signingKeys.provision(c, vin.value());
            log.info("rotated vehicle secret [vin: {}]", vin);
            return Optional.of(new Enrolled(vin.value(), vehicle.get().owner(), secret, keys));
        });
    }

    /**
     * The car was unenrolled (its row deleted): a secret verified for it before is not accepted again from memory.
     * Each instance calls this when it hears the revocation.
     */
    public void forgetVerifiedSecret(String vin) {
        verifiedSecrets.forget(vin);
    }

    /** A car whose client certificate the gateway verified: it only has to be enrolled. */
    public Future<AuthOutcome> authenticateByCertificate(String vin) {
        return find(vin).map(vehicle -> vehicle.isPresent() ? AuthOutcome.AUTHENTICATED : AuthOutcome.UNKNOWN_VIN);
    }

    /**
     * Checks a car's secret against its slow hash; a secret verified within the last minutes is recognised without
     * hashing again ({@link VerifiedSecrets}), which is what lets a whole fleet reconnect after a gateway restart.
     */
    public Future<AuthOutcome> authenticate(String vin, String secret) {
        if (verifiedSecrets.verified(vin, secret)) {
            return Future.succeededFuture(AuthOutcome.AUTHENTICATED);
        }
        long rotations = verifiedSecrets.rotations(vin);
        return db.tx(c -> repository.findSecretHash(c, vin))
                .compose(stored -> db.offLoop(() -> {
                    boolean matches = hasher.matches(secret, stored.orElse(decoyHash));
                    if (stored.isEmpty()) {
                        return AuthOutcome.UNKNOWN_VIN;
                    }
                    if (matches) {
                        verifiedSecrets.remember(vin, secret, rotations);
                    }
                    return matches ? AuthOutcome.AUTHENTICATED : AuthOutcome.BAD_SECRET;
                }));
    }

    /**
     * The car's DTLS pre-shared key, when it has one (see {@link VehicleKeys}). A stored key that does not decrypt
     * (altered in the database, or under a KEK this instance lacks) is none: the car's handshakes fail, and its
     * DTLS sessions go on only once the KEK is configured or the car's secret is rotated.
     */
    public Future<Optional<byte[]>> dtlsPsk(String vin) {
        return db.read(c -> repository.findDtlsPsk(c, vin))
                .map(stored -> stored.flatMap(psk -> {
                    try {
                        return Optional.of(keyRing.open(SecretColumn.DTLS_PSK.context(vin), psk));
                    } catch (UnreadableSecretException e) {
                        log.warn(
                                "a car's DTLS key cannot be decrypted, so its DTLS handshakes fail [vin: {}, reason: {}]",
                                vin,
                                e.getMessage());
                        return Optional.empty();
                    }
                }));
    }

    /** The DTLS key derived from a new secret, encrypted for the car's row. */
    private StoredSecret sealedDtlsPsk(String vin, String secret) {
        byte[] psk = VehicleKeys.dtlsPsk(secret);
        try {
            return keyRing.seal(SecretColumn.DTLS_PSK.context(vin), psk);
        } finally {
            Arrays.fill(psk, (byte) 0);
        }
    }

    public Future<List<VehicleView>> visibleTo(Principal principal) {
        return db.tx(c ->
                principal.role().isStaff() ? repository.listAll(c) : repository.listByOwner(c, principal.userId()));
    }

    public Future<Optional<VehicleView>> find(String vin) {
        return db.read(c -> repository.find(c, vin));
    }

    /** Reading a car's data: owners their own cars, staff any car. */
    public Future<Access> readAccess(Principal principal, String vin) {
        return find(vin).map(vehicle -> {
            if (vehicle.isEmpty()) {
                return principal.role().isStaff() ? Access.NOT_FOUND : Access.FORBIDDEN;
            }
            return principal.role().isStaff() || vehicle.get().owner().equals(principal.username())
                    ? Access.GRANTED
                    : Access.FORBIDDEN;
        });
    }

    /** Commanding a car: only its owner. */
    public Future<Access> commandAccess(Principal principal, String vin) {
        return find(vin).map(vehicle -> {
            if (vehicle.isEmpty()) {
                return principal.role().isStaff() ? Access.NOT_FOUND : Access.FORBIDDEN;
            }
            return vehicle.get().owner().equals(principal.username()) ? Access.GRANTED : Access.FORBIDDEN;
        });
    }

    /**
     * Records, in the caller's transaction, that the car goes to sleep (as the backend received it at {@code
     * since}) and will connect again by {@code checkInBy}. False when a newer announcement is already recorded.
     */
    public boolean recordSleep(Connection c, String vin, Instant since, Instant checkInBy) throws SQLException {
        return repository.recordSleep(c, vin, since, checkInBy);
    }

    public Future<Boolean> updatePresence(String vin, boolean online, String protocol, Instant at, boolean resync) {
        Set<String> seen = announced;
        if (seen != null) {
            seen.add(vin);
        }
        return db.tx(c -> repository.updatePresence(c, vin, online, protocol, at, resync));
    }

    /**
     * Starts learning who is connected: from now on every presence announcement is remembered until {@link
     * #finishPresenceResync()}. The caller then asks the gateways to announce their cars again.
     */
    public void beginPresenceResync() {
        announced = ConcurrentHashMap.newKeySet();
    }

    /**
     * Ends a resync: a car recorded online that no gateway announced since it began is offline (its gateway went
     * away with the previous run, or it left unheard). Returns the VINs it marked offline.
     */
    public Future<List<String>> finishPresenceResync() {
        Set<String> seen = announced;
        announced = null;
        if (seen == null) {
            return Future.succeededFuture(List.of());
        }
        return db.tx(c -> repository.markOfflineExcept(c, Set.copyOf(seen), clock.instant()));
    }
}
