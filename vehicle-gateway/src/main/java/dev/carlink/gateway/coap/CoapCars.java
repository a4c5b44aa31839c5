package dev.carlink.gateway.coap;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cars with a CoAP session on this gateway: login tokens and, per car, its {@link CoapCar}. Thread-safe:
 * Californium's threads and the Vert.x event loop both use it.
 */
final class CoapCars {

    /** A login: the token a car puts in its requests, valid until {@code expiresAt}. */
    record Session(String token, String vin, Instant expiresAt) {}

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ConcurrentHashMap<String, Session> byToken = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CoapCar> byVin = new ConcurrentHashMap<>();
    /** Per car, when its newest session expires: whether it still has one, without scanning the tokens. */
    private final ConcurrentHashMap<String, Instant> sessionUntil = new ConcurrentHashMap<>();
    /** Per car, its tokens, oldest first. */
    private final ConcurrentHashMap<String, java.util.Deque<String>> tokensByVin = new ConcurrentHashMap<>();

    /** Logins a car may hold at once (a head unit, plus a few it did not know it lost). */
    static final int MAX_SESSIONS_PER_CAR = 4;

    private final Duration sessionTtl;
    private final Clock clock;

    CoapCars(Duration sessionTtl, Clock clock) {
        this.sessionTtl = sessionTtl;
        this.clock = clock;
    }

    /**
     * A new session for {@code vin}. Its earlier ones stay valid until they expire, but a car keeps at most {@value
     * #MAX_SESSIONS_PER_CAR}: a new login ends its oldest, so logging in over and over does not grow memory.
     */
    Session open(String vin, java.util.function.Function<String, CoapCar> newCar) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        Session session = new Session(
                HexFormat.of().formatHex(bytes), vin, clock.instant().plus(sessionTtl));
        byToken.put(session.token(), session);
        java.util.Deque<String> tokens = tokensByVin.computeIfAbsent(vin, v -> new java.util.ArrayDeque<>());
        synchronized (tokens) {
            tokens.addLast(session.token());
            while (tokens.size() > MAX_SESSIONS_PER_CAR) {
                byToken.remove(tokens.removeFirst());
            }
        }
        sessionUntil.merge(vin, session.expiresAt(), (a, b) -> a.isAfter(b) ? a : b);
        byVin.computeIfAbsent(vin, newCar);
        return session;
    }

    /**
     * The state of a car that spoke over DTLS (its handshake authenticated it): made if new, and kept for a
     * session's lifetime from now, as a login would be.
     */
    CoapCar secured(String vin, java.util.function.Function<String, CoapCar> newCar) {
        Instant until = clock.instant().plus(sessionTtl);
        sessionUntil.merge(vin, until, (a, b) -> a.isAfter(b) ? a : b);
        return byVin.computeIfAbsent(vin, newCar);
    }

    /** The car a token is for, while it is valid. */
    Optional<String> vinOf(String token) {
        Session session = token == null ? null : byToken.get(token);
        if (session == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(session.expiresAt())) {
            byToken.remove(token, session);
            return Optional.empty();
        }
        return Optional.of(session.vin());
    }

    /** The car's state, if it logged in on this gateway. */
    Optional<CoapCar> car(String vin) {
        return Optional.ofNullable(byVin.get(vin));
    }

    Collection<CoapCar> cars() {
        return byVin.values();
    }

    /**
     * The car's credentials were revoked: its login tokens stop working at once and its session time ends, so it is
     * forgotten at the next sweep once offline. Returns how many tokens were dropped.
     */
    int revoke(String vin) {
        int dropped = 0;
        java.util.Deque<String> tokens = tokensByVin.remove(vin);
        if (tokens != null) {
            synchronized (tokens) {
                for (String token : tokens) {
                    dropped += byToken.remove(token) == null ? 0 : 1;
                }
            }
        }
        sessionUntil.remove(vin);
        return dropped;
    }

    /** Forgets expired tokens; returns how many. */
    int expireSessions() {
        Instant now = clock.instant();
        int before = byToken.size();
        byToken.values().removeIf(s -> !now.isBefore(s.expiresAt()));
        return before - byToken.size();
    }

    /** Forgets a car that has no valid session and is offline. */
    void forgetIdle(CoapCar car) {
        Instant until = sessionUntil.get(car.vin());
        if ((until == null || !clock.instant().isBefore(until)) && !car.online()) {
            byVin.remove(car.vin(), car);
            sessionUntil.remove(car.vin(), until);
            tokensByVin.remove(car.vin());
        }
    }

    int sessions() {
        return byToken.size();
    }
}
