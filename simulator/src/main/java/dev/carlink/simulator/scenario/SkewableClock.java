package dev.carlink.simulator.scenario;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/** The car's clock, which fault injection can put ahead of or behind real time. */
final class SkewableClock extends Clock {

    private final Clock base;
    private volatile Duration offset = Duration.ZERO;

    SkewableClock(Clock base) {
        this.base = base;
    }

    void skew(Duration value) {
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
