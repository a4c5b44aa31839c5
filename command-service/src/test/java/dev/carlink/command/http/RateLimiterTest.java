package dev.carlink.command.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.command.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T10:00:00Z"));
    private final RateLimiter limiter = new RateLimiter(clock);

    @Test
    void requestsUpToTheLimit_pass_andTheNextWaitsForTheOldestToLeaveTheWindow() {
        Map<String, Integer> car = Map.of("vehicle:A", 2);
        assertThat(limiter.tryAcquire(car)).isEmpty();
        clock.set(clock.instant().plusSeconds(20));
        assertThat(limiter.tryAcquire(car)).isEmpty();

        assertThat(limiter.tryAcquire(car)).contains(Duration.ofSeconds(40));

        clock.set(clock.instant().plusSeconds(41));
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
