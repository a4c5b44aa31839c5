package dev.carlink.app;

import java.time.Duration;

/**
 * The demo: accounts, and a simulated fleet started in the same process.
 *
 * @param enabled create the demo accounts and start the fleet
 * @param fleetSize number of simulated cars (0 starts none)
 * @param telemetryInterval how often each simulated car publishes telemetry
 * @param fatigueTimeScale how much faster than real time simulated drivers tire
 */
public record DemoConfig(boolean enabled, int fleetSize, Duration telemetryInterval, double fatigueTimeScale) {

    public static final int DEFAULT_FLEET_SIZE = 20;
    public static final Duration DEFAULT_TELEMETRY_INTERVAL = Duration.ofSeconds(5);
    public static final double DEFAULT_FATIGUE_TIME_SCALE = 60;

    public DemoConfig {
        if (fleetSize < 0 || fleetSize > 500) {
            throw new IllegalArgumentException("demo.fleet-size must be 0..500, was " + fleetSize);
        }
        if (telemetryInterval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException(
                    "demo.telemetry-interval must be at least 100ms, was " + telemetryInterval);
        }
        if (!(fatigueTimeScale >= 1 && fatigueTimeScale <= 10_000)) {
            throw new IllegalArgumentException("demo.fatigue-time-scale must be 1..10000, was " + fatigueTimeScale);
        }
    }
}
