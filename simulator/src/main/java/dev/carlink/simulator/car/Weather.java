package dev.carlink.simulator.car;

import java.time.LocalTime;

/**
 * The conditions around a car.
 *
 * @param exteriorTemperatureC exterior air temperature
 * @param cloudFactor 0 clear sky .. 1 overcast
 * @param sunExposure 0 parked in full shade .. 1 in full sun
 * @param fixedSolarTime a solar time that stays put (a scenario's "sunny afternoon"), or {@code null} to follow
 *     the car's simulated clock and longitude
 */
public record Weather(double exteriorTemperatureC, double cloudFactor, double sunExposure, LocalTime fixedSolarTime) {

    /** A mild, partly cloudy day, with the sun following the clock. */
    public static final Weather DEFAULT = new Weather(22, 0.3, 0.5, null);

    public Weather {
        CabinThermalModel.requireFinite("exteriorTemperatureC", exteriorTemperatureC);
        if (exteriorTemperatureC < -60 || exteriorTemperatureC > 60) {
            throw new IllegalArgumentException(
                    "exteriorTemperatureC must be within -60..60, was " + exteriorTemperatureC);
        }
        CabinThermalModel.requireFraction("cloudFactor", cloudFactor);
        CabinThermalModel.requireFraction("sunExposure", sunExposure);
    }

    /** Clear sky, full sun, the sun standing at {@code solarTime}. */
    public static Weather sunny(double exteriorC, LocalTime solarTime) {
        return new Weather(exteriorC, 0, 1, solarTime);
    }

    /** Parked in full shade under an overcast sky, the sun standing at {@code solarTime}. */
    public static Weather shade(double exteriorC, LocalTime solarTime) {
        return new Weather(exteriorC, 1, 0, solarTime);
    }

    public Weather withExteriorTemperatureC(double value) {
        return new Weather(value, cloudFactor, sunExposure, fixedSolarTime);
    }
}
