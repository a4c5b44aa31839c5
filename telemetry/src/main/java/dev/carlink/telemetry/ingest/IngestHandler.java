package dev.carlink.telemetry.ingest;

import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.LatestState;
import dev.carlink.telemetry.TelemetryConfig;
import dev.carlink.telemetry.TelemetrySample;
import dev.carlink.telemetry.store.TelemetryRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link BusAddress#TELEMETRY_INGEST}: decodes and validates each {@code TelemetryIngest}
 * before any side effect (400 with the field and value when refused), queues valid samples for the
 * batching writer, and replies with an empty body only after the sample's batch committed; 503 when it
 * could not be stored or too many samples wait. After each commit it publishes {@code LatestState} on
 * {@link BusAddress#TELEMETRY_STATE_CHANGED} for every car whose latest state advanced.
 *
 * <p>Call {@link #handle} and {@link #close} on the event-loop context that created this handler.
 */
public final class IngestHandler {

    static final int BAD_REQUEST = 400;
    static final int UNAVAILABLE = 503;

    private static final Logger log = LoggerFactory.getLogger(IngestHandler.class);
    private static final Buffer EMPTY = Buffer.buffer();

    private final Vertx vertx;
    private final Clock clock;
    private final IngestCodec codec;
    private final IngestMetrics metrics;
    private final BatchingWriter writer;

    /**
     * @param writerThread a worker executor with one thread: every batch is written there, in order
     * @param maxAge samples older than this are refused: the raw retention
     * @param admit what of a valid sample may be stored (driver-monitoring signals only with consent), applied on
     *     the writer thread
     */
    public IngestHandler(
            Vertx vertx,
            WorkerExecutor writerThread,
            TelemetryRepository repository,
            TelemetryConfig config,
            Duration maxAge,
            MeterRegistry registry,
            Clock clock,
            UnaryOperator<TelemetrySample> admit) {
        this.vertx = vertx;
        this.clock = clock;
        this.codec = new IngestCodec(new TelemetryValidator(config.maxFutureSkew(), maxAge));
        this.metrics = new IngestMetrics(registry);
        this.writer = new BatchingWriter(vertx, writerThread, repository, config, metrics, this::publishState, admit);
    }

    /** Handles one {@code TelemetryIngest} request. */
    public void handle(Message<Object> message) {
        IngestCodec.Decoded decoded = codec.decode(message.body(), clock.instant());
        if (decoded instanceof IngestCodec.Rejected rejected) {
            metrics.rejected(rejected.reason());
            log.debug(
                    "rejected telemetry [reason: {}, detail: {}]",
                    rejected.reason().tag(),
                    rejected.detail());
            message.fail(BAD_REQUEST, rejected.detail());
            return;
        }
        TelemetrySample sample = ((IngestCodec.Accepted) decoded).sample();
        writer.submit(sample).onComplete(done -> {
            if (done.succeeded()) {
                if (done.result() == BatchingWriter.Outcome.STORED) {
                    metrics.stored();
                } else {
                    metrics.duplicate();
                }
                message.reply(EMPTY);
            } else {
                RejectReason reason = done.cause() instanceof BatchingWriter.NotStoredException notStored
                        ? notStored.reason()
                        : RejectReason.STORE_FAILED;
                metrics.rejected(reason);
                log.debug(
                        "telemetry not stored [vin: {}, seq: {}, reason: {}]",
                        sample.vin(),
                        sample.telemetry().getSeq(),
                        reason.tag());
                message.fail(UNAVAILABLE, done.cause().getMessage());
            }
        });
    }

    /**
     * Stops taking samples, writes (or, if the store fails, refuses with 503) every queued one, and
     * removes this handler's gauge.
     */
    public Future<Void> close() {
        return writer.close().andThen(done -> metrics.close());
    }

    private void publishState(TelemetrySample newest) {
        LatestState state = LatestState.newBuilder()
                .setVin(newest.vin().value())
                .setTelemetry(newest.telemetry())
                .setReceivedAtMs(newest.receivedAt().toEpochMilli())
                .build();
        vertx.eventBus().publish(BusAddress.TELEMETRY_STATE_CHANGED, Buffer.buffer(state.toByteArray()));
    }
}
