package dev.carlink.gateway.mqtt;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Sends the acknowledgements of one connection in the order the messages arrived, whatever order
 * their outcomes are known in (MQTT 3.1.1 4.6.0-2, MQTT 5 4.6.0-2: PUBACKs go out in PUBLISH order).
 *
 * <p>Each QoS 1 PUBLISH reserves a {@link Slot} on arrival. When its outcome is known the slot is
 * completed with the acknowledgement to send, or dropped when none must be sent (the message was
 * not stored). Completed slots at the head of the queue are sent at once; a slot behind an open one
 * waits.
 *
 * <p>Not thread-safe: a queue belongs to one connection and is used on its event-loop thread only.
 */
final class OrderedAckQueue {

    private final Deque<Slot> slots = new ArrayDeque<>();
    private boolean closed;

    /** A place in line for the next message's acknowledgement. */
    Slot reserve() {
        Slot slot = new Slot();
        if (!closed) {
            slots.addLast(slot);
        }
        return slot;
    }

    /** Slots reserved and not yet sent or dropped. */
    int pending() {
        return slots.size();
    }

    /** Forgets every open slot: the connection is gone, nothing will be sent any more. */
    void close() {
        closed = true;
        slots.clear();
    }

    private void flush() {
        while (!slots.isEmpty() && slots.peekFirst().completed) {
            Runnable ack = slots.pollFirst().ack;
            if (ack != null) {
                ack.run();
            }
        }
    }

    /** One message's place in the acknowledgement order. */
    final class Slot {
        private boolean completed;
        private Runnable ack;

        private Slot() {}

        /**
         * The outcome is known: {@code ack} sends the acknowledgement once every earlier slot is done.
         *
         * @throws IllegalStateException if the slot was already completed or dropped
         */
        void complete(Runnable ack) {
            if (ack == null) {
                throw new IllegalArgumentException("ack must not be null; use drop() to send nothing");
            }
            finish(ack);
        }

        /**
         * No acknowledgement is sent for this message; later slots no longer wait for it.
         *
         * @throws IllegalStateException if the slot was already completed or dropped
         */
        void drop() {
            finish(null);
        }

        private void finish(Runnable action) {
            if (completed) {
                throw new IllegalStateException("ack slot already completed");
            }
            completed = true;
            ack = action;
            flush();
        }
    }
}
