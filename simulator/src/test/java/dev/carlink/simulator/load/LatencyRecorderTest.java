package dev.carlink.simulator.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyRecorderTest {

    private static final long MS = 1_000_000L;

    @Test
    void percentiles_ofOneHundredLatencies_areTheHdrValuesInMilliseconds() {
        LatencyRecorder recorder = new LatencyRecorder();
        for (int i = 1; i <= 100; i++) {
            recorder.record(i * MS);
        }

        LoadReport.Latency total = recorder.total();

        assertThat(total.count()).isEqualTo(100);
        assertThat(total.p50()).isCloseTo(50, within(0.1));
        assertThat(total.p90()).isCloseTo(90, within(0.1));
        assertThat(total.p99()).isCloseTo(99, within(0.1));
        assertThat(total.max()).isCloseTo(100, within(0.1));
    }

    @Test
    void eachClosedInterval_hasItsOwnPercentiles_andTheTotalHoldsThemAll() {
        LatencyRecorder recorder = new LatencyRecorder();
        for (int i = 0; i < 100; i++) {
            recorder.record(2 * MS);
        }
        LatencyRecorder.Interval first = recorder.closeInterval();
        for (int i = 0; i < 99; i++) {
            recorder.record(10 * MS);
        }
        recorder.record(500 * MS);
        LatencyRecorder.Interval second = recorder.closeInterval();
        LatencyRecorder.Interval empty = recorder.closeInterval();

        assertThat(first).isEqualTo(new LatencyRecorder.Interval(100, 2.0, 2.0));
        assertThat(second.count()).isEqualTo(100);
        assertThat(second.p50()).isCloseTo(10, within(0.02));
        assertThat(second.p99()).isCloseTo(10, within(0.02));
        assertThat(empty).isEqualTo(new LatencyRecorder.Interval(0, 0, 0));
        assertThat(recorder.intervals()).containsExactly(first, second, empty);
        LoadReport.Latency total = recorder.total();
        assertThat(total.count()).isEqualTo(200);
        assertThat(total.max()).isCloseTo(500, within(0.5));
    }

    @Test
    void aNegativeLatency_countsAsZero() {
        LatencyRecorder recorder = new LatencyRecorder();

        recorder.record(-5 * MS);

        assertThat(recorder.total().count()).isEqualTo(1);
        assertThat(recorder.total().max()).isZero();
    }
}
