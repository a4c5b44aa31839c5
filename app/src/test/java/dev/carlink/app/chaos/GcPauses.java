package dev.carlink.app.chaos;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pauses of this JVM's collections, from the collectors' notifications: the longest since it was last asked
 * and the longest of the whole run. Collections a test forces itself ({@code System.gc()}, to read the live heap)
 * are counted apart, and the concurrent phases, which do not stop the application, are left out.
 */
final class GcPauses {

    private static final Logger log = LoggerFactory.getLogger(GcPauses.class);
    /** A pause this long is logged when it ends. */
    private static final long NOTEWORTHY_MS = 200;

    private final AtomicLong sinceAsked = new AtomicLong();
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong totalMs = new AtomicLong();
    private final AtomicReference<String> longest = new AtomicReference<>("none");
    private final AtomicLong longestMs = new AtomicLong(-1);
    private final AtomicLong forced = new AtomicLong();
    private final AtomicLong forcedLongestMs = new AtomicLong();

    private GcPauses() {}

    /** Starts listening to every collector of this JVM. */
    static GcPauses watch() {
        GcPauses pauses = new GcPauses();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc)
                    .addNotificationListener(
                            (notification, handback) -> {
                                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                                        notification.getType())) {
                                    pauses.record(GarbageCollectionNotificationInfo.from(
                                            (CompositeData) notification.getUserData()));
                                }
                            },
                            null,
                            null);
        }
        return pauses;
    }

    private void record(GarbageCollectionNotificationInfo info) {
        if (info.getGcName().contains("Concurrent") || info.getGcAction().contains("concurrent")) {
            return;
        }
        long ms = info.getGcInfo().getDuration();
        String what = info.getGcName() + ", " + info.getGcCause();
        if ("System.gc()".equals(info.getGcCause())) {
            forced.incrementAndGet();
            forcedLongestMs.accumulateAndGet(ms, Math::max);
            return;
        }
        count.incrementAndGet();
        totalMs.addAndGet(ms);
        sinceAsked.accumulateAndGet(ms, Math::max);
        if (ms > longestMs.getAndAccumulate(ms, Math::max)) {
            longest.set(ms + " ms (" + what + ")");
        }
        if (ms >= NOTEWORTHY_MS) {
            log.info("long collection pause [{} ms, {}]", ms, what);
        }
    }

    /** The longest pause since the last call, 0 when there was none. */
    long longestSinceLastAsked() {
        return sinceAsked.getAndSet(0);
    }

    /** One line for the results. */
    String summary() {
        return String.format(
                Locale.ROOT,
                "collections: %d pauses, %d ms in all, the longest %s; forced to read the live heap: %d, the"
                        + " longest %d ms",
                count.get(),
                totalMs.get(),
                longest.get(),
                forced.get(),
                forcedLongestMs.get());
    }
}
