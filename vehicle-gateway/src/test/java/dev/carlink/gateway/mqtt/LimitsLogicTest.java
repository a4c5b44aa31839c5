package dev.carlink.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.carlink.proto.LoginThrottle;
import io.netty.handler.codec.mqtt.MqttProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pure logic behind the MQTT limits: login throttling, the message rate bucket and topic aliases. */
class LimitsLogicTest {

    private final AtomicLong nowMs = new AtomicLong(1_000_000);
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(nowMs.get());
        }
    };

    @Test
    void loginThrottle_blocksACarAfterTheLimitWithinAMinute_forTheBlockTime_andFailuresAgeOut() {
        LoginThrottle throttle = new LoginThrottle(3, Duration.ofSeconds(30), clock);

        assertThat(throttle.failed("10.0.0.1", "A")).isFalse();
        nowMs.addAndGet(61_000); // the first failure ages out
        assertThat(throttle.failed("10.0.0.1", "A")).isFalse();
        assertThat(throttle.failed("10.0.0.1", "A")).isFalse();
        assertThat(throttle.blocked("10.0.0.1", "A")).isFalse();
        assertThat(throttle.failed("10.0.0.1", "A")).isTrue();
        assertThat(throttle.blocked("10.0.0.1", "A")).isTrue();
        assertThat(throttle.blocked("10.0.0.1", "B"))
                .as("another car behind the same NAT")
                .isFalse();
        assertThat(throttle.blocked("10.0.0.2", "A"))
                .as("the car from elsewhere")
                .isFalse();
        nowMs.addAndGet(30_000);
        assertThat(throttle.blocked("10.0.0.1", "A")).isFalse();
    }

    @Test
    void loginThrottle_anAddressFailingForManyCars_isBlockedWhole() {
        LoginThrottle throttle = new LoginThrottle(3, Duration.ofSeconds(30), clock);
        int failures = 3 * LoginThrottle.ADDRESS_FACTOR;
        for (int i = 0; i < failures - 1; i++) {
            assertThat(throttle.failed("10.0.0.9", "CAR" + i)).isFalse();
        }
        assertThat(throttle.failed("10.0.0.9", "ANOTHER")).isTrue();
        assertThat(throttle.blocked("10.0.0.9", "NEVER-TRIED")).isTrue();
        assertThat(throttle.blocked("10.0.0.10", "NEVER-TRIED")).isFalse();
    }

    @Test
    void loginThrottle_aSuccessClearsFailures_andHostsIgnoreThePort() {
        LoginThrottle throttle = new LoginThrottle(2, Duration.ofSeconds(30), clock);
        throttle.failed("10.0.0.1", "A");
        throttle.succeeded("10.0.0.1", "A");
        assertThat(throttle.failed("10.0.0.1", "A")).isFalse();
        assertThat(LoginThrottle.host("/127.0.0.5:40123")).isEqualTo("127.0.0.5");
        assertThat(LoginThrottle.host("[::1]:40123")).isEqualTo("[::1]");
    }

    @Test
    void messageRate_allowsTheBurst_thenTheRate() {
        MessageRate rate = new MessageRate(10, 3, 0);
        assertThat(rate.tryAcquire(0)).isTrue();
        assertThat(rate.tryAcquire(0)).isTrue();
        assertThat(rate.tryAcquire(0)).isTrue();
        assertThat(rate.tryAcquire(0)).isFalse();
        assertThat(rate.tryAcquire(100_000_000L))
                .as("one token after 100 ms at 10/s")
                .isTrue();
        assertThat(rate.tryAcquire(100_000_000L)).isFalse();
        assertThat(rate.tryAcquire(10_000_000_000L)).isTrue();
    }

    @Test
    void topicAliases_setThenUse_andRefuseUnknownOrOutOfRange() {
        TopicAliases aliases = new TopicAliases(2);
        assertThat(aliases.resolve("a/b", null).topic()).isEqualTo("a/b");
        assertThat(aliases.resolve("a/b", alias(1)).topic()).isEqualTo("a/b");
        assertThat(aliases.resolve("", alias(1)).topic()).isEqualTo("a/b");
        assertThat(aliases.resolve("", alias(2)).ok()).isFalse();
        assertThat(aliases.resolve("", alias(2)).invalidAlias()).isFalse();
        assertThat(aliases.resolve("x", alias(3)).invalidAlias()).isTrue();
        assertThat(aliases.resolve("x", alias(0)).invalidAlias()).isTrue();
        assertThat(new TopicAliases(0).resolve("x", alias(1)).ok())
                .as("none allowed")
                .isFalse();
    }

    @Test
    void limits_reportEveryBadField() {
        assertThatThrownBy(() -> new MqttLimits(0, 0, -1, Duration.ofSeconds(-1), 0, 0, 0, Duration.ZERO))
                .hasMessageContaining("maxConnections")
                .hasMessageContaining("receiveMaximum")
                .hasMessageContaining("topicAliasMaximum")
                .hasMessageContaining("sessionExpiryMax")
                .hasMessageContaining("messagesPerSecond")
                .hasMessageContaining("messageBurst")
                .hasMessageContaining("failedLoginsPerMinute")
                .hasMessageContaining("loginBlock");
    }

    private static MqttProperties alias(int value) {
        MqttProperties properties = new MqttProperties();
        properties.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS, value));
        return properties;
    }
}
