package dev.carlink.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TelemetryConfigTest {

    @Test
    void defaults_areTheDocumentedConstants() {
        // when
        TelemetryConfig config = TelemetryConfig.defaults();

        // then
        assertThat(config.batchMaxSize()).isEqualTo(500);
        assertThat(config.batchMaxDelay()).isEqualTo(Duration.ofMillis(20));
        assertThat(config.maxPending()).isEqualTo(20_000);
        assertThat(config.historyMaxLimit()).isEqualTo(10_000);
        assertThat(config.maxFutureSkew()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void constructor_withSmallestLegalValues_isAccepted() {
        // when
        TelemetryConfig config = new TelemetryConfig(1, Duration.ofNanos(1), 1, 1, Duration.ZERO);

        // then
        assertThat(config.maxPending()).isEqualTo(1);
    }

    @Test
    void constructor_withSeveralBadFields_listsEveryOneWithItsValue() {
        // when / then
        assertThatThrownBy(() -> new TelemetryConfig(0, Duration.ZERO, -1, 10_001, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batchMaxSize must be in 1..10000, was 0")
                .hasMessageContaining("batchMaxDelay must be positive, was PT0S")
                .hasMessageContaining("maxPending must be at least batchMaxSize (0), was -1")
                .hasMessageContaining("historyMaxLimit must be in 1..10000, was 10001")
                .hasMessageContaining("maxFutureSkew must be zero or positive, was PT-1S");
    }

    @Test
    void constructor_withMaxPendingBelowBatchSize_isRefused() {
        // when / then
        assertThatThrownBy(() -> new TelemetryConfig(500, Duration.ofMillis(20), 499, 100, Duration.ZERO))
                .hasMessageContaining("maxPending must be at least batchMaxSize (500), was 499");
    }

    @Test
    void constructor_withMissingDurationsOrTooLongDelay_isRefused() {
        // when / then
        assertThatThrownBy(() -> new TelemetryConfig(1, null, 1, 1, null))
                .hasMessageContaining("batchMaxDelay must be positive, was null")
                .hasMessageContaining("maxFutureSkew must be zero or positive, was null");
        assertThatThrownBy(() -> new TelemetryConfig(1, Duration.ofMinutes(2), 1, 1, Duration.ZERO))
                .hasMessageContaining("batchMaxDelay must be at most PT1M, was PT2M");
    }
}
