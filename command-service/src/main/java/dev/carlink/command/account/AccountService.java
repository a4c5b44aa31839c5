package dev.carlink.command.account;

import dev.carlink.command.CommandServiceConfig.BootstrapUser;
import dev.carlink.command.store.Db;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logins, bearer tokens and their end, and the accounts created at start. */
public final class AccountService {

    /**
     * Published (to every command-service instance) when sessions end before they expire: {@code userId}, and
     * {@code tokenSha256} when one session ended, absent when all of the account's did. Whatever a session keeps
     * open, such as a live stream, ends with it.
     */
    public static final String SESSIONS_ENDED_ADDRESS = "carlink.account.sessions-ended";

    private static final Logger log = LoggerFactory.getLogger(AccountService.class);

    /** A successful login. */
    public record Login(String token, Instant expiresAt, Principal principal) {
        @Override
        public String toString() {
            return "Login[" + principal + ", expiresAt=" + expiresAt + ", token=****]";
        }
    }

    /** A valid session: whose it is, the digest of its token (never the token), and when it expires. */
    public record Session(Principal principal, String tokenSha256, Instant expiresAt) {}

    private final Vertx vertx;
    private final Db db;
    private final PasswordHasher hasher;
    private final Duration tokenTtl;
    private final Clock clock;
    private final AccountRepository repository = new AccountRepository();
    private final SecureRandom random = new SecureRandom();
    /** Verifying against this keeps unknown usernames as slow as wrong passwords. */
    private final String decoyHash;

    public AccountService(Vertx vertx, Db db, PasswordHasher hasher, Duration tokenTtl, Clock clock) {
        this.vertx = vertx;
        this.db = db;
        this.hasher = hasher;
        this.tokenTtl = tokenTtl;
        this.clock = clock;
        this.decoyHash = hasher.hash("decoy-password-never-matches");
    }

    /** Creates each bootstrap account whose username is still free; never changes an existing one. */
    public Future<Void> bootstrap(List<BootstrapUser> users) {
        return db.tx(c -> {
            for (BootstrapUser user : users) {
                boolean created = repository.insertUserIfAbsent(
                        c,
                        user.username(),
                        hasher.hash(user.password()),
                        Role.valueOf(user.role()),
                        user.displayName(),
                        clock.instant());
                if (created) {
                    log.info("created account [username: {}, role: {}]", user.username(), user.role());
                }
            }
            return null;
        });
    }

    /** Empty when the username or password is wrong (the caller cannot tell which). */
    public Future<Optional<Login>> login(String username, String password) {
        return db.tx(c -> repository.findUser(c, username)).compose(user -> db.offLoop(() -> hasher.matches(
                        password,
                        user.map(AccountRepository.StoredUser::passwordHash).orElse(decoyHash)))
                .compose(matches -> user.isPresent() && matches
                        ? openSession(user.get()).map(Optional::of)
                        : Future.succeededFuture(Optional.<Login>empty())));
    }

    private Future<Login> openSession(AccountRepository.StoredUser user) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        Instant expiresAt = now.plus(tokenTtl);
        return db.tx(c -> {
            repository.insertSession(c, sha256(token), user.id(), now, expiresAt);
            repository.deleteExpiredSessions(c, now);
            return new Login(token, expiresAt, new Principal(user.id(), user.username(), user.role()));
        });
    }

    /**
     * Whether {@code password} is the account's: the re-confirmation an irreversible request asks for. False when
     * the account no longer exists; as slow either way.
     */
    public Future<Boolean> passwordMatches(long userId, String password) {
        return db.read(c -> repository.findPasswordHash(c, userId))
                .compose(
                        hash -> db.offLoop(() -> hasher.matches(password, hash.orElse(decoyHash)) && hash.isPresent()));
    }

    /** The session of a valid, unexpired token. */
    public Future<Optional<Session>> authenticate(String token) {
        String digest = sha256(token);
        return db.read(c -> repository.findSession(c, digest, clock.instant()));
    }

    /**
     * Signs out: ends {@code session}, or with {@code everywhere} every session of its account (a lost phone), at
     * once on every instance. Completes with the number of sessions ended.
     */
    public Future<Integer> logout(Session session, boolean everywhere) {
        long userId = session.principal().userId();
        return db.tx(c -> everywhere
                        ? repository.deleteSessionsOf(c, userId)
                        : repository.deleteSession(c, session.tokenSha256()))
                .onSuccess(ended -> {
                    announceEnded(userId, everywhere ? null : session.tokenSha256());
                    log.info(
                            "signed out [user: {}, everywhere: {}, sessions ended: {}]",
                            session.principal().username(),
                            everywhere,
                            ended);
                });
    }

    /** Tells every instance that the sessions of an account ended (all of them when the digest is null). */
    public void announceEnded(long userId, String tokenSha256) {
        JsonObject ended = new JsonObject().put("userId", userId);
        if (tokenSha256 != null) {
            ended.put("tokenSha256", tokenSha256);
        }
        vertx.eventBus().publish(SESSIONS_ENDED_ADDRESS, ended);
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
