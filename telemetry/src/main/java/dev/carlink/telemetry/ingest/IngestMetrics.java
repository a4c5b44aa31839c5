package dev.carlink.telemetry.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The ingest meters. Thread-safe: the commit timer is recorded on the writer thread. */
final class IngestMetrics {

    static final String STORED = "carlink.telemetry.samples.stored";
    static final String DUPLICATE = "carlink.telemetry.samples.duplicate";
    static final String REJECTED = "carlink.telemetry.samples.rejected";
    static final String BATCH_COMMIT = "carlink.telemetry.batch.commit";
    static final String PENDING = "carlink.telemetry.pending";
    static final String WRITE_SIZE = "carlink.telemetry.write.samples";

    private final MeterRegistry registry;
    private final Counter stored;
    private final Counter duplicate;
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);
    private final Timer batchCommit;
    private final DistributionSummary writeSize;
    private final AtomicInteger pending = new AtomicInteger();
    private final Gauge pendingGauge;

    IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        stored = Counter.builder(STORED)
                .description("Telemetry samples committed for the first time")
                .register(registry);
        duplicate = Counter.builder(DUPLICATE)
                .description("Telemetry samples acknowledged that were already stored (redelivery)")
                .register(registry);
        for (RejectReason reason : RejectReason.values()) {
            rejected.put(
                    reason,
                    Counter.builder(REJECTED)
                            .description("Telemetry samples not acknowledged, by reason")
                            .tag("reason", reason.tag())
                            .register(registry));
        }
        batchCommit = Timer.builder(BATCH_COMMIT)
                .description("Time to write and commit one batch of telemetry samples")
                .register(registry);
        writeSize = DistributionSummary.builder(WRITE_SIZE)
                .description("Samples per write: a batch, or batches merged while the writer was busy")
                .register(registry);
        pendingGauge = Gauge.builder(PENDING, pending, AtomicInteger::get)
                .description("Telemetry samples accepted and not yet committed")
                .strongReference(true)
                .register(registry);
    }

    void stored() {
        stored.increment();
    }

    void duplicate() {
        duplicate.increment();
    }

    void rejected(RejectReason reason) {
        rejected.get(reason).increment();
    }

    void commitTook(long nanos, int samples) {
        batchCommit.record(nanos, TimeUnit.NANOSECONDS);
        writeSize.record(samples);
    }

    void pending(int samples) {
        pending.set(samples);
    }

    /** Removes the gauge, which would otherwise keep reporting this instance's last value. */
    void close() {
        registry.remove(pendingGauge);
    }
}
