package dev.carlink.command.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T10:00:00Z"));
    private final RateLimiter limiter = new RateLimiter(new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    });

    @Test
    void requestsUpToTheLimit_pass_andTheNextWaitsForTheOldestToLeaveTheWindow() {
        Map<String, Integer> car = Map.of("vehicle:A", 2);
        assertThat(limiter.tryAcquire(car)).isEmpty();
        now.set(now.get().plusSeconds(20));
        assertThat(limiter.tryAcquire(car)).isEmpty();

        assertThat(limiter.tryAcquire(car)).contains(Duration.ofSeconds(40));

        now.set(now.get().plusSeconds(41));
        assertThat(limiter.tryAcquire(car)).isEmpty();
    }

    @Test
    void aRefusedRequest_consumesNothing_inAnyWindow() {
        assertThat(limiter.tryAcquire(Map.of("vehicle:A", 5, "owner:o", 1))).isEmpty();

        assertThat(limiter.tryAcquire(Map.of("vehicle:B", 5, "owner:o", 1))).isPresent();
        assertThat(limiter.tryAcquire(Map.of("vehicle:B", 1))).isEmpty();
    }

    @Test
    void keys_areIndependent() {
        assertThat(limiter.tryAcquire(Map.of("vehicle:A", 1))).isEmpty();
        assertThat(limiter.tryAcquire(Map.of("vehicle:B", 1))).isEmpty();
        assertThat(limiter.tryAcquire(Map.of("vehicle:A", 1))).isPresent();
    }
}
