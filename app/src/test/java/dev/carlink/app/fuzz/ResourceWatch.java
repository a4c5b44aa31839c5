package dev.carlink.app.fuzz;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * This JVM's heap after a full collection and its live threads, sampled at the start, at intervals and at the
 * end of the run. The whole system (gateway, services, database pool) and the fuzzers share the JVM; PostgreSQL
 * runs in its own process.
 */
final class ResourceWatch {

    /** One sample: seconds into the run, what was happening, used heap after GC, live threads. */
    record Sample(long second, String label, long heapBytes, int threads) {
        long heapMb() {
            return heapBytes >> 20;
        }
    }

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
    private final long startNanos = System.nanoTime();
    final List<Sample> samples = new CopyOnWriteArrayList<>();

    ResourceWatch() {
        threadBean.resetPeakThreadCount();
    }

    /** Collects garbage (twice: the first pass may leave objects whose finalization frees more), then samples. */
    Sample sample(String label) {
        memory.gc();
        memory.gc();
        Sample s = new Sample(
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos),
                label,
                memory.getHeapMemoryUsage().getUsed(),
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
        return samples.stream()
                .max(java.util.Comparator.comparingLong(Sample::heapBytes))
                .orElseThrow();
    }

    int peakThreads() {
        return threadBean.getPeakThreadCount();
    }

    /** Heap in use right now, without collecting (for progress lines). */
    long heapNowMb() {
        return memory.getHeapMemoryUsage().getUsed() >> 20;
    }

    /**
     * The top of a class histogram of live objects (what {@code jcmd <pid> GC.class_histogram} prints), to see
     * what holds the heap; empty when the JVM does not offer it.
     */
    static String histogram(int classes) {
        try {
            Object text = ManagementFactory.getPlatformMBeanServer()
                    .invoke(
                            new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                            "gcClassHistogram",
                            new Object[] {null},
                            new String[] {String[].class.getName()});
            List<String> lines = List.of(String.valueOf(text).split("\\R"));
            return String.join(System.lineSeparator(), lines.subList(0, Math.min(lines.size(), classes + 2)));
        } catch (javax.management.JMException | RuntimeException e) {
            return "";
        }
    }

    long heapMaxMb() {
        return memory.getHeapMemoryUsage().getMax() >> 20;
    }
}
