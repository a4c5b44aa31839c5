package dev.carlink.gateway.mqtt;

/**
 * Lifecycle of an accepted MQTT session.
 *
 * <pre>
 * CONNECTED --commands subscribed--> ONLINE --commands unsubscribed--> CONNECTED
 * CONNECTED, ONLINE --connection ends--> CLOSED
 * </pre>
 *
 * ONLINE means "reachable for commands": a command-delivery consumer is registered for the car.
 */
enum SessionState {
    CONNECTED,
    ONLINE,
    CLOSED;

    /**
     * The state after moving to {@code next}.
     *
     * @throws IllegalStateException if the move is not allowed
     */
    SessionState to(SessionState next) {
        boolean allowed =
                switch (this) {
                    case CONNECTED -> next == ONLINE || next == CLOSED;
                    case ONLINE -> next == CONNECTED || next == CLOSED;
                    case CLOSED -> false;
                };
        if (!allowed) {
            throw new IllegalStateException("session cannot move from " + this + " to " + next);
        }
        return next;
    }
}
