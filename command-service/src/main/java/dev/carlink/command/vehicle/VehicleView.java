package dev.carlink.command.vehicle;

import java.time.Instant;

/** What the API shows of an enrolled vehicle. */
public record VehicleView(
        String vin,
        String owner,
        String name,
        boolean online,
        Instant lastSeenAt,
        String protocol,
        Instant enrolledAt) {}
