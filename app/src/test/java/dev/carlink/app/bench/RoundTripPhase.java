package dev.carlink.app.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** One phase of the round-trip benchmark: a fixed rate for a duration, and what came of it. */
final class RoundTripPhase {
    final String name;
    final int rate;
    final boolean commands;
    final Duration duration;
    final AtomicLong sent = new AtomicLong();
    final AtomicLong completed = new AtomicLong();
    final Recorder latency = new Recorder(3);
    final Recorder accepted = new Recorder(3);
    final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
    volatile long startNanos;
    volatile long sendEndNanos;
    volatile long endNanos;
    volatile long firstDone = Long.MAX_VALUE;
    volatile long lastDone;
    long cpuAtStart;
    long cpuAtEnd;
    MachineCpu machineAtStart;
    MachineCpu machineAtEnd;
    Histogram latencyTotal;
    Histogram acceptedTotal;

    RoundTripPhase(String name, int rate, boolean commands, Duration duration) {
        this.name = name;
        this.rate = rate;
        this.commands = commands;
        this.duration = duration;
    }

    synchronized void done(long latencyNanos) {
        completed.incrementAndGet();
        latency.recordValue(Units.micros(latencyNanos));
        long now = System.nanoTime();
        firstDone = Math.min(firstDone, now);
        lastDone = Math.max(lastDone, now);
    }

    void error(String reason) {
        errors.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    }

    long failed() {
        return errors.values().stream().mapToLong(AtomicLong::get).sum();
    }

    Histogram latency() {
        if (latencyTotal == null) {
            latencyTotal = latency.getIntervalHistogram();
            acceptedTotal = accepted.getIntervalHistogram();
        }
        return latencyTotal;
    }

    double achievedRate() {
        return sent.get() / Units.seconds(sendEndNanos - startNanos);
    }

    double throughput() {
        return completed.get() / Units.seconds(endOfWork() - startNanos);
    }

    private long endOfWork() {
        return Math.max(sendEndNanos, lastDone);
    }

    /** Share of the machine's cores this process used during the phase (backend, cars and load alike). */
    double cpuPercent() {
        int cores = Runtime.getRuntime().availableProcessors();
        return 100.0 * (cpuAtEnd - cpuAtStart) / ((endNanos - startNanos) * (double) cores);
    }

    /** Share of the whole machine in use during the phase: this JVM and PostgreSQL together. */
    double machinePercent() {
        return machineAtEnd.busyPercentSince(machineAtStart);
    }

    String summaryLine() {
        Histogram h = latency();
        return String.format(
                Locale.ROOT,
                "sent %d (%.0f/s), ok %d (%.0f/s), p50 %.1f ms, p99 %.1f ms, max %.1f ms, failed %d, "
                        + "cpu %.0f %% (jvm %.0f %%)",
                sent.get(),
                achievedRate(),
                completed.get(),
                throughput(),
                Units.ms(h.getValueAtPercentile(50)),
                Units.ms(h.getValueAtPercentile(99)),
                Units.ms(h.getMaxValue()),
                failed(),
                machinePercent(),
                cpuPercent());
    }
}
