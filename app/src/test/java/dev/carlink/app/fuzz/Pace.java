package dev.carlink.app.fuzz;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Spaces events out to a rate shared by several threads: each takes the next free slot and waits for it. A
 * sender that fell behind is not allowed to catch up in one burst of more than a tenth of a second.
 */
final class Pace {

    private final long intervalNanos;
    private final AtomicLong nextSlot = new AtomicLong(System.nanoTime());

    /** @param perSecond events per second; 0 means no limit */
    Pace(int perSecond) {
        this.intervalNanos = perSecond <= 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / perSecond;
    }

    /** Waits until the next event may go. */
    void acquire() {
        if (intervalNanos == 0) {
            return;
        }
        long now = System.nanoTime();
        long earliest = now - TimeUnit.MILLISECONDS.toNanos(100);
        long slot = nextSlot.getAndUpdate(s -> Math.max(s, earliest) + intervalNanos);
        slot = Math.max(slot, earliest);
        if (slot > now) {
            LockSupport.parkNanos(slot - now);
        }
    }
}
