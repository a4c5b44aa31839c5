package dev.carlink.telemetry.query;

import dev.carlink.telemetry.Vin;
import java.time.Instant;
import java.util.Objects;

/**
 * A valid history query: samples of one car in [from, to), oldest first, at most {@code limit}.
 *
 * @param vin the car
 * @param from first instant included
 * @param to first instant excluded, after {@code from}
 * @param limit at most this many samples, positive
 * @param afterTs with {@code afterSeq}: only samples after this one by (time, seq); {@code from} and 0 for all
 */
record HistoryRequest(Vin vin, Instant from, Instant to, int limit, Instant afterTs, long afterSeq) {

    HistoryRequest {
        Objects.requireNonNull(vin, "vin");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to, was " + from + " and " + to);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
    }
}
