package dev.carlink.telemetry.query;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.bus.v1.HistoryQuery;
import dev.carlink.proto.bus.v1.StateQuery;
import dev.carlink.telemetry.TelemetrySample;
import dev.carlink.telemetry.Vin;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.Optional;

/**
 * Event-bus bodies of the two queries to validated requests. Returns a valid request or the text of
 * a 400 reply, never null; {@code limit} is checked, never clamped.
 */
final class QueryCodec {

    /** A decoded query: valid, or refused with a reason. */
    sealed interface Decoded<T> permits Valid, Invalid {}

    /** A valid request. */
    record Valid<T>(T request) implements Decoded<T> {}

    /** The text of the 400 reply, naming the field and its value. */
    record Invalid<T>(String detail) implements Decoded<T> {}

    static final String MALFORMED_PAYLOAD = "malformed payload";

    private final int historyMaxLimit;

    QueryCodec(int historyMaxLimit) {
        this.historyMaxLimit = historyMaxLimit;
    }

    /** A {@code StateQuery} body to the car it asks about. */
    Decoded<Vin> latest(Object body) {
        if (!(body instanceof Buffer buffer)) {
            return new Invalid<>(MALFORMED_PAYLOAD);
        }
        StateQuery query;
        try {
            query = StateQuery.parseFrom(buffer.getBytes());
        } catch (InvalidProtocolBufferException e) {
            return new Invalid<>(MALFORMED_PAYLOAD);
        }
        Optional<String> vinProblem = Vin.problem(query.getVin());
        if (vinProblem.isPresent()) {
            return new Invalid<>(vinProblem.get());
        }
        return new Valid<>(new Vin(query.getVin()));
    }

    /** A {@code HistoryQuery} body to a history request. */
    Decoded<HistoryRequest> history(Object body) {
        if (!(body instanceof Buffer buffer)) {
            return new Invalid<>(MALFORMED_PAYLOAD);
        }
        HistoryQuery query;
        try {
            query = HistoryQuery.parseFrom(buffer.getBytes());
        } catch (InvalidProtocolBufferException e) {
            return new Invalid<>(MALFORMED_PAYLOAD);
        }
        Optional<String> problem = problem(query);
        if (problem.isPresent()) {
            return new Invalid<>(problem.get());
        }
        return new Valid<>(new HistoryRequest(
                new Vin(query.getVin()),
                Instant.ofEpochMilli(query.getFromMs()),
                Instant.ofEpochMilli(query.getToMs()),
                query.getLimit(),
                query.getAfterTsMs() == 0 && query.getAfterSeq() == 0
                        ? Instant.ofEpochMilli(query.getFromMs())
                        : Instant.ofEpochMilli(query.getAfterTsMs()),
                query.getAfterSeq()));
    }

    private Optional<String> problem(HistoryQuery query) {
        Optional<String> window = windowProblem(query.getVin(), query.getFromMs(), query.getToMs());
        if (window.isPresent()) {
            return window;
        }
        long max = TelemetrySample.MAX_EPOCH_MS;
        if (query.getAfterTsMs() < 0 || query.getAfterTsMs() > max) {
            return Optional.of("after_ts_ms must be in 0.." + max + ", was " + query.getAfterTsMs());
        }
        if (query.getAfterSeq() < 0) {
            return Optional.of("after_seq must be at most " + Long.MAX_VALUE + ", was "
                    + Long.toUnsignedString(query.getAfterSeq()));
        }
        if (query.getLimit() < 1 || query.getLimit() > historyMaxLimit) {
            return Optional.of(
                    "limit must be in 1.." + historyMaxLimit + ", was " + Integer.toUnsignedString(query.getLimit()));
        }
        return Optional.empty();
    }

    /** The first problem of a query's car and [from, to) window, shared by the history and series queries. */
    static Optional<String> windowProblem(String vin, long fromMs, long toMs) {
        Optional<String> vinProblem = Vin.problem(vin);
        if (vinProblem.isPresent()) {
            return vinProblem;
        }
        long max = TelemetrySample.MAX_EPOCH_MS;
        if (fromMs < 0 || fromMs > max) {
            return Optional.of("from_ms must be in 0.." + max + ", was " + fromMs);
        }
        if (toMs < 0 || toMs > max) {
            return Optional.of("to_ms must be in 0.." + max + ", was " + toMs);
        }
        if (fromMs >= toMs) {
            return Optional.of("from_ms must be before to_ms, was from_ms " + fromMs + " and to_ms " + toMs);
        }
        return Optional.empty();
    }
}
