package dev.carlink.command.vehicle;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * What the API shows of an enrolled vehicle.
 *
 * @param lastSeenAt when the gateway last reported the car's presence (its connect or its disconnect)
 * @param presenceChangedAt when the car last came online or went offline
 * @param connectedAt when the car last connected; null if it never did
 * @param asleepSince when the car last announced that it goes to sleep; null if it never did
 * @param checkInBy when the car promised, in that announcement, to connect again at the latest
 */
public record VehicleView(
        String vin,
        String owner,
        String name,
        boolean online,
        Instant lastSeenAt,
        String protocol,
        Instant enrolledAt,
        Instant presenceChangedAt,
        Instant connectedAt,
        Instant asleepSince,
        Instant checkInBy) {

    /** How late a sleeping car may be before it counts as offline: a tenth of its promise, at least 10 s. */
    static final Duration MIN_CHECK_IN_GRACE = Duration.ofSeconds(10);

    /** Whether the car can be reached now, is asleep as it said it would be, or is gone. */
    public enum Presence {
        ONLINE,
        ASLEEP,
        OFFLINE;

        /** The API's spelling: online, asleep, offline. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The car's presence at {@code now}: online while connected; asleep while away after announcing its sleep
     * (after its last connect) and before its check-in is overdue; offline otherwise (a lost connection, a car
     * that never announced its sleep, or one that missed its check-in).
     */
    public Presence presence(Instant now) {
        if (online) {
            return Presence.ONLINE;
        }
        Instant until = asleepUntil();
        return until != null && now.isBefore(until) ? Presence.ASLEEP : Presence.OFFLINE;
    }

    /**
     * Until when the car counts as asleep without news (its check-in plus the grace), if its last word before it
     * went away was that it goes to sleep; null otherwise.
     */
    public Instant asleepUntil() {
        if (online || asleepSince == null || checkInBy == null) {
            return null;
        }
        if (connectedAt != null && asleepSince.isBefore(connectedAt)) {
            return null; // it has connected since it said so
        }
        Duration promised = Duration.between(asleepSince, checkInBy);
        Duration grace = promised.dividedBy(10);
        return checkInBy.plus(grace.compareTo(MIN_CHECK_IN_GRACE) < 0 ? MIN_CHECK_IN_GRACE : grace);
    }
}
