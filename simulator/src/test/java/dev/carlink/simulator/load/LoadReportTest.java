package dev.carlink.simulator.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadReportTest {

    static LoadReport report(long sent, long acked, long duplicates, Map<String, Long> errors) {
        return new LoadReport(
                LoadConfigTest.config(100, 1),
                10,
                10,
                0,
                0,
                10,
                sent,
                sent,
                acked,
                sent - acked,
                duplicates,
                0,
                7,
                acked,
                new LoadReport.Latency(acked, 1.5, 3, 9.25, 12, 20),
                errors,
                List.of(
                        new LoadReport.Second(1, 100, 100, 1.5, 9, 0, 0, 10),
                        new LoadReport.Second(2, 100, 98, 2, 11, 2, 5, 10)));
    }

    @Test
    void aCleanRun_passes_andItsTextShowsThroughputPercentilesAndTotals() {
        LoadReport clean = report(1000, 1000, 0, Map.of());

        assertThat(clean.passed()).isTrue();
        assertThat(clean.problems()).isEmpty();
        assertThat(clean.throughput()).isEqualTo(100.0);
        assertThat(clean.toText())
                .contains("achieved 100 msg/s acknowledged over 10.0 s (after 2.0 s warm-up)")
                .contains("1000 due, 1000 sent, 1000 acknowledged, 0 lost, 0 duplicated, 0 never sent"
                        + " (7 waited for the in-flight window)")
                .contains("p50 1.50  p90 3.00  p99 9.25  p99.9 12.00  max 20.00")
                .contains("errors       none")
                .contains("PASS");
    }

    @Test
    void json_holdsConfigTotalsThroughputPercentilesAndTheSeries() {
        JsonObject json = report(1000, 1000, 0, Map.of()).toJson();

        assertThat(json.getJsonObject("config").getDouble("rate")).isEqualTo(100.0);
        assertThat(json.getJsonObject("cars").getInteger("connected")).isEqualTo(10);
        assertThat(json.getJsonObject("throughput").getDouble("achievedPerSecond"))
                .isEqualTo(100.0);
        JsonObject messages = json.getJsonObject("messages");
        assertThat(messages.getLong("sent")).isEqualTo(1000);
        assertThat(messages.getLong("acknowledged")).isEqualTo(1000);
        assertThat(messages.getLong("lost")).isZero();
        assertThat(messages.getLong("duplicated")).isZero();
        JsonObject latency = json.getJsonObject("latencyMs");
        assertThat(latency.getDouble("p50")).isEqualTo(1.5);
        assertThat(latency.getDouble("p90")).isEqualTo(3.0);
        assertThat(latency.getDouble("p99")).isEqualTo(9.25);
        assertThat(latency.getDouble("p99.9")).isEqualTo(12.0);
        assertThat(latency.getDouble("max")).isEqualTo(20.0);
        assertThat(json.getJsonObject("errors")).isEmpty();
        assertThat(json.getBoolean("passed")).isTrue();
        JsonArray series = json.getJsonArray("series");
        assertThat(series).hasSize(2);
        assertThat(series.getJsonObject(1).getLong("ackedPerSecond")).isEqualTo(98);
        assertThat(series.getJsonObject(1).getDouble("p99Ms")).isEqualTo(11.0);
        assertThat(series.getJsonObject(1).getLong("backlogged")).isEqualTo(5);
        assertThat(messages.getLong("backlogged")).isEqualTo(7);
    }

    @Test
    void lostAndDuplicatedMessagesAndErrors_failTheRun_witheveryReason() {
        LoadReport bad = report(1000, 990, 3, Map.of("connection closed by the server", 2L));

        assertThat(bad.passed()).isFalse();
        assertThat(bad.problems())
                .containsExactly(
                        "10 message(s) sent but never acknowledged",
                        "3 duplicate acknowledgement(s)",
                        "2 x connection closed by the server");
        assertThat(bad.toText()).contains("10 lost, 3 duplicated").contains("FAIL");
        JsonObject json = bad.toJson();
        assertThat(json.getJsonObject("errors").getLong("connection closed by the server"))
                .isEqualTo(2);
        assertThat(json.getBoolean("passed")).isFalse();
        assertThat(json.getJsonArray("problems")).hasSize(3);
    }
}
