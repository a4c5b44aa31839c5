package dev.carlink.simulator.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadUnitTest {

    private static LoadReport report(long sent, long acked, Map<String, Long> errors) {
        return new LoadReport(
                "tcp://127.0.0.1:1883",
                10,
                10,
                0,
                0,
                1,
                100,
                10,
                sent,
                sent,
                acked,
                sent - acked,
                0,
                0,
                new LoadReport.Latency(acked, 1.5, 3, 9.25, 12, 20),
                errors,
                List.of(
                        new LoadReport.Second(1, 100, 100, 1.5, 9, 0, 10),
                        new LoadReport.Second(2, 100, 98, 2, 11, 2, 10)));
    }

    @Test
    void sourceAddresses_areLoopbackOnly() {
        assertThat(SourceAddresses.count(3)).containsExactly("127.0.0.1", "127.0.0.2", "127.0.0.3");
        assertThat(SourceAddresses.parse("127.0.0.5, 127.1.2.3")).containsExactly("127.0.0.5", "127.1.2.3");
        assertThatThrownBy(() -> SourceAddresses.parse("10.0.0.1")).hasMessageContaining("loopback");
        assertThatThrownBy(() -> SourceAddresses.parse("localhost")).hasMessageContaining("IPv4");
        assertThatThrownBy(() -> SourceAddresses.count(0)).hasMessageContaining("1..254");
    }

    @Test
    void config_listsEveryBadValue() {
        assertThatThrownBy(() -> new LoadConfig(
                        URI.create("tcp://x:1"),
                        0,
                        Duration.ZERO,
                        Duration.ofSeconds(1),
                        2,
                        10,
                        0,
                        List.of("127.0.0.1"),
                        Path.of("r"),
                        null,
                        2))
                .hasMessageContaining("rate")
                .hasMessageContaining("duration")
                .hasMessageContaining("qos")
                .hasMessageContaining("max in flight")
                .hasMessageContaining("storm fraction");
    }

    @Test
    void aCleanReport_passes_andShowsThroughputAndPercentiles() {
        LoadReport clean = report(1000, 1000, Map.of());

        assertThat(clean.passed()).isTrue();
        assertThat(clean.throughput()).isEqualTo(100.0);
        assertThat(clean.toText()).contains("p99 9.25").contains("0 lost").contains("PASS");
        JsonObject json = clean.toJson();
        assertThat(json.getJsonObject("latencyMs").getDouble("p99")).isEqualTo(9.25);
        assertThat(json.getJsonArray("series")).hasSize(2);
    }

    @Test
    void lostMessagesAndErrors_failTheReport_withReasons() {
        LoadReport bad = report(1000, 990, Map.of("connection closed by the server", 2L));

        assertThat(bad.passed()).isFalse();
        assertThat(bad.problems())
                .contains("10 message(s) sent but never acknowledged", "2 x connection closed by the server");
        assertThat(bad.toText()).contains("FAIL");
    }

    @Test
    void chart_drawsRateAndLatency_asInlineSvg_withoutScripts() {
        String html = LoadChart.html(report(1000, 1000, Map.of()));

        assertThat(html.split("<svg", -1)).hasSize(3);
        assertThat(html).contains("acknowledged").contains("p99").doesNotContain("<script");
    }
}
