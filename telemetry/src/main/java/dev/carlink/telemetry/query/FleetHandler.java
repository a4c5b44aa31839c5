package dev.carlink.telemetry.query;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.FleetPage;
import dev.carlink.proto.bus.v1.FleetQuery;
import dev.carlink.proto.bus.v1.LatestState;
import dev.carlink.telemetry.Vin;
import dev.carlink.telemetry.store.FleetQueries;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link BusAddress#TELEMETRY_QUERY_FLEET}: the cars whose latest state matches a staff filter. A bad
 * query fails with 400 before the database is touched; a store that cannot answer with 503.
 */
public final class FleetHandler {

    /** The largest page. */
    public static final int MAX_LIMIT = 1_000;

    private static final Logger log = LoggerFactory.getLogger(FleetHandler.class);

    private final WorkerExecutor queryThreads;
    private final FleetQueries queries;

    public FleetHandler(WorkerExecutor queryThreads, FleetQueries queries) {
        this.queryThreads = queryThreads;
        this.queries = queries;
    }

    public void fleet(Message<Object> message) {
        if (!(message.body() instanceof Buffer body)) {
            message.fail(QueryHandler.BAD_REQUEST, QueryCodec.MALFORMED_PAYLOAD);
            return;
        }
        FleetQuery query;
        try {
            query = FleetQuery.parseFrom(body.getBytes());
        } catch (InvalidProtocolBufferException e) {
            message.fail(QueryHandler.BAD_REQUEST, QueryCodec.MALFORMED_PAYLOAD);
            return;
        }
        Optional<String> problem = problem(query);
        if (problem.isPresent()) {
            message.fail(QueryHandler.BAD_REQUEST, problem.get());
            return;
        }
        int limit = query.getLimit();
        queryThreads
                .executeBlocking(() -> queries.find(query, limit + 1), false)
                .onComplete(done -> {
                    if (done.failed()) {
                        log.warn("fleet query failed [cause: {}]", done.cause().toString());
                        message.fail(QueryHandler.UNAVAILABLE, QueryHandler.STORE_UNAVAILABLE);
                        return;
                    }
                    List<FleetQueries.Match> rows = done.result();
                    boolean truncated = rows.size() > limit;
                    FleetPage.Builder page = FleetPage.newBuilder().setTruncated(truncated);
                    for (FleetQueries.Match m : truncated ? rows.subList(0, limit) : rows) {
                        page.addVehicles(LatestState.newBuilder()
                                .setVin(m.vin())
                                .setTelemetry(m.telemetry())
                                .setReceivedAtMs(m.receivedAt().toEpochMilli()));
                    }
                    message.reply(Buffer.buffer(page.build().toByteArray()));
                });
    }

    private static Optional<String> problem(FleetQuery query) {
        if (query.getLimit() < 1 || query.getLimit() > MAX_LIMIT) {
            return Optional.of(
                    "limit must be in 1.." + MAX_LIMIT + ", was " + Integer.toUnsignedString(query.getLimit()));
        }
        if (!query.getAfterVin().isEmpty()) {
            Optional<String> vinProblem = Vin.problem(query.getAfterVin());
            if (vinProblem.isPresent()) {
                return Optional.of("after_vin: " + vinProblem.get());
            }
        }
        if (query.hasCabinAboveC() && !Float.isFinite(query.getCabinAboveC())
                || query.hasCabinBelowC() && !Float.isFinite(query.getCabinBelowC())
                || query.hasChargeBelowPct() && !Float.isFinite(query.getChargeBelowPct())) {
            return Optional.of("thresholds must be finite numbers");
        }
        return Optional.empty();
    }
}
