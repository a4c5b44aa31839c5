package dev.carlink.telemetry.ingest;

import dev.carlink.telemetry.SampleKey;
import dev.carlink.telemetry.TelemetryConfig;
import dev.carlink.telemetry.TelemetrySample;
import dev.carlink.telemetry.store.StoreResult;
import dev.carlink.telemetry.store.TelemetryRepository;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes accepted samples in batches, one transaction per batch, on one dedicated worker thread. Each
 * sample's future completes only after its batch committed (or failed); the batching and backpressure
 * rules are {@link IngestBatcher}'s.
 *
 * <p>Confined to the event-loop context that created it: {@link #submit}, {@link #close}, the timer and
 * the completion of a write all run there, so no state is shared between threads except through the
 * worker's future.
 */
final class BatchingWriter {

    /** What a committed sample turned out to be. */
    enum Outcome {
        /** Stored for the first time. */
        STORED,
        /** Already stored (same vin, seq, ts): a redelivery, acknowledged all the same. */
        DUPLICATE
    }

    /** The sample was not stored; the sender should retry. */
    static final class NotStoredException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final transient RejectReason reason;

        NotStoredException(RejectReason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        RejectReason reason() {
            return reason;
        }
    }

    /** Waiting batches merge into one write of at most this many batches (and at most the size ceiling). */
    static final int MERGE_FACTOR = 10;

    private static final Logger log = LoggerFactory.getLogger(BatchingWriter.class);

    private record Pending(TelemetrySample sample, Promise<Outcome> promise) {}

    private record Committed(BatchPlan plan, StoreResult result) {}

    private final Vertx vertx;
    private final WorkerExecutor writerThread;
    private final TelemetryRepository repository;
    private final IngestMetrics metrics;
    private final Consumer<TelemetrySample> stateAdvanced;
    private final UnaryOperator<TelemetrySample> admit;
    private final IngestBatcher<Pending> batcher;

    private long timerId = -1;
    private Promise<Void> closed;

    /**
     * @param writerThread a worker executor with one thread
     * @param stateAdvanced called on the event loop, after the commit, for each car whose latest state
     *     moved forward, with the sample that is now its latest state
     * @param admit what of a sample may be stored, applied on the writer thread when its batch is written (so that
     *     work queued on that thread after a consent change is ordered after every batch admitted before it)
     */
    BatchingWriter(
            Vertx vertx,
            WorkerExecutor writerThread,
            TelemetryRepository repository,
            TelemetryConfig config,
            IngestMetrics metrics,
            Consumer<TelemetrySample> stateAdvanced,
            UnaryOperator<TelemetrySample> admit) {
        this.vertx = vertx;
        this.writerThread = writerThread;
        this.repository = repository;
        this.metrics = metrics;
        this.stateAdvanced = stateAdvanced;
        this.admit = admit;
        this.batcher = new IngestBatcher<>(
                config.batchMaxSize(),
                Math.min(TelemetryConfig.BATCH_SIZE_CEILING, config.batchMaxSize() * MERGE_FACTOR),
                config.batchMaxDelay().toNanos(),
                config.maxPending());
    }

    /**
     * Queues {@code sample} for the next batch. The future fails at once with {@link
     * NotStoredException} ({@link RejectReason#BACKPRESSURE}) when too many samples wait or the writer is
     * closing, later ({@link RejectReason#STORE_FAILED}) when the batch's transaction fails.
     */
    Future<Outcome> submit(TelemetrySample sample) {
        if (closed != null) {
            return Future.failedFuture(new NotStoredException(RejectReason.BACKPRESSURE, "shutting down"));
        }
        Promise<Outcome> promise = Promise.promise();
        if (!batcher.offer(new Pending(sample, promise), System.nanoTime())) {
            return Future.failedFuture(new NotStoredException(RejectReason.BACKPRESSURE, "backpressure"));
        }
        metrics.pending(batcher.pending());
        pump();
        return promise.future();
    }

    /**
     * Stops taking samples and writes every queued one; if a write fails meanwhile, every sample still
     * queued is failed at once instead of waiting for the store in turn. Completes when nothing is
     * pending.
     */
    Future<Void> close() {
        if (closed == null) {
            closed = Promise.promise();
            cancelTimer();
            batcher.sealOpen();
            log.debug("telemetry writer closing [pending: {}]", batcher.pending());
            pump();
        }
        return closed.future();
    }

    private void pump() {
        if (batcher.busy()) {
            return;
        }
        Optional<List<Pending>> ready = batcher.takeReady(System.nanoTime());
        if (ready.isPresent()) {
            write(ready.get());
        } else if (closed != null) {
            if (batcher.pending() == 0) {
                closed.tryComplete();
            }
        } else {
            armTimer();
        }
    }

    private void armTimer() {
        if (timerId != -1) {
            return;
        }
        OptionalLong due = batcher.nanosUntilDue(System.nanoTime());
        if (due.isPresent()) {
            long delayMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(due.getAsLong() + 999_999));
            timerId = vertx.setTimer(delayMs, id -> {
                timerId = -1;
                pump();
            });
        }
    }

    private void cancelTimer() {
        if (timerId != -1) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
    }

    private void write(List<Pending> batch) {
        List<TelemetrySample> samples = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
            samples.add(pending.sample());
        }
        writerThread
                .executeBlocking(
                        () -> {
                            List<TelemetrySample> admitted = new ArrayList<>(samples.size());
                            for (TelemetrySample sample : samples) {
                                admitted.add(admit.apply(sample));
                            }
                            BatchPlan plan = BatchPlan.of(admitted);
                            long start = System.nanoTime();
                            StoreResult result = repository.store(plan.distinct(), plan.newestPerVin());
                            metrics.commitTook(System.nanoTime() - start, samples.size());
                            return new Committed(plan, result);
                        },
                        true)
                .onComplete(done -> finish(batch, done));
    }

    private void finish(List<Pending> batch, AsyncResult<Committed> done) {
        batcher.complete(batch);
        if (done.succeeded()) {
            acknowledge(batch, done.result());
        } else {
            log.warn(
                    "telemetry batch not stored, senders will retry [samples: {}, cause: {}]",
                    batch.size(),
                    done.cause().toString());
            log.debug("telemetry batch failure", done.cause());
            fail(batch);
            if (closed != null) {
                fail(batcher.drainQueued());
            }
        }
        metrics.pending(batcher.pending());
        pump();
    }

    private void acknowledge(List<Pending> batch, Committed committed) {
        Set<SampleKey> fresh = new HashSet<>(committed.result().inserted());
        for (Pending pending : batch) {
            pending.promise().complete(fresh.remove(pending.sample().key()) ? Outcome.STORED : Outcome.DUPLICATE);
        }
        Set<String> advanced = committed.result().advancedVins();
        for (TelemetrySample newest : committed.plan().newestPerVin()) {
            if (advanced.contains(newest.vin().value())) {
                stateAdvanced.accept(newest);
            }
        }
    }

    private static void fail(List<Pending> samples) {
        NotStoredException failure = new NotStoredException(RejectReason.STORE_FAILED, "store failed, retry");
        for (Pending pending : samples) {
            pending.promise().fail(failure);
        }
    }
}
