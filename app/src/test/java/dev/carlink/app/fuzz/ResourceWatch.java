package dev.carlink.app.fuzz;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.JMException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

/**
 * This JVM's heap after garbage collection and its live threads, sampled at the start, at intervals and at the
 * end of the run, and what tells a slow gateway from a starved machine: the JVM's collection pauses and the
 * machine's load average. The whole system (gateway, services, database pool) and the fuzzers share the JVM;
 * PostgreSQL runs in its own processes.
 *
 * <p>The start and the end force a full collection first. The samples in between do not: they read the heap as
 * the JVM's own latest collection left it. Forcing a full collection of a heap near a gigabyte stops the whole
 * JVM for seconds on this 2-core machine (27 s once, with another build running), long enough to time out the
 * legitimate cars: the measurement would disturb what it measures.
 */
final class ResourceWatch implements AutoCloseable {

    /** One sample: seconds into the run, what was happening, used heap after a collection, live threads. */
    record Sample(long second, String label, long heapBytes, int threads) {
        long heapMb() {
            return heapBytes >> 20;
        }
    }

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
    private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    private final long startNanos = System.nanoTime();
    private final AtomicLong heapAfterLastGc = new AtomicLong(-1);
    private final AtomicLong pauses = new AtomicLong();
    private final AtomicLong pauseMillis = new AtomicLong();
    private final AtomicLong longestPauseMillis = new AtomicLong();
    private final AtomicLong maxLoadHundredths = new AtomicLong();
    private final List<Runnable> unsubscribe = new ArrayList<>();
    private volatile boolean forcing;
    final List<Sample> samples = new CopyOnWriteArrayList<>();

    ResourceWatch() {
        threadBean.resetPeakThreadCount();
        NotificationListener listener = (notification, handback) -> {
            if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                return;
            }
            GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            heapAfterLastGc.set(info.getGcInfo().getMemoryUsageAfterGc().values().stream()
                    .mapToLong(MemoryUsage::getUsed)
                    .sum());
            if (!forcing && !info.getGcName().contains("Concurrent")) { // concurrent cycles do not stop the JVM
                long ms = info.getGcInfo().getDuration();
                pauses.incrementAndGet();
                pauseMillis.addAndGet(ms);
                longestPauseMillis.accumulateAndGet(ms, Math::max);
            }
        };
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                unsubscribe.add(() -> {
                    try {
                        emitter.removeNotificationListener(listener);
                    } catch (javax.management.ListenerNotFoundException e) {
                        // already gone
                    }
                });
            }
        }
        load();
    }

    /** Forces a full collection, then samples: for the start and the end. */
    Sample sampleAfterFullGc(String label) {
        forcing = true;
        try {
            memory.gc();
        } finally {
            forcing = false;
        }
        return add(label, memory.getHeapMemoryUsage().getUsed());
    }

    /** Samples the heap as the JVM's latest collection left it, without forcing one: for the samples in between. */
    Sample sample(String label) {
        long after = heapAfterLastGc.get();
        return add(label, after < 0 ? memory.getHeapMemoryUsage().getUsed() : after);
    }

    private Sample add(String label, long heapBytes) {
        load();
        Sample s = new Sample(
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos),
                label,
                heapBytes,
                threadBean.getThreadCount());
        samples.add(s);
        return s;
    }

    Sample first() {
        return samples.get(0);
    }

    Sample last() {
        return samples.get(samples.size() - 1);
    }

    Sample maxHeap() {
        return samples.stream().max(Comparator.comparingLong(Sample::heapBytes)).orElseThrow();
    }

    int peakThreads() {
        return threadBean.getPeakThreadCount();
    }

    /** Collection pauses the JVM took by itself (not the forced ones): how many, in all, the longest. */
    long pauses() {
        return pauses.get();
    }

    long pauseMillis() {
        return pauseMillis.get();
    }

    long longestPauseMillis() {
        return longestPauseMillis.get();
    }

    /** The machine's load average over the last minute (and the highest seen so far); -1 when unknown. */
    double load() {
        double load = os.getSystemLoadAverage();
        maxLoadHundredths.accumulateAndGet(Math.round(load * 100), Math::max);
        return load;
    }

    double maxLoad() {
        return maxLoadHundredths.get() / 100.0;
    }

    /** Heap in use right now, without collecting (for progress lines). */
    long heapNowMb() {
        return memory.getHeapMemoryUsage().getUsed() >> 20;
    }

    long heapMaxMb() {
        return memory.getHeapMemoryUsage().getMax() >> 20;
    }

    /**
     * The top of a class histogram of live objects (what {@code jcmd <pid> GC.class_histogram} prints), to see
     * what holds the heap; empty when the JVM does not offer it.
     */
    static String histogram(int classes) {
        try {
            Object text = ManagementFactory.getPlatformMBeanServer()
                    .invoke(
                            new ObjectName("com.sun.management:type=DiagnosticCommand"),
                            "gcClassHistogram",
                            new Object[] {null},
                            new String[] {String[].class.getName()});
            List<String> lines = List.of(String.valueOf(text).split("\\R"));
            return String.join(System.lineSeparator(), lines.subList(0, Math.min(lines.size(), classes + 2)));
        } catch (JMException | RuntimeException e) {
            return "";
        }
    }

    @Override
    public void close() {
        unsubscribe.forEach(Runnable::run);
    }
}
