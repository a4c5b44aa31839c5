package dev.carlink.telemetry.query;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.SeriesBuckets;
import dev.carlink.proto.bus.v1.SeriesBucket;
import dev.carlink.proto.bus.v1.SeriesPage;
import dev.carlink.proto.bus.v1.SeriesQuery;
import dev.carlink.proto.bus.v1.SignalSummary;
import dev.carlink.telemetry.series.BucketQueries;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link BusAddress#TELEMETRY_QUERY_SERIES}: min/avg/max per bucket of one car's numeric signals. A bad
 * query fails with 400 naming the field before the database is touched; a store that cannot answer with 503.
 */
public final class SeriesHandler {

    private static final Logger log = LoggerFactory.getLogger(SeriesHandler.class);

    private final WorkerExecutor queryThreads;
    private final BucketQueries queries;

    public SeriesHandler(WorkerExecutor queryThreads, BucketQueries queries) {
        this.queryThreads = queryThreads;
        this.queries = queries;
    }

    public void series(Message<Object> message) {
        if (!(message.body() instanceof Buffer body)) {
            message.fail(QueryHandler.BAD_REQUEST, QueryCodec.MALFORMED_PAYLOAD);
            return;
        }
        SeriesQuery query;
        try {
            query = SeriesQuery.parseFrom(body.getBytes());
        } catch (InvalidProtocolBufferException e) {
            message.fail(QueryHandler.BAD_REQUEST, QueryCodec.MALFORMED_PAYLOAD);
            return;
        }
        Optional<String> problem = QueryCodec.windowProblem(query.getVin(), query.getFromMs(), query.getToMs());
        if (problem.isPresent()) {
            log.debug("rejected series query [detail: {}]", problem.get());
            message.fail(QueryHandler.BAD_REQUEST, problem.get());
            return;
        }
        Instant from = Instant.ofEpochMilli(query.getFromMs());
        Instant to = Instant.ofEpochMilli(query.getToMs());
        Duration width = query.getBucketS() == 0
                ? SeriesBuckets.autoWidth(Duration.between(from, to))
                : Duration.ofSeconds(Integer.toUnsignedLong(query.getBucketS()));
        Optional<String> span = SeriesBuckets.problem(from, to, width);
        if (span.isPresent()) {
            message.fail(QueryHandler.BAD_REQUEST, span.get());
            return;
        }
        queryThreads
                .executeBlocking(() -> queries.query(query.getVin(), from, to, width), false)
                .onComplete(done -> {
                    if (done.failed()) {
                        log.warn(
                                "series query failed [vin: {}, cause: {}]",
                                query.getVin(),
                                done.cause().toString());
                        message.fail(QueryHandler.UNAVAILABLE, QueryHandler.STORE_UNAVAILABLE);
                        return;
                    }
                    message.reply(
                            Buffer.buffer(page(done.result(), from, to, width).toByteArray()));
                });
    }

    private static SeriesPage page(List<BucketQueries.Bucket> buckets, Instant from, Instant to, Duration width) {
        SeriesPage.Builder page = SeriesPage.newBuilder()
                .setBucketS((int) width.toSeconds())
                .setFromMs(SeriesBuckets.alignDown(from, width).toEpochMilli())
                .setToMs(SeriesBuckets.alignUp(to, width).toEpochMilli());
        for (BucketQueries.Bucket bucket : buckets) {
            SeriesBucket.Builder b = SeriesBucket.newBuilder()
                    .setStartMs(bucket.start().toEpochMilli())
                    .setSamples(bucket.samples());
            for (BucketQueries.SignalStats s : bucket.signals()) {
                b.addSignals(SignalSummary.newBuilder()
                        .setSignal(s.signal().vss())
                        .setMin(s.min())
                        .setAvg(s.avg())
                        .setMax(s.max())
                        .setCount(s.count()));
            }
            page.addBuckets(b);
        }
        return page.build();
    }
}
