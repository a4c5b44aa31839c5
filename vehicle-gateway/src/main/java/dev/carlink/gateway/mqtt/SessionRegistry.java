package dev.carlink.gateway.mqtt;

import io.vertx.mqtt.messages.codes.MqttDisconnectReasonCode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The current session of each connected car, by VIN. At most one per VIN: a new connection takes
 * over. Changed on the gateway's event loop; the concurrent map only lets metrics read the size
 * from other threads.
 */
public final class SessionRegistry {

    private final Map<String, VehicleSession> sessions = new ConcurrentHashMap<>();
    private final SessionStore saved = new SessionStore();

    /** The sessions of cars that are away. */
    SessionStore saved() {
        return saved;
    }

    /** Number of sessions kept for cars that are away. */
    public int savedSessions() {
        return saved.size();
    }

    /** Forgets the kept sessions that expired; returns how many. */
    public int expireSaved(long nowMs) {
        return saved.expire(nowMs);
    }

    /** Every car's current session on this gateway. */
    java.util.List<VehicleSession> all() {
        return java.util.List.copyOf(sessions.values());
    }

    /** The car's session on this gateway, if it has one. */
    Optional<VehicleSession> current(String vin) {
        return Optional.ofNullable(sessions.get(vin));
    }

    /** Whether {@code vin} has a connection on this gateway. */
    boolean connected(String vin) {
        return vin != null && sessions.containsKey(vin);
    }

    /** Makes {@code session} the car's current session; returns the one it replaces, if any. */
    Optional<VehicleSession> register(VehicleSession session) {
        return Optional.ofNullable(sessions.put(session.vin(), session));
    }

    /**
     * Removes {@code session} if it is still its car's current one.
     *
     * @return false when another session took over meanwhile (the car is still connected)
     */
    boolean remove(VehicleSession session) {
        return sessions.remove(session.vin(), session);
    }

    /** Whether {@code session} is its car's current session. */
    boolean isCurrent(VehicleSession session) {
        return sessions.get(session.vin()) == session;
    }

    /** Number of connected cars. */
    public int size() {
        return sessions.size();
    }

    /** Disconnects every car (MQTT 5: DISCONNECT "server shutting down"). */
    public void disconnectAll() {
        for (VehicleSession session : List.copyOf(sessions.values())) {
            session.disconnect(MqttDisconnectReasonCode.SERVER_SHUTTING_DOWN, "server shutting down");
        }
    }
}
