package dev.carlink.command.schedule;

import dev.carlink.proto.ScheduleRules;

/**
 * Where a schedule applies: a circle around a point. A schedule with one runs only while the car is inside.
 *
 * @param radiusM metres, {@value #MIN_RADIUS_M}..{@value #MAX_RADIUS_M}: below 50 m GPS noise alone would
 *     skip runs; above 10 km the condition means little
 */
public record Geofence(double latitude, double longitude, double radiusM) {

    public static final double MIN_RADIUS_M = 50;
    public static final double MAX_RADIUS_M = 10_000;

    public Geofence {
        if (!(latitude >= -90 && latitude <= 90)) {
            throw new IllegalArgumentException("location.latitude must be -90..90, was " + latitude);
        }
        if (!(longitude >= -180 && longitude <= 180)) {
            throw new IllegalArgumentException("location.longitude must be -180..180, was " + longitude);
        }
        if (!(radiusM >= MIN_RADIUS_M && radiusM <= MAX_RADIUS_M)) {
            throw new IllegalArgumentException("location.radiusM must be 50..10000, was " + radiusM);
        }
    }

    /** Great-circle (haversine) distance from the centre to a point, metres. */
    public double distanceM(double lat, double lon) {
        return ScheduleRules.distanceM(latitude, longitude, lat, lon);
    }

    public boolean contains(double lat, double lon) {
        return distanceM(lat, lon) <= radiusM;
    }
}
