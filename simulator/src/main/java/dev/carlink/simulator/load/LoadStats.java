package dev.carlink.simulator.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

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
    /** Messages due after the warm-up that were written (QoS 0) or acknowledged (QoS 1): the throughput. */
    final AtomicLong measured = new AtomicLong();
    /** Acknowledgements for a packet that was not outstanding. */
    final AtomicLong duplicates = new AtomicLong();
    /** Messages that, when due, found their car's in-flight window full and waited (latency still from due). */
    final AtomicLong backlogged = new AtomicLong();
    /** Intended messages that could not be written (car not connected, write failed). */
    final AtomicLong notSent = new AtomicLong();
    /** Intended send time to PUBACK of the messages due after the warm-up. */
    final LatencyRecorder latency = new LatencyRecorder();

    private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();

    void error(String reason) {
        error(reason, 1);
    }

    void error(String reason, long count) {
        errors.computeIfAbsent(reason, r -> new AtomicLong()).addAndGet(count);
    }

    long errorCount() {
        return errors.values().stream().mapToLong(AtomicLong::get).sum();
    }

    Map<String, Long> errors() {
        Map<String, Long> out = new TreeMap<>();
        errors.forEach((reason, count) -> out.put(reason, count.get()));
        return out;
    }
}
