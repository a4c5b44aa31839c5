package dev.carlink.command.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Sliding-window limits on command requests, per key (a car, an owner). In memory, per process: a second
 * API instance keeps its own windows, so a limit across instances is the sum of theirs.
 */
final class RateLimiter {

    static final Duration WINDOW = Duration.ofMinutes(1);

    private final Clock clock;
    private final Map<String, ArrayDeque<Instant>> windows = new HashMap<>();

    RateLimiter(Clock clock) {
        this.clock = clock;
    }

    /**
     * Takes one request of {@code limit} per minute for every key, or none: empty when allowed, otherwise how
     * long until the busiest key allows one again.
     */
    synchronized Optional<Duration> tryAcquire(Map<String, Integer> limits) {
        Instant now = clock.instant();
        Instant windowStart = now.minus(WINDOW);
        Duration retryAfter = Duration.ZERO;
        for (Map.Entry<String, Integer> limit : limits.entrySet()) {
            ArrayDeque<Instant> window = windows.computeIfAbsent(limit.getKey(), k -> new ArrayDeque<>());
            while (!window.isEmpty() && !window.peekFirst().isAfter(windowStart)) {
                window.pollFirst();
            }
            if (window.size() >= limit.getValue()) {
                Duration wait = Duration.between(windowStart, window.peekFirst());
                retryAfter = wait.compareTo(retryAfter) > 0 ? wait : retryAfter;
            }
        }
        if (!retryAfter.isZero()) {
            return Optional.of(retryAfter);
        }
        limits.keySet().forEach(key -> windows.get(key).addLast(now));
        windows.values().removeIf(ArrayDeque::isEmpty);
        return Optional.empty();
    }
}
