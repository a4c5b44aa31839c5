package dev.carlink.simulator.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** Counters and the latency recorder every car writes to, from any event loop. */
final class LoadStats {

    final AtomicInteger connected = new AtomicInteger();
    final AtomicInteger connectFailed = new AtomicInteger();
    /** Connections lost (or dropped by a reconnect storm) and taken up again. */
    final AtomicInteger reconnects = new AtomicInteger();
    /** Messages whose intended send time has come. */
    final AtomicLong intended = new AtomicLong();
    /** Messages written to a connection. */
    final AtomicLong sent = new AtomicLong();
    /** Messages the gateway acknowledged (QoS 1). */
    final AtomicLong acked = new AtomicLong();
    /** Acknowledgements for a packet that was not outstanding. */
    final AtomicLong duplicates = new AtomicLong();
    /** Intended messages that could not be written (car not connected, write failed). */
    final AtomicLong notSent = new AtomicLong();

    private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
    /** Intended-send-time to PUBACK, microseconds. */
    private final Recorder latency = new Recorder(3);

    void error(String reason) {
        errors.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    }

    void recordLatencyMicros(long micros) {
        latency.recordValue(Math.max(0, micros));
    }

    /** The latencies recorded since the last call. */
    Histogram interval() {
        return latency.getIntervalHistogram();
    }

    Map<String, Long> errors() {
        Map<String, Long> out = new TreeMap<>();
        errors.forEach((reason, count) -> out.put(reason, count.get()));
        return out;
    }
}
