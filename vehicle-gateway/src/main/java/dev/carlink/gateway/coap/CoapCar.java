package dev.carlink.gateway.coap;

import dev.carlink.proto.v1.CommandBatch;
import dev.carlink.proto.v1.SignedCommand;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One car on CoAP: the commands sent to it and not acknowledged yet, its presence and when it was last heard
 * from. Thread-safe (synchronized): Californium's threads and the Vert.x event loop both use it.
 */
final class CoapCar {

    private final String vin;
    private final CommandsResource commands;
    private final Map<String, SignedCommand> pending = new LinkedHashMap<>();
    /** When the batch last changed or was last notified again (guarded by this). */
    private long batchChangedNanos = System.nanoTime();

    private volatile long lastSeenNanos = System.nanoTime();
    private boolean online;
    private MessageConsumer<Buffer> delivery;
    private String remoteAddress = "";

    CoapCar(String vin, CoapCommandsHandler handler) {
        this.vin = vin;
        this.commands = new CommandsResource(this, handler);
    }

    String vin() {
        return vin;
    }

    CommandsResource commands() {
        return commands;
    }

    void seen() {
        lastSeenNanos = System.nanoTime();
    }

    long silentNanos() {
        return System.nanoTime() - lastSeenNanos;
    }

    /** The batch a car reads: every pending command, oldest first. */
    synchronized CommandBatch batch() {
        return CommandBatch.newBuilder().addAllCommands(pending.values()).build();
    }

    /** Adds a command to the batch (a repeat of one already there replaces it in place). */
    synchronized void add(String commandId, SignedCommand command) {
        pending.put(commandId, command);
        batchChangedNanos = System.nanoTime();
    }

    /** Whether commands have waited in the batch, unacknowledged and unchanged, for {@code nanos} or more. */
    synchronized boolean unacknowledgedFor(long nanos) {
        return !pending.isEmpty() && System.nanoTime() - batchChangedNanos >= nanos;
    }

    /** The batch was just notified again: the wait for an acknowledgement starts over. */
    synchronized void renotified() {
        batchChangedNanos = System.nanoTime();
    }

    /** Removes acknowledged commands; returns those that were pending, by id. */
    synchronized Map<String, SignedCommand> acknowledge(List<String> commandIds) {
        Map<String, SignedCommand> removed = new LinkedHashMap<>();
        for (String id : commandIds) {
            SignedCommand command = pending.remove(id);
            if (command != null) {
                removed.put(id, command);
            }
        }
        if (!removed.isEmpty()) {
            batchChangedNanos = System.nanoTime();
        }
        return removed;
    }

    synchronized int pendingCount() {
        return pending.size();
    }

    synchronized boolean online() {
        return online;
    }

    /** Marks the car online; false when it already was. */
    synchronized boolean goOnline(String remote, MessageConsumer<Buffer> consumer) {
        remoteAddress = remote;
        if (online) {
            return false;
        }
        online = true;
        delivery = consumer;
        return true;
    }

    /** Marks the car offline and returns its delivery consumer to unregister, or null when it was offline. */
    synchronized MessageConsumer<Buffer> goOffline() {
        if (!online) {
            return null;
        }
        online = false;
        MessageConsumer<Buffer> consumer = delivery;
        delivery = null;
        return consumer;
    }

    synchronized String remoteAddress() {
        return remoteAddress;
    }
}
