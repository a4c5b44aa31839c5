package dev.carlink.command.lifecycle;

import java.util.EnumSet;
import java.util.Set;

/**
 * The lifecycle of a command. A command only moves forward; each state lists the states it may be
 * reached from, and {@link #canFollow} refuses everything else.
 *
 * <pre>
 * QUEUED -> SENT -> DELIVERED -> IN_PROGRESS -> SUCCEEDED | FAILED | REJECTED
 * QUEUED -> EXPIRED (the car never connected in time), QUEUED -> CANCELLED
 * SENT | DELIVERED | IN_PROGRESS -> TIMED_OUT ("may have succeeded")
 * TIMED_OUT -> SUCCEEDED | FAILED | REJECTED when the car's answer arrives late: the car is the truth
 * </pre>
 *
 * A car's result can overtake the gateway's receipts (they travel separately); the service then records
 * the steps the answer proves (SENT, DELIVERED) before it, so the history shows every step. A late
 * earlier step never moves a command back.
 */
public enum CommandStatus {
    QUEUED,
    SENT,
    DELIVERED,
    IN_PROGRESS,
    SUCCEEDED,
    FAILED,
    REJECTED,
    EXPIRED,
    TIMED_OUT,
    CANCELLED;

    private static final Set<CommandStatus> ACTIVE = EnumSet.of(QUEUED, SENT, DELIVERED, IN_PROGRESS);

    /** The states this one may be entered from. */
    public Set<CommandStatus> predecessors() {
        return switch (this) {
            case QUEUED -> EnumSet.noneOf(CommandStatus.class);
            case SENT -> EnumSet.of(QUEUED);
            case DELIVERED -> EnumSet.of(QUEUED, SENT);
            case IN_PROGRESS -> EnumSet.of(QUEUED, SENT, DELIVERED);
            case SUCCEEDED, FAILED, REJECTED -> EnumSet.of(QUEUED, SENT, DELIVERED, IN_PROGRESS, TIMED_OUT);
            case EXPIRED, CANCELLED -> EnumSet.of(QUEUED);
            case TIMED_OUT -> EnumSet.of(SENT, DELIVERED, IN_PROGRESS);
        };
    }

    public boolean canFollow(CommandStatus current) {
        return predecessors().contains(current);
    }

    /** Still waiting for the car or the gateway. */
    public boolean isActive() {
        return ACTIVE.contains(this);
    }

    /** Names of the active states, for SQL. */
    public static String[] activeNames() {
        return ACTIVE.stream().map(Enum::name).toArray(String[]::new);
    }
}
