package dev.carlink.telemetry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the telemetry module. Every value is checked when the record is built; a bad record
 * is refused with one message that lists every bad field and its value.
 *
 * @param batchMaxSize a batch is written as soon as it holds this many samples
 * @param batchMaxDelay a batch is written at the latest this long after its first sample arrived
 * @param maxPending samples accepted but not yet committed (open, queued and in-flight batches);
 *     past it new samples are refused at once with 503 "backpressure" instead of being buffered
 * @param historyMaxLimit the largest {@code limit} a history query may ask for; a larger one is
 *     refused with 400, never clamped
 * @param maxFutureSkew how far past the backend's clock a sample's timestamp may lie (car clocks
 *     drift); a sample further in the future is refused with 400
 */
public record TelemetryConfig(
        int batchMaxSize, Duration batchMaxDelay, int maxPending, int historyMaxLimit, Duration maxFutureSkew) {

    /** 500 rows keep one multi-row insert well under a few milliseconds and a few hundred KB. */
    public static final int DEFAULT_BATCH_MAX_SIZE = 500;

    /** 20 ms: the latency a single sample pays for being batched with others. */
    public static final Duration DEFAULT_BATCH_MAX_DELAY = Duration.ofMillis(20);

    /** 20,000 samples: about 40 full batches, a few seconds of a large fleet, a few MB of heap. */
    public static final int DEFAULT_MAX_PENDING = 20_000;

    /** The bus contract's upper bound for {@code HistoryQuery.limit}. */
    public static final int DEFAULT_HISTORY_MAX_LIMIT = 10_000;

    /** Largest allowed value of {@code historyMaxLimit}: the bus contract says 1..10000. */
    public static final int HISTORY_LIMIT_CEILING = 10_000;

    /** Largest allowed value of {@code batchMaxSize}: bounds one statement's parameter arrays. */
    public static final int BATCH_SIZE_CEILING = 10_000;

    /** Five minutes of clock drift between a car and the backend. */
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(5);

    /** Validates every field and lists every bad one. */
    public TelemetryConfig {
        List<String> problems = new ArrayList<>();
        if (batchMaxSize < 1 || batchMaxSize > BATCH_SIZE_CEILING) {
            problems.add("batchMaxSize must be in 1.." + BATCH_SIZE_CEILING + ", was " + batchMaxSize);
        }
        if (batchMaxDelay == null || batchMaxDelay.isNegative() || batchMaxDelay.isZero()) {
            problems.add("batchMaxDelay must be positive, was " + batchMaxDelay);
        } else if (batchMaxDelay.compareTo(Duration.ofMinutes(1)) > 0) {
            problems.add("batchMaxDelay must be at most PT1M, was " + batchMaxDelay);
        }
        if (maxPending < batchMaxSize) {
            problems.add("maxPending must be at least batchMaxSize (" + batchMaxSize + "), was " + maxPending);
        }
        if (historyMaxLimit < 1 || historyMaxLimit > HISTORY_LIMIT_CEILING) {
            problems.add("historyMaxLimit must be in 1.." + HISTORY_LIMIT_CEILING + ", was " + historyMaxLimit);
        }
        if (maxFutureSkew == null || maxFutureSkew.isNegative()) {
            problems.add("maxFutureSkew must be zero or positive, was " + maxFutureSkew);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid telemetry config: " + String.join("; ", problems));
        }
    }

    /** The documented defaults. */
    public static TelemetryConfig defaults() {
        return new TelemetryConfig(
                DEFAULT_BATCH_MAX_SIZE,
                DEFAULT_BATCH_MAX_DELAY,
                DEFAULT_MAX_PENDING,
                DEFAULT_HISTORY_MAX_LIMIT,
                DEFAULT_MAX_FUTURE_SKEW);
    }
}
