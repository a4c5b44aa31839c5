package dev.carlink.command.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GeofenceTest {

    @Test
    void haversine_givesTheKnownDistanceBetweenTwoCities() {
        // Berlin Brandenburger Tor to Munich Marienplatz: about 504 km.
        Geofence berlin = new Geofence(52.516275, 13.377704, 1000);

        assertThat(berlin.distanceM(48.137154, 11.576124)).isCloseTo(504_000, within(2_000.0));
    }

    @Test
    void aPointJustInsideTheRadius_isContained_andJustOutsideIsNot() {
        Geofence fence = new Geofence(0, 0, 100);
        // One degree of latitude is about 111.2 km, so 100 m is about 0.000899 degrees.
        assertThat(fence.contains(0.00089, 0)).isTrue();
        assertThat(fence.contains(0.00091, 0)).isFalse();
    }

    @Test
    void acrossTheAntimeridian_theShortWayIsMeasured() {
        Geofence fence = new Geofence(0, 179.9995, 200);

        assertThat(fence.distanceM(0, -179.9995)).isCloseTo(111, within(1.0));
    }
}
