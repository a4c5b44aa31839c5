package dev.carlink.command.task;

import java.util.EnumSet;
import java.util.Set;

/** The life of a service task; {@link #canFollow} refuses every other move. */
public enum TaskStatus {
    OPEN,
    CLAIMED,
    IN_PROGRESS,
    RESOLVED,
    DISMISSED;

    public Set<TaskStatus> predecessors() {
        return switch (this) {
            case OPEN -> EnumSet.noneOf(TaskStatus.class);
            case CLAIMED -> EnumSet.of(OPEN);
            case IN_PROGRESS -> EnumSet.of(CLAIMED);
            case RESOLVED -> EnumSet.of(CLAIMED, IN_PROGRESS);
            case DISMISSED -> EnumSet.of(OPEN, CLAIMED, IN_PROGRESS);
        };
    }

    public boolean canFollow(TaskStatus current) {
        return predecessors().contains(current);
    }

    public boolean isOpen() {
        return this == OPEN || this == CLAIMED || this == IN_PROGRESS;
    }
}
