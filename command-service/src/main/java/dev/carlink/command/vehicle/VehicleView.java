package dev.carlink.command.vehicle;

import java.time.Instant;

/**
 * What the API shows of an enrolled vehicle.
 *
 * @param lastSeenAt when the gateway last reported the car's presence (its connect or its disconnect)
 * @param presenceChangedAt when the car last came online or went offline
 */
public record VehicleView(
        String vin,
        String owner,
        String name,
        boolean online,
        Instant lastSeenAt,
        String protocol,
        Instant enrolledAt,
        Instant presenceChangedAt) {}
