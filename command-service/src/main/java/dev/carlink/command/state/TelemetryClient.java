package dev.carlink.command.state;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.FleetPage;
import dev.carlink.proto.bus.v1.FleetQuery;
import dev.carlink.proto.bus.v1.HistoryPage;
import dev.carlink.proto.bus.v1.HistoryQuery;
import dev.carlink.proto.bus.v1.LatestState;
import dev.carlink.proto.bus.v1.SeriesPage;
import dev.carlink.proto.bus.v1.SeriesQuery;
import dev.carlink.proto.bus.v1.StateQuery;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Asks the telemetry module, over the event bus, for a car's latest state and history. */
public final class TelemetryClient {

    private final Vertx vertx;
    private final DeliveryOptions options;

    public TelemetryClient(Vertx vertx, Duration timeout) {
        this.vertx = vertx;
        this.options = new DeliveryOptions().setSendTimeout(timeout.toMillis());
    }

    /** The latest state, or empty when the car never reported. */
    public Future<Optional<LatestState>> latest(String vin) {
        Buffer query = Buffer.buffer(StateQuery.newBuilder().setVin(vin).build().toByteArray());
        return vertx.eventBus()
                .<Buffer>request(BusAddress.TELEMETRY_QUERY_LATEST, query, options)
                .map(reply -> Optional.of(parse(reply.body())))
                .recover(failure -> failure instanceof ReplyException e && e.failureCode() == 404
                        ? Future.succeededFuture(Optional.empty())
                        : Future.failedFuture(failure));
    }

    /**
     * Raw samples in [from, to), oldest first; with a cursor ({@code afterTsMs} and {@code afterSeq} of the last
     * sample of the previous page, both 0 for none), the samples after it.
     */
    public Future<HistoryPage> history(String vin, Instant from, Instant to, int limit, long afterTsMs, long afterSeq) {
        HistoryQuery query = HistoryQuery.newBuilder()
                .setVin(vin)
                .setFromMs(from.toEpochMilli())
                .setToMs(to.toEpochMilli())
                .setLimit(limit)
                .setAfterTsMs(afterTsMs)
                .setAfterSeq(afterSeq)
                .build();
        return vertx.eventBus()
                .<Buffer>request(BusAddress.TELEMETRY_QUERY_HISTORY, Buffer.buffer(query.toByteArray()), options)
                .map(reply -> {
                    try {
                        return HistoryPage.parseFrom(reply.body().getBytes());
                    } catch (InvalidProtocolBufferException e) {
                        throw new IllegalStateException("telemetry answered an unreadable history page", e);
                    }
                });
    }

    /** Min/avg/max per bucket of the car's numeric signals in [from, to); a zero width lets telemetry choose. */
    public Future<SeriesPage> series(String vin, Instant from, Instant to, Duration width) {
        SeriesQuery query = SeriesQuery.newBuilder()
                .setVin(vin)
                .setFromMs(from.toEpochMilli())
                .setToMs(to.toEpochMilli())
                .setBucketS((int) width.toSeconds())
                .build();
        return vertx.eventBus()
                .<Buffer>request(BusAddress.TELEMETRY_QUERY_SERIES, Buffer.buffer(query.toByteArray()), options)
                .map(reply -> {
                    try {
                        return SeriesPage.parseFrom(reply.body().getBytes());
                    } catch (InvalidProtocolBufferException e) {
                        throw new IllegalStateException("telemetry answered an unreadable series page", e);
                    }
                });
    }

    /** The cars whose latest state matches {@code query}, by VIN. */
    public Future<FleetPage> fleet(FleetQuery query) {
        return vertx.eventBus()
                .<Buffer>request(BusAddress.TELEMETRY_QUERY_FLEET, Buffer.buffer(query.toByteArray()), options)
                .map(reply -> {
                    try {
                        return FleetPage.parseFrom(reply.body().getBytes());
                    } catch (InvalidProtocolBufferException e) {
                        throw new IllegalStateException("telemetry answered an unreadable fleet page", e);
                    }
                });
    }

    private static LatestState parse(Buffer body) {
        try {
            return LatestState.parseFrom(body.getBytes());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("telemetry answered an unreadable state", e);
        }
    }
}
