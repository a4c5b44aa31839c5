package dev.carlink.simulator.car;

import dev.carlink.simulator.Vins;
import java.time.Duration;
import java.util.Objects;

/**
 * What does not change during a simulated car's life.
 *
 * @param vin the car's VIN
 * @param latitude where the car starts, degrees
 * @param longitude where the car starts, degrees; also sets the solar time
 * @param fatigue the driver-monitoring ladder and the simulated driver's behaviour
 * @param reminderAcknowledgeDelay how long the driver takes to acknowledge a fatigue reminder (0 in tests)
 * @param thermal the cabin's physical parameters
 * @param seed seed of the car's randomness (trips), so a run can be repeated
 */
public record CarConfig(
        String vin,
        double latitude,
        double longitude,
        FatigueConfig fatigue,
        Duration reminderAcknowledgeDelay,
        CabinThermalModel.Parameters thermal,
        long seed) {

    /** Stuttgart, Schlossplatz. */
    public static final double DEFAULT_LATITUDE = 48.7784;

    public static final double DEFAULT_LONGITUDE = 9.1800;
    public static final Duration DEFAULT_REMINDER_ACKNOWLEDGE_DELAY = Duration.ofSeconds(3);

    public CarConfig {
        Vins.requireValid(vin);
        if (!(latitude >= -90 && latitude <= 90)) {
            throw new IllegalArgumentException("latitude must be within -90..90, was " + latitude);
        }
        if (!(longitude >= -180 && longitude <= 180)) {
            throw new IllegalArgumentException("longitude must be within -180..180, was " + longitude);
        }
        Objects.requireNonNull(fatigue, "fatigue");
        FatigueConfig.requireNotNegative("reminderAcknowledgeDelay", reminderAcknowledgeDelay);
        Objects.requireNonNull(thermal, "thermal");
    }

    /** Defaults for {@code vin}, seeded from the VIN. */
    public static CarConfig of(String vin) {
        return new CarConfig(
                vin,
                DEFAULT_LATITUDE,
                DEFAULT_LONGITUDE,
                FatigueConfig.DEFAULTS,
                DEFAULT_REMINDER_ACKNOWLEDGE_DELAY,
                CabinThermalModel.Parameters.DEFAULTS,
                Objects.requireNonNull(vin, "vin").hashCode());
    }

    public CarConfig withLocation(double lat, double lon) {
        return new CarConfig(vin, lat, lon, fatigue, reminderAcknowledgeDelay, thermal, seed);
    }

    public CarConfig withFatigue(FatigueConfig value) {
        return new CarConfig(vin, latitude, longitude, value, reminderAcknowledgeDelay, thermal, seed);
    }

    public CarConfig withReminderAcknowledgeDelay(Duration value) {
        return new CarConfig(vin, latitude, longitude, fatigue, value, thermal, seed);
    }

    public CarConfig withSeed(long value) {
        return new CarConfig(vin, latitude, longitude, fatigue, reminderAcknowledgeDelay, thermal, value);
    }
}
