package dev.carlink.simulator.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadConfigTest {

    static LoadConfig config(double rate, int qos) {
        return new LoadConfig(
                URI.create("tcp://127.0.0.1:1883"),
                rate,
                Duration.ofSeconds(10),
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                qos,
                LoadConfig.DEFAULT_CONNECT_RATE,
                LoadConfig.DEFAULT_MAX_CONNECTING,
                LoadConfig.DEFAULT_MAX_IN_FLIGHT,
                List.of("127.0.0.1", "127.0.0.2"),
                Path.of("load-report"),
                null,
                0.5);
    }

    @Test
    void everyBadValue_isNamed_inOneMessage() {
        assertThatThrownBy(() -> new LoadConfig(
                        URI.create("tcp://x:1"),
                        0,
                        Duration.ZERO,
                        Duration.ofSeconds(-1),
                        Duration.ofSeconds(1),
                        2,
                        0,
                        0,
                        0,
                        List.of(),
                        Path.of("r"),
                        null,
                        2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rate must be 0 < rate <= 1000000 messages/s, was 0.0")
                .hasMessageContaining("duration must be positive, was PT0S")
                .hasMessageContaining("warmup must be zero or more, was PT-1S")
                .hasMessageContaining("qos must be 0 or 1, was 2")
                .hasMessageContaining("connect rate")
                .hasMessageContaining("max connecting must be at least 1, was 0")
                .hasMessageContaining("max in flight must be 1..65535, was 0")
                .hasMessageContaining("source address")
                .hasMessageContaining("storm fraction must be 0..1, was 2.0");
    }

    @Test
    void aReconnectStormAfterTheDuration_isRefused() {
        assertThatThrownBy(() -> new LoadConfig(
                        URI.create("tcp://x:1"),
                        10,
                        Duration.ofSeconds(5),
                        Duration.ZERO,
                        Duration.ZERO,
                        1,
                        10,
                        10,
                        10,
                        List.of("127.0.0.1"),
                        Path.of("r"),
                        Duration.ofSeconds(5),
                        1))
                .hasMessageContaining("reconnect storm must come within the duration");
    }

    @Test
    void json_showsEverySetting() {
        JsonObject json = config(500, 1).toJson();

        assertThat(json.getString("mqtt")).isEqualTo("tcp://127.0.0.1:1883");
        assertThat(json.getDouble("rate")).isEqualTo(500.0);
        assertThat(json.getDouble("durationSeconds")).isEqualTo(10.0);
        assertThat(json.getDouble("warmupSeconds")).isEqualTo(2.0);
        assertThat(json.getDouble("drainSeconds")).isEqualTo(5.0);
        assertThat(json.getInteger("maxConnecting")).isEqualTo(100);
        assertThat(json.getJsonArray("sourceAddresses").getList()).containsExactly("127.0.0.1", "127.0.0.2");
        assertThat(json.getValue("reconnectStormAtSeconds")).isNull();
    }
}
