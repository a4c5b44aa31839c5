package dev.carlink.telemetry.ingest;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The batching and backpressure rules, without threads or clocks: the caller passes a monotonic time
 * in nanoseconds. Not thread-safe: it lives on one event-loop context.
 *
 * <p>Items go into an open batch. The open batch is sealed when it holds {@code maxSize} items, or is
 * handed out once {@code maxDelay} has passed since its first item. At most one batch is in flight (the
 * writer is one thread, so a second would only wait); while it is, new items keep filling batches. When the
 * writer is free again and batches wait, the next {@link #takeReady} merges them, in arrival order, into one
 * write of at most {@code maxMergedSize} items: under load the writer's transactions grow, so each row costs
 * less (fewer statements and commits, one latest-state row per car per write). {@link #pending()} counts every item accepted
 * and not yet {@linkplain #complete completed}; past {@code maxPending} {@link #offer} refuses.
 *
 * @param <T> the queued item
 */
final class IngestBatcher<T> {

    private final int maxSize;
    private final int maxMergedSize;
    private final long maxDelayNanos;
    private final int maxPending;

    private final Deque<List<T>> sealed = new ArrayDeque<>();
    private List<T> open = new ArrayList<>();
    private long openSinceNanos;
    private List<T> inFlight;
    private int pending;

    IngestBatcher(int maxSize, int maxMergedSize, long maxDelayNanos, int maxPending) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("maxSize must be >= 1, was " + maxSize);
        }
        if (maxMergedSize < maxSize) {
            throw new IllegalArgumentException(
                    "maxMergedSize must be >= maxSize (" + maxSize + "), was " + maxMergedSize);
        }
        if (maxDelayNanos < 0) {
            throw new IllegalArgumentException("maxDelayNanos must be >= 0, was " + maxDelayNanos);
        }
        if (maxPending < maxSize) {
            throw new IllegalArgumentException("maxPending must be >= maxSize (" + maxSize + "), was " + maxPending);
        }
        this.maxSize = maxSize;
        this.maxMergedSize = maxMergedSize;
        this.maxDelayNanos = maxDelayNanos;
        this.maxPending = maxPending;
    }

    /**
     * Queues {@code item}, or refuses it when {@code maxPending} items already wait.
     *
     * @return false when refused: the caller must answer "retry later" at once
     */
    boolean offer(T item, long nowNanos) {
        if (pending >= maxPending) {
            return false;
        }
        if (open.isEmpty()) {
            openSinceNanos = nowNanos;
        }
        open.add(item);
        pending++;
        if (open.size() >= maxSize) {
            sealOpen();
        }
        return true;
    }

    /**
     * The next batch to write, if one is ready and none is in flight: the full batches waiting, merged up to
     * {@code maxMergedSize} items (the open batch too when there is room: it would only wait), else the open
     * batch once it is old enough. The returned batch is in flight until {@link #complete}; the caller must
     * not change it.
     */
    Optional<List<T>> takeReady(long nowNanos) {
        if (inFlight != null) {
            return Optional.empty();
        }
        if (sealed.isEmpty() && !open.isEmpty() && nowNanos - openSinceNanos >= maxDelayNanos) {
            sealOpen();
        }
        List<T> next = sealed.poll();
        if (next == null) {
            return Optional.empty();
        }
        if (!sealed.isEmpty() || !open.isEmpty()) {
            List<T> merged = new ArrayList<>(next);
            while (!sealed.isEmpty() && merged.size() + sealed.peek().size() <= maxMergedSize) {
                merged.addAll(sealed.poll());
            }
            if (sealed.isEmpty() && !open.isEmpty() && merged.size() + open.size() <= maxMergedSize) {
                merged.addAll(open);
                open = new ArrayList<>();
            }
            next = merged;
        }
        inFlight = next;
        return Optional.of(next);
    }

    /** The in-flight batch was written or failed: its items no longer count as pending. */
    void complete(List<T> batch) {
        if (inFlight == null || batch != inFlight) {
            throw new IllegalStateException("completed batch is not the one in flight");
        }
        pending -= inFlight.size();
        inFlight = null;
    }

    /**
     * How long until the open batch is due, zero if it is overdue, or empty when there is no open batch.
     * The caller arms a timer with it.
     */
    OptionalLong nanosUntilDue(long nowNanos) {
        if (open.isEmpty()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(0, openSinceNanos + maxDelayNanos - nowNanos));
    }

    /** Makes the open batch ready now, whatever its age (used when stopping). */
    void sealOpen() {
        if (!open.isEmpty()) {
            sealed.add(open);
            open = new ArrayList<>();
        }
    }

    /**
     * Removes every queued item that is not in flight (open and sealed batches), oldest first; they no
     * longer count as pending. Used to fail them all at once when the store is known to be down during
     * shutdown.
     */
    List<T> drainQueued() {
        sealOpen();
        List<T> drained = new ArrayList<>();
        for (List<T> batch : sealed) {
            drained.addAll(batch);
        }
        sealed.clear();
        pending -= drained.size();
        return drained;
    }

    /** Items accepted and not yet completed: open, sealed and in flight. */
    int pending() {
        return pending;
    }

    /** Whether a batch is in flight. */
    boolean busy() {
        return inFlight != null;
    }
}
