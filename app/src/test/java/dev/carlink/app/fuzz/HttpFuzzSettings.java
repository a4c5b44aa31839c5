package dev.carlink.app.fuzz;

import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP fuzz run's settings, from system properties ({@code -Dfuzz.http.requests=5000}); the defaults make the
 * full run, about four minutes on a 2-core machine.
 *
 * @param seed everything the fuzzer sends is drawn from it ({@code fuzz.seed}, shared with the gateway's run)
 * @param requests shots to send in all ({@code fuzz.http.requests}); a pipelined shot holds several requests
 * @param rate shots per second at most across the connections ({@code fuzz.http.rate}; 0: as fast as possible)
 * @param connections connections at a time, one sending thread each ({@code fuzz.http.connections})
 * @param legitIntervalMs how often the legitimate owner reads and commands ({@code fuzz.http.legitIntervalMs})
 * @param heapSlackMb how much the heap after GC may grow from start to end ({@code fuzz.heap.slackMb})
 * @param threadSlack how many more live threads the end may have than the start ({@code fuzz.threads.slack})
 */
record HttpFuzzSettings(
        long seed, long requests, int rate, int connections, long legitIntervalMs, long heapSlackMb, int threadSlack) {

    static final long DEFAULT_REQUESTS = 100_000;
    static final int DEFAULT_RATE = 600;
    static final int DEFAULT_CONNECTIONS = 4;
    static final long DEFAULT_LEGIT_INTERVAL_MS = 1_000;

    static HttpFuzzSettings fromSystemProperties() {
        return new HttpFuzzSettings(
                Long.getLong("fuzz.seed", FuzzSettings.DEFAULT_SEED),
                Long.getLong("fuzz.http.requests", DEFAULT_REQUESTS),
                Integer.getInteger("fuzz.http.rate", DEFAULT_RATE),
                Integer.getInteger("fuzz.http.connections", DEFAULT_CONNECTIONS),
                Long.getLong("fuzz.http.legitIntervalMs", DEFAULT_LEGIT_INTERVAL_MS),
                Long.getLong("fuzz.heap.slackMb", FuzzSettings.DEFAULT_HEAP_SLACK_MB),
                Integer.getInteger("fuzz.threads.slack", FuzzSettings.DEFAULT_THREAD_SLACK));
    }

    HttpFuzzSettings {
        List<String> problems = new ArrayList<>();
        if (requests < 0) {
            problems.add("fuzz.http.requests must not be negative, was " + requests);
        }
        if (rate < 0) {
            problems.add("fuzz.http.rate must not be negative, was " + rate);
        }
        if (connections < 1) {
            problems.add("fuzz.http.connections must be at least 1, was " + connections);
        }
        if (legitIntervalMs < 100) {
            problems.add("fuzz.http.legitIntervalMs must be at least 100, was " + legitIntervalMs);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid fuzz settings: " + String.join("; ", problems));
        }
    }
}
