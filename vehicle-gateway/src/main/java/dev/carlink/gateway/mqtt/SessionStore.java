package dev.carlink.gateway.mqtt;

import io.vertx.core.buffer.Buffer;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Persistent MQTT sessions of cars that are away: what a car asked to keep (clean start off, a session expiry) when
 * its connection ended, until it comes back or the session expires. A session is its subscriptions and the
 * commands sent to it and not acknowledged, under their packet ids, which are sent again (DUP) when the car
 * resumes. Kept in this gateway's memory: a car that comes back to another instance starts a new session and gets
 * its pending commands from the command-service instead. Changed on the gateway's event loop; the map is
 * concurrent only so metrics can read its size.
 */
final class SessionStore {

    /** A command sent to the car and not acknowledged: its id, its signing key and the exact bytes published. */
    record InFlight(String commandId, String keyId, Buffer body) {}

    /** What a session keeps while its car is away. */
    record Saved(Set<TopicKind> subscriptions, Map<Integer, InFlight> inFlight, int lastPacketId, long expiresAtMs) {
        Saved {
            subscriptions = subscriptions.isEmpty() ? EnumSet.noneOf(TopicKind.class) : EnumSet.copyOf(subscriptions);
            inFlight = new LinkedHashMap<>(inFlight);
        }
    }

    private final Map<String, Saved> sessions = new ConcurrentHashMap<>();

    void save(String vin, Saved saved) {
        sessions.put(vin, saved);
    }

    /** The car's saved session, removed from the store, if it has one that has not expired at {@code nowMs}. */
    Optional<Saved> take(String vin, long nowMs) {
        Saved saved = sessions.remove(vin);
        return saved == null || saved.expiresAtMs() <= nowMs ? Optional.empty() : Optional.of(saved);
    }

    /** Forgets the car's saved session (a clean start). */
    void discard(String vin) {
        sessions.remove(vin);
    }

    /** Forgets expired sessions; returns how many. */
    int expire(long nowMs) {
        int before = sessions.size();
        sessions.values().removeIf(saved -> saved.expiresAtMs() <= nowMs);
        return before - sessions.size();
    }

    int size() {
        return sessions.size();
    }
}
