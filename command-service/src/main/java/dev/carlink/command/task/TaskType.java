package dev.carlink.command.task;

import java.time.Duration;

/** Kinds of proactive service task, each with its priority, SLA and a short playbook for staff. */
public enum TaskType {
    DRIVER_FATIGUE_CRITICAL(
            Priority.HIGH,
            Duration.ofMinutes(15),
            "Call the driver now. Check they are safe; ask them to stop at the next rest area or hand over "
                    + "the wheel. Do not keep them talking while driving: keep it short, offer to call back "
                    + "once parked. Record whether they stopped.");

    /** How urgent a task is; URGENT is for life-safety. */
    public enum Priority {
        LOW,
        NORMAL,
        HIGH,
        URGENT
    }

    private final Priority priority;
    private final Duration sla;
    private final String playbook;

    TaskType(Priority priority, Duration sla, String playbook) {
        this.priority = priority;
        this.sla = sla;
        this.playbook = playbook;
    }

    public Priority priority() {
        return priority;
    }

    /** Time from opening to the deadline by which staff must have acted. */
    public Duration sla() {
        return sla;
    }

    public String playbook() {
        return playbook;
    }
}
