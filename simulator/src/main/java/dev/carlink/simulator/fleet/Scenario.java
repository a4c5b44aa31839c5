package dev.carlink.simulator.fleet;

import dev.carlink.proto.v1.CabinPosition;
import dev.carlink.proto.v1.ChildPresence;
import dev.carlink.proto.v1.OccupancyStatus;
import dev.carlink.simulator.car.CarConfig;
import dev.carlink.simulator.car.FatigueConfig;
import dev.carlink.simulator.car.Routine;
import dev.carlink.simulator.car.SimulatedCar;
import dev.carlink.simulator.car.Weather;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;

/**
 * The initial situation of a demo car. A fleet assigns them in a fixed rotation of ten, so a fleet of 20 has
 * every situation twice: cars heating up in the sun (to cool from the app), commuters, tired drivers whose
 * fatigue rises within minutes, a cold morning, and a child left in a hot car.
 */
public enum Scenario {
    /** Parked in the midday sun at 34 °C: the cabin climbs towards 60 °C until the owner cools it. */
    PARKED_IN_SUN,
    /** Short trips with parking in between, real-time fatigue. */
    COMMUTER,
    /** On a long drive from the start; fatigue at the fleet's time scale; acknowledges warnings (then L3 on repeat). */
    TIRED_DRIVER,
    /** Parked in the shade on a warm, cloudy afternoon. */
    PARKED_IN_SHADE,
    /** On a long drive from the start; fatigue at the fleet's time scale; never acknowledges warnings. */
    UNRESPONSIVE_DRIVER,
    /** Parked at 3 °C on an overcast morning: a case for pre-heating. */
    COLD_MORNING,
    /** A child on the back seat of a car parked in the sun; the parent returns after 15 minutes. */
    CHILD_LEFT_IN_SUN;

    private static final List<Scenario> ROTATION = List.of(
            PARKED_IN_SUN,
            COMMUTER,
            TIRED_DRIVER,
            PARKED_IN_SHADE,
            PARKED_IN_SUN,
            COMMUTER,
            COLD_MORNING,
            UNRESPONSIVE_DRIVER,
            CHILD_LEFT_IN_SUN,
            COMMUTER);

    /** How long the child waits in the hot car, simulated time. */
    static final Duration CHILD_RETURN_AFTER = Duration.ofMinutes(15);

    /** The scenario of the fleet's {@code index}-th car. */
    public static Scenario forIndex(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, was " + index);
        }
        return ROTATION.get(index % ROTATION.size());
    }

    /** The car's fixed settings: position near the city centre, and the driver's fatigue behaviour. */
    CarConfig carConfig(String vin, int index, double fatigueTimeScale) {
        // spread the fleet over roughly 10 km around the default position, deterministically per index
        double latitude = CarConfig.DEFAULT_LATITUDE + ((index * 37) % 100 - 50) / 1000.0;
        double longitude = CarConfig.DEFAULT_LONGITUDE + ((index * 61) % 100 - 50) / 700.0;
        FatigueConfig fatigue =
                switch (this) {
                    case TIRED_DRIVER -> FatigueConfig.DEFAULTS.withTimeScale(fatigueTimeScale);
                    case UNRESPONSIVE_DRIVER ->
                        FatigueConfig.DEFAULTS.withTimeScale(fatigueTimeScale).withDriver(false, Duration.ZERO);
                    default -> FatigueConfig.DEFAULTS;
                };
        return CarConfig.of(vin)
                .withLocation(latitude, longitude)
                .withFatigue(fatigue)
                .withSeed(vin.hashCode() * 31L + index);
    }

    /** Puts a freshly created car into this situation (weather, cabin, charge, occupants, routine). */
    void prepare(SimulatedCar car, int index) {
        car.setStateOfCharge(40 + (index * 37) % 55);
        switch (this) {
            case PARKED_IN_SUN -> {
                car.setWeather(Weather.sunny(34, LocalTime.of(13, 0)));
                car.setCabinTemperature(38);
                car.setRoutine(new Routine(Duration.ofMinutes(45), Duration.ofMinutes(20), Duration.ofMinutes(60)));
            }
            case COMMUTER -> {
                car.setWeather(new Weather(22, 0.3, 0.6, null));
                car.setCabinTemperature(23);
                car.setRoutine(
                        new Routine(Duration.ofMinutes(2 + index % 5), Duration.ofMinutes(15), Duration.ofMinutes(20)));
            }
            case TIRED_DRIVER, UNRESPONSIVE_DRIVER -> {
                car.setWeather(new Weather(27, 0.2, 0.8, LocalTime.of(14, 30)));
                car.setCabinTemperature(24);
                car.setRoutine(new Routine(Duration.ZERO, Duration.ofMinutes(30), Duration.ofMinutes(30)));
            }
            case PARKED_IN_SHADE -> {
                car.setWeather(new Weather(24, 0.6, 0.1, LocalTime.of(15, 0)));
                car.setCabinTemperature(26);
                car.setRoutine(new Routine(Duration.ofMinutes(30), Duration.ofMinutes(15), Duration.ofMinutes(45)));
            }
            case COLD_MORNING -> {
                car.setWeather(new Weather(3, 0.8, 0.3, LocalTime.of(8, 0)));
                car.setCabinTemperature(3);
                car.setRoutine(new Routine(Duration.ofMinutes(20), Duration.ofMinutes(25), Duration.ofMinutes(60)));
            }
            case CHILD_LEFT_IN_SUN -> {
                car.setWeather(Weather.sunny(31, LocalTime.of(14, 0)));
                car.setCabinTemperature(33);
                car.setSeat(CabinPosition.CABIN_POSITION_ROW2_MIDDLE, OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED);
                car.setChildPresence(ChildPresence.CHILD_PRESENCE_DETECTED);
            }
        }
    }

    /**
     * Whether a car in this situation sleeps when idle (if the fleet's car settings say how): the cars parked for
     * long, so that a fleet shows asleep cars beside online ones.
     */
    boolean sleepsWhenIdle() {
        return this == PARKED_IN_SHADE || this == COLD_MORNING;
    }

    /** When {@link #followUp} is due, in simulated time after the start; empty when nothing follows. */
    Optional<Duration> followUpAfter() {
        return this == CHILD_LEFT_IN_SUN ? Optional.of(CHILD_RETURN_AFTER) : Optional.empty();
    }

    /** What happens later in the scenario: the parent takes the child out and, a minute later, drives off. */
    void followUp(SimulatedCar car) {
        if (this != CHILD_LEFT_IN_SUN) {
            return;
        }
        car.unlockAllDoors();
        car.openDoor(CabinPosition.CABIN_POSITION_ROW2_PASSENGER_SIDE);
        car.setSeat(CabinPosition.CABIN_POSITION_ROW2_MIDDLE, OccupancyStatus.OCCUPANCY_STATUS_EMPTY);
        car.setChildPresence(ChildPresence.CHILD_PRESENCE_NOT_DETECTED);
        car.closeDoor(CabinPosition.CABIN_POSITION_ROW2_PASSENGER_SIDE);
        car.lockAllDoors();
        car.setRoutine(new Routine(Duration.ofMinutes(1), Duration.ofMinutes(20), Duration.ofMinutes(40)));
    }
}
