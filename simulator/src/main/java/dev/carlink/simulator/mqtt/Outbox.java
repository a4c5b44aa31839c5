package dev.carlink.simulator.mqtt;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * The bounded in-memory queue of messages a car has not yet had acknowledged. When full, the oldest telemetry
 * sample makes room first (a newer sample supersedes it); results and events go only when nothing else is
 * left. Thread-safe.
 */
final class Outbox {

    /** What an outbound message is, for counting and for the drop policy. */
    enum Kind {
        TELEMETRY,
        EVENT,
        RESULT
    }

    /** One message to publish with QoS 1. */
    record Message(Kind kind, String topic, byte[] payload) {}

    private final int capacity;
    private final Deque<Message> queue = new ArrayDeque<>();
    private long dropped;

    Outbox(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    /** Appends a message; returns the message dropped to make room, or {@code null}. */
    synchronized Message add(Message message) {
        Message victim = makeRoom();
        queue.addLast(message);
        return victim;
    }

    /** Puts a message back at the head (a publish that failed); returns the message dropped, or {@code null}. */
    synchronized Message returnToHead(Message message) {
        Message victim = makeRoom();
        queue.addFirst(message);
        return victim;
    }

    synchronized Message poll() {
        return queue.pollFirst();
    }

    synchronized int size() {
        return queue.size();
    }

    synchronized long dropped() {
        return dropped;
    }

    private Message makeRoom() {
        if (queue.size() < capacity) {
            return null;
        }
        dropped++;
        for (Iterator<Message> it = queue.iterator(); it.hasNext(); ) {
            Message candidate = it.next();
            if (candidate.kind() == Kind.TELEMETRY) {
                it.remove();
                return candidate;
            }
        }
        return queue.pollFirst();
    }
}
