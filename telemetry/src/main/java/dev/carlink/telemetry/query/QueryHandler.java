package dev.carlink.telemetry.query;

import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.HistoryPage;
import dev.carlink.proto.bus.v1.LatestState;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.telemetry.TelemetryConfig;
import dev.carlink.telemetry.Vin;
import dev.carlink.telemetry.store.StoredState;
import dev.carlink.telemetry.store.TelemetryRepository;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link BusAddress#TELEMETRY_QUERY_LATEST} and {@link BusAddress#TELEMETRY_QUERY_HISTORY}.
 * Bad requests fail with 400 before the database is touched; a car with no state with 404; a store
 * that cannot answer with 503. SQL runs on the given worker executor, never on the event loop.
 */
public final class QueryHandler {

    static final int BAD_REQUEST = 400;
    static final int NOT_FOUND = 404;
    static final int UNAVAILABLE = 503;
    static final String STORE_UNAVAILABLE = "telemetry store unavailable";

    private static final Logger log = LoggerFactory.getLogger(QueryHandler.class);

    private final WorkerExecutor queryThreads;
    private final TelemetryRepository repository;
    private final QueryCodec codec;

    /** @param queryThreads where the SQL of queries runs (not the ingest writer's thread) */
    public QueryHandler(WorkerExecutor queryThreads, TelemetryRepository repository, TelemetryConfig config) {
        this.queryThreads = queryThreads;
        this.repository = repository;
        this.codec = new QueryCodec(config.historyMaxLimit());
    }

    /** Answers a {@code StateQuery} with the car's {@code LatestState}. */
    public void latest(Message<Object> message) {
        QueryCodec.Decoded<Vin> decoded = codec.latest(message.body());
        if (decoded instanceof QueryCodec.Invalid<Vin> invalid) {
            log.debug("rejected latest-state query [detail: {}]", invalid.detail());
            message.fail(BAD_REQUEST, invalid.detail());
            return;
        }
        Vin vin = ((QueryCodec.Valid<Vin>) decoded).request();
        queryThreads
                .executeBlocking(() -> repository.latest(vin.value()), false)
                .onComplete(done -> {
                    if (done.failed()) {
                        log.warn(
                                "latest-state query failed [vin: {}, cause: {}]",
                                vin,
                                done.cause().toString());
                        message.fail(UNAVAILABLE, STORE_UNAVAILABLE);
                        return;
                    }
                    Optional<StoredState> state = done.result();
                    if (state.isEmpty()) {
                        message.fail(NOT_FOUND, "no state for vin " + vin);
                        return;
                    }
                    LatestState reply = LatestState.newBuilder()
                            .setVin(vin.value())
                            .setTelemetry(state.get().telemetry())
                            .setReceivedAtMs(state.get().receivedAt().toEpochMilli())
                            .build();
                    message.reply(Buffer.buffer(reply.toByteArray()));
                });
    }

    /** Answers a {@code HistoryQuery} with a {@code HistoryPage}. */
    public void history(Message<Object> message) {
        QueryCodec.Decoded<HistoryRequest> decoded = codec.history(message.body());
        if (decoded instanceof QueryCodec.Invalid<HistoryRequest> invalid) {
            log.debug("rejected history query [detail: {}]", invalid.detail());
            message.fail(BAD_REQUEST, invalid.detail());
            return;
        }
        HistoryRequest request = ((QueryCodec.Valid<HistoryRequest>) decoded).request();
        // one row more than asked tells whether the page is truncated
        queryThreads
                .executeBlocking(
                        () -> repository.history(
                                request.vin().value(),
                                request.from(),
                                request.to(),
                                request.afterTs(),
                                request.afterSeq(),
                                request.limit() + 1),
                        false)
                .onComplete(done -> {
                    if (done.failed()) {
                        log.warn(
                                "history query failed [vin: {}, cause: {}]",
                                request.vin(),
                                done.cause().toString());
                        message.fail(UNAVAILABLE, STORE_UNAVAILABLE);
                        return;
                    }
                    List<Telemetry> rows = done.result();
                    boolean truncated = rows.size() > request.limit();
                    HistoryPage page = HistoryPage.newBuilder()
                            .addAllSamples(truncated ? rows.subList(0, request.limit()) : rows)
                            .setTruncated(truncated)
                            .build();
                    message.reply(Buffer.buffer(page.toByteArray()));
                });
    }
}
