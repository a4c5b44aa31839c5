package dev.carlink.simulator.car;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * The car's clock, which fault injection can put ahead of or behind real time (clock skew), and which tests
 * move forward to reach a time of day without waiting for it.
 */
public final class SkewableClock extends Clock {

    private final Clock base;
    private volatile Duration offset = Duration.ZERO;

    public SkewableClock(Clock base) {
        this.base = base;
    }

    /** From now on the clock reads real time plus {@code value}. */
    public void skew(Duration value) {
        this.offset = value;
    }

    @Override
    public ZoneId getZone() {
        return base.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
        SkewableClock clock = new SkewableClock(base.withZone(zone));
        clock.offset = offset;
        return clock;
    }

    @Override
    public Instant instant() {
        return base.instant().plus(offset);
    }
}
