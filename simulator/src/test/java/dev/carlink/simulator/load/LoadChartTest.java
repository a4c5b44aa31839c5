package dev.carlink.simulator.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadChartTest {

    @Test
    void thePage_drawsRateAndLatency_asTwoInlineSvgCharts_withoutScriptsOrExternalResources() {
        String html = LoadChart.html(LoadReportTest.report(1000, 1000, 0, Map.of()));

        assertThat(html.split("<svg", -1)).hasSize(3);
        assertThat(html.split("<polyline", -1)).hasSize(5);
        assertThat(html)
                .contains("Messages per second")
                .contains(">sent<")
                .contains(">acknowledged<")
                .contains(">p50<")
                .contains(">p99<")
                .doesNotContain("<script")
                .doesNotContain("http://cdn")
                .doesNotContain("src=");
    }

    @Test
    void thePolylines_holdOnePointPerSecond() {
        String html = LoadChart.html(LoadReportTest.report(1000, 1000, 0, Map.of()));

        String firstLine = html.substring(html.indexOf("points=\"") + 8);
        firstLine = firstLine.substring(0, firstLine.indexOf('"'));

        assertThat(firstLine.split(" ")).hasSize(2);
    }
}
