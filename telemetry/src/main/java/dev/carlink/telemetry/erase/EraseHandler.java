package dev.carlink.telemetry.erase;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.TelemetryErase;
import dev.carlink.proto.bus.v1.TelemetryErased;
import dev.carlink.telemetry.Vin;
import dev.carlink.telemetry.series.VehicleErasure;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link BusAddress#TELEMETRY_ERASE}: an owner deleted their account, and everything telemetry holds about
 * their cars goes. A bad request fails with 400 before the database is touched; a store that could not erase with
 * 503, having erased nothing (the caller retries; erasing again is harmless).
 */
public final class EraseHandler {

    /** The most cars one request may name: an owner's fleet, not the whole database. */
    public static final int MAX_VINS = 1_000;

    static final int BAD_REQUEST = 400;
    static final int UNAVAILABLE = 503;

    private static final Logger log = LoggerFactory.getLogger(EraseHandler.class);

    private final WorkerExecutor threads;
    private final VehicleErasure erasure;

    /** @param threads where the deletes run (not the ingest writer's thread: a large erasure must not stall ingest) */
    public EraseHandler(WorkerExecutor threads, VehicleErasure erasure) {
        this.threads = threads;
        this.erasure = erasure;
    }

    public void erase(Message<Object> message) {
        if (!(message.body() instanceof Buffer body)) {
            message.fail(BAD_REQUEST, "malformed payload");
            return;
        }
        TelemetryErase request;
        try {
            request = TelemetryErase.parseFrom(body.getBytes());
        } catch (InvalidProtocolBufferException e) {
            message.fail(BAD_REQUEST, "malformed payload");
            return;
        }
        Optional<String> problem = problem(request.getVinsList());
        if (problem.isPresent()) {
            log.debug("rejected telemetry erasure [detail: {}]", problem.get());
            message.fail(BAD_REQUEST, problem.get());
            return;
        }
        List<String> vins = List.copyOf(request.getVinsList());
        threads.executeBlocking(() -> erasure.erase(vins), false).onComplete(done -> {
            if (done.failed()) {
                log.warn(
                        "telemetry erasure failed, nothing erased [cars: {}, cause: {}]",
                        vins.size(),
                        done.cause().toString());
                message.fail(UNAVAILABLE, "telemetry store unavailable");
                return;
            }
            VehicleErasure.Erased erased = done.result();
            log.info(
                    "erased telemetry [vins: {}, samples: {}, rollupRows: {}, latestStates: {}]",
                    vins,
                    erased.samples(),
                    erased.rollupRows(),
                    erased.latestStates());
            TelemetryErased reply = TelemetryErased.newBuilder()
                    .setSamples(erased.samples())
                    .setRollupRows(erased.rollupRows())
                    .setLatestStates(erased.latestStates())
                    .build();
            message.reply(Buffer.buffer(reply.toByteArray()));
        });
    }

    static Optional<String> problem(List<String> vins) {
        if (vins.isEmpty()) {
            return Optional.of("vins must name at least one car");
        }
        if (vins.size() > MAX_VINS) {
            return Optional.of("vins may name at most " + MAX_VINS + " cars, was " + vins.size());
        }
        for (String vin : vins) {
            Optional<String> vinProblem = Vin.problem(vin);
            if (vinProblem.isPresent()) {
                return vinProblem;
            }
        }
        return Optional.empty();
    }
}
