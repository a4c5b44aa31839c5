package dev.carlink.simulator.mqtt;

import java.time.Duration;
import java.util.Objects;

/**
 * Faults a tester switches on in one car's connection, at any time: a car that never answers commands,
 * one that answers late, and one whose every publish goes out twice (as a QoS 1 retry would).
 */
public final class Faults {

    private volatile boolean ignoreCommands;
    private volatile Duration resultDelay = Duration.ZERO;
    private volatile boolean duplicatePublishes;

    /** The car takes commands (its transport acknowledges them) but never executes or answers them. */
    public void ignoreCommands(boolean on) {
        this.ignoreCommands = on;
    }

    /** The car executes commands at once but holds every result back this long (real time). */
    public void delayResults(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must be >= 0, was " + delay);
        }
        this.resultDelay = delay;
    }

    /** Every telemetry sample, event and result is published twice. */
    public void duplicatePublishes(boolean on) {
        this.duplicatePublishes = on;
    }

    boolean ignoresCommands() {
        return ignoreCommands;
    }

    Duration resultDelay() {
        return resultDelay;
    }

    boolean duplicatesPublishes() {
        return duplicatePublishes;
    }
}
