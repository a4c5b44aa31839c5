package dev.carlink.gateway.coap;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.network.KeyMID;
import org.eclipse.californium.core.network.deduplication.Deduplicator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Californium's duplicate detection with a ceiling: it remembers each incoming confirmable or non-confirmable
 * request (by peer and message id) for the exchange lifetime, as the library's mark-and-sweep does, so that a
 * retransmission gets the first answer again instead of being handled twice, but never more than {@code capacity}
 * of them. When full, the oldest is forgotten first.
 *
 * <p>Without the ceiling, memory grows with the request rate times the exchange lifetime (247 s), whoever sends:
 * UDP needs no handshake, so a flood from changing or spoofed addresses costs the server about 2.6 KB per request
 * for four minutes (the fuzz run, docs/fuzz.md). With it, a flood only shortens how long a request is remembered.
 * Forgetting early is safe here: every request a car sends is idempotent further in (telemetry by sequence number
 * and time, events by sequence number, results by command id), so a retransmission that is handled twice is
 * stored once and answered the same. A per-peer bound (Californium's {@code PEERS_MARK_AND_SWEEP}) would not do:
 * spoofed peers are free, and cars sharing one address and port through a NAT would push each other out.
 */
final class BoundedDeduplicator implements Deduplicator {

    private static final Logger log = LoggerFactory.getLogger(BoundedDeduplicator.class);

    /** One remembered request; compared by identity, so a stale queue entry never removes a newer one. */
    private static final class Entry {
        final KeyMID key;
        final Exchange exchange;
        final long nanos;

        Entry(KeyMID key, Exchange exchange, long nanos) {
            this.key = key;
            this.exchange = exchange;
            this.nanos = nanos;
        }
    }

    private final ConcurrentHashMap<KeyMID, Entry> entries = new ConcurrentHashMap<>();
    /** Every entry ever added and not yet dropped, oldest first (at least as many as {@link #entries}). */
    private final ConcurrentLinkedQueue<Entry> order = new ConcurrentLinkedQueue<>();

    private final AtomicInteger queued = new AtomicInteger();
    private final LongAdder evicted = new LongAdder();
    private final int capacity;
    private final long lifetimeNanos;
    private final long sweepMillis;
    private final boolean replaceForeign;
    private final LongSupplier nanoClock;

    private ScheduledExecutorService executor;
    private ScheduledFuture<?> sweeping;

    /**
     * @param capacity most requests remembered at once
     * @param lifetimeMillis how long a request is remembered at most (Californium's EXCHANGE_LIFETIME)
     * @param sweepMillis how often expired requests are dropped (Californium's MARK_AND_SWEEP_INTERVAL)
     * @param replaceForeign whether a request that arrives under the key of an exchange of the other origin
     *     replaces it (Californium's DEDUPLICATOR_AUTO_REPLACE)
     * @param nanoClock monotonic nanoseconds
     */
    BoundedDeduplicator(
            int capacity, long lifetimeMillis, long sweepMillis, boolean replaceForeign, LongSupplier nanoClock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        if (lifetimeMillis < 1 || sweepMillis < 1) {
            throw new IllegalArgumentException(
                    "lifetime and sweep interval must be positive, were " + lifetimeMillis + " and " + sweepMillis);
        }
        this.capacity = capacity;
        this.lifetimeNanos = TimeUnit.MILLISECONDS.toNanos(lifetimeMillis);
        this.sweepMillis = sweepMillis;
        this.replaceForeign = replaceForeign;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    @Override
    public synchronized void start() {
        if (sweeping == null && executor != null) {
            sweeping = executor.scheduleAtFixedRate(this::sweepSafely, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void stop() {
        if (sweeping != null) {
            sweeping.cancel(false);
            sweeping = null;
        }
        clear();
    }

    @Override
    public synchronized void setExecutor(ScheduledExecutorService executor) {
        if (sweeping != null) {
            throw new IllegalStateException("the executor cannot change while the deduplicator runs");
        }
        this.executor = executor;
    }

    @Override
    public Exchange findPrevious(KeyMID key, Exchange exchange) {
        Entry current = new Entry(key, exchange, nanoClock.getAsLong());
        Entry previous = entries.putIfAbsent(key, current);
        if (previous != null && replaceForeign && previous.exchange.getOrigin() != exchange.getOrigin()) {
            previous = entries.replace(key, previous, current) ? null : entries.putIfAbsent(key, current);
        }
        if (previous != null) {
            return previous.exchange;
        }
        added(current);
        return null;
    }

    @Override
    public boolean replacePrevious(KeyMID key, Exchange previous, Exchange exchange) {
        Entry current = new Entry(key, exchange, nanoClock.getAsLong());
        Entry stored = entries.get(key);
        boolean done = stored != null && stored.exchange == previous
                ? entries.replace(key, stored, current)
                : entries.putIfAbsent(key, current) == null;
        if (done) {
            added(current);
        }
        return done;
    }

    @Override
    public Exchange find(KeyMID key) {
        Entry entry = entries.get(key);
        return entry == null ? null : entry.exchange;
    }

    @Override
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    @Override
    public int size() {
        return entries.size();
    }

    @Override
    public void clear() {
        entries.clear();
        order.clear();
        queued.set(0);
    }

    /** Requests forgotten before their lifetime because the deduplicator was full, since start. */
    long evicted() {
        return evicted.sum();
    }

    private void added(Entry entry) {
        order.add(entry);
        int size = queued.incrementAndGet();
        while (size > capacity) {
            Entry oldest = order.poll();
            if (oldest == null) {
                break;
            }
            size = queued.decrementAndGet();
            if (entries.remove(oldest.key, oldest)) {
                evicted.increment();
            }
        }
    }

    /** Drops what outlived the lifetime. Entries are queued in arrival order, so it stops at the first young one. */
    void sweep() {
        long oldestAllowed = nanoClock.getAsLong() - lifetimeNanos;
        Entry oldest;
        while ((oldest = order.peek()) != null && oldest.nanos - oldestAllowed < 0) {
            if (order.remove(oldest)) {
                queued.decrementAndGet();
                entries.remove(oldest.key, oldest);
            }
        }
    }

    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) {
            log.warn("coap duplicate detection sweep failed; it runs again [size: {}]", entries.size(), e);
        }
    }
}
