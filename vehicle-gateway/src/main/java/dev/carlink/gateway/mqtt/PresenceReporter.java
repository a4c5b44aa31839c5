package dev.carlink.gateway.mqtt;

import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.PresenceChange;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import java.time.Clock;

/** Publishes {@code PresenceChange} on {@link BusAddress#VEHICLE_PRESENCE}. */
final class PresenceReporter {

    private final EventBus eventBus;
    private final Clock clock;

    PresenceReporter(EventBus eventBus, Clock clock) {
        this.eventBus = eventBus;
        this.clock = clock;
    }

    /** The car is reachable for commands through {@code session}. */
    void online(VehicleSession session) {
        publish(session, true, "", false);
    }

    /** The car is still reachable through {@code session}, which began earlier (an answer to a resync). */
    void stillOnline(VehicleSession session) {
        publish(session, true, "", true);
    }

    /** The car is no longer reachable for commands. */
    void offline(VehicleSession session, String reason) {
        publish(session, false, reason, false);
    }

    private void publish(VehicleSession session, boolean online, String reason, boolean resync) {
        PresenceChange change = PresenceChange.newBuilder()
                .setVin(session.vin())
                .setOnline(online)
                .setAtMs(clock.millis())
                .setProtocol(session.protocol().label())
                .setRemoteAddress(session.remoteAddress())
                .setReason(reason)
                .setResync(resync)
                .build();
        eventBus.publish(BusAddress.VEHICLE_PRESENCE, Buffer.buffer(change.toByteArray()));
    }
}
