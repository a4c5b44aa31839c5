package dev.carlink.simulator.load;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latencies from the intended send time to the PUBACK, in an HdrHistogram (microseconds, 3 significant digits).
 * Cars record from any event loop; the run closes one interval a second, which gives the per-second p50/p99
 * series and adds up to the whole run's percentiles.
 */
final class LatencyRecorder {

    /** One closed interval: how many latencies it held and their p50 and p99 in milliseconds. */
    record Interval(long count, double p50, double p99) {}

    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private final List<Interval> intervals = new ArrayList<>();

    /** Thread-safe: any event loop. A negative latency (clock granularity) counts as zero. */
    void record(long latencyNanos) {
        recorder.recordValue(Math.max(0, latencyNanos / 1000));
    }

    /** Closes the current interval (normally a second): adds it to the total and to the series. */
    synchronized Interval closeInterval() {
        Histogram interval = recorder.getIntervalHistogram();
        total.add(interval);
        Interval closed = new Interval(
                interval.getTotalCount(),
                millis(interval.getValueAtPercentile(50)),
                millis(interval.getValueAtPercentile(99)));
        intervals.add(closed);
        return closed;
    }

    /** Every closed interval, oldest first. */
    synchronized List<Interval> intervals() {
        return List.copyOf(intervals);
    }

    /** Percentiles over every closed interval; latencies recorded since the last close are added first. */
    synchronized LoadReport.Latency total() {
        total.add(recorder.getIntervalHistogram());
        return new LoadReport.Latency(
                total.getTotalCount(),
                millis(total.getValueAtPercentile(50)),
                millis(total.getValueAtPercentile(90)),
                millis(total.getValueAtPercentile(99)),
                millis(total.getValueAtPercentile(99.9)),
                millis(total.getMaxValue()));
    }

    /** Microseconds to milliseconds, two decimals. */
    static double millis(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }
}
