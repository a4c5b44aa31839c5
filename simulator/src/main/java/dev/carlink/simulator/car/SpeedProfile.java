package dev.carlink.simulator.car;

import java.util.Random;

/**
 * The speed of a car on a trip: legs of acceleration, cruise and braking to a stop (traffic lights, junctions),
 * with a random cruise speed and duration per leg.
 */
final class SpeedProfile {

    private enum Phase {
        ACCELERATING,
        CRUISING,
        BRAKING,
        STOPPED
    }

    /** 2 m/s² in km/h per second. */
    private static final double ACCELERATION_KMH_PER_S = 7.2;
    /** 3 m/s² in km/h per second. */
    private static final double DECELERATION_KMH_PER_S = 10.8;

    private final Random random;
    private Phase phase = Phase.STOPPED;
    private double phaseRemainingS = 2;
    private double cruiseKmh;

    SpeedProfile(Random random) {
        this.random = random;
    }

    /** The speed after {@code dtS} more seconds, starting from {@code speedKmh}. */
    double step(double speedKmh, double dtS) {
        double speed = speedKmh;
        switch (phase) {
            case STOPPED -> {
                speed = 0;
                phaseRemainingS -= dtS;
                if (phaseRemainingS <= 0) {
                    cruiseKmh = 40 + random.nextInt(71);
                    phase = Phase.ACCELERATING;
                }
            }
            case ACCELERATING -> {
                speed = Math.min(cruiseKmh, speed + ACCELERATION_KMH_PER_S * dtS);
                if (speed >= cruiseKmh) {
                    phase = Phase.CRUISING;
                    phaseRemainingS = 60 + random.nextInt(241);
                }
            }
            case CRUISING -> {
                // a little jitter around the cruise speed, as traffic does
                speed = Math.max(5, cruiseKmh + (random.nextDouble() - 0.5) * 4);
                phaseRemainingS -= dtS;
                if (phaseRemainingS <= 0) {
                    phase = Phase.BRAKING;
                }
            }
            case BRAKING -> {
                speed = Math.max(0, speed - DECELERATION_KMH_PER_S * dtS);
                if (speed <= 0) {
                    phase = Phase.STOPPED;
                    phaseRemainingS = 15 + random.nextInt(46);
                }
            }
        }
        return speed;
    }
}
