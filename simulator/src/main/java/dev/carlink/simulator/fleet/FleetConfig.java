package dev.carlink.simulator.fleet;

import dev.carlink.simulator.mqtt.MqttCarConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How a fleet runs.
 *
 * @param car connection settings shared by every car (server, telemetry interval, time scale); its sleep policy
 *     applies to the cars whose situation is to stay parked long
 * @param fatigueTimeScale fatigue time scale of the tired-driver scenarios (60: L2 after 4 minutes of driving);
 *     the other cars' drivers tire in real time
 * @param startStagger delay between two cars' first connection attempts
 * @param progressInterval how often the fleet logs a progress line
 * @param schedulerThreads threads of the scheduler shared by all cars (physics, commands, publishing)
 */
public record FleetConfig(
        MqttCarConfig car,
        double fatigueTimeScale,
        Duration startStagger,
        Duration progressInterval,
        int schedulerThreads) {

    public static final double DEFAULT_FATIGUE_TIME_SCALE = 60;
    public static final Duration DEFAULT_START_STAGGER = Duration.ofMillis(200);
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(30);
    public static final int DEFAULT_SCHEDULER_THREADS = 2;

    public FleetConfig {
        Objects.requireNonNull(car, "car");
        if (!(fatigueTimeScale > 0) || Double.isInfinite(fatigueTimeScale)) {
            throw new IllegalArgumentException("fatigueTimeScale must be > 0 and finite, was " + fatigueTimeScale);
        }
        Objects.requireNonNull(startStagger, "startStagger");
        if (startStagger.isNegative()) {
            throw new IllegalArgumentException("startStagger must be >= 0, was " + startStagger);
        }
        Objects.requireNonNull(progressInterval, "progressInterval");
        if (progressInterval.isNegative() || progressInterval.isZero()) {
            throw new IllegalArgumentException("progressInterval must be > 0, was " + progressInterval);
        }
        if (schedulerThreads < 1) {
            throw new IllegalArgumentException("schedulerThreads must be >= 1, was " + schedulerThreads);
        }
    }

    /** Defaults for a backend at {@code mqttUri}. */
    public static FleetConfig of(URI mqttUri) {
        return new FleetConfig(
                MqttCarConfig.of(mqttUri),
                DEFAULT_FATIGUE_TIME_SCALE,
                DEFAULT_START_STAGGER,
                DEFAULT_PROGRESS_INTERVAL,
                DEFAULT_SCHEDULER_THREADS);
    }

    public FleetConfig withCar(MqttCarConfig value) {
        return new FleetConfig(value, fatigueTimeScale, startStagger, progressInterval, schedulerThreads);
    }

    public FleetConfig withFatigueTimeScale(double value) {
        return new FleetConfig(car, value, startStagger, progressInterval, schedulerThreads);
    }

    public FleetConfig withStartStagger(Duration value) {
        return new FleetConfig(car, fatigueTimeScale, value, progressInterval, schedulerThreads);
    }

    public FleetConfig withProgressInterval(Duration value) {
        return new FleetConfig(car, fatigueTimeScale, startStagger, value, schedulerThreads);
    }
}
