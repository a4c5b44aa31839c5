package dev.carlink.command.task;

import java.time.Duration;

/**
 * Kinds of proactive service task, each with its priority, SLA, a title staff read in the queue and a short
 * playbook: what to check, what to say.
 */
public enum TaskType {
    DRIVER_FATIGUE_CRITICAL(
            Priority.HIGH,
            Duration.ofMinutes(15),
            "Driver in critical fatigue",
            "Call the driver now. Check they are safe; ask them to stop at the next rest area or hand over "
                    + "the wheel. Do not keep them talking while driving: keep it short, offer to call back "
                    + "once parked. Record whether they stopped."),
    HOT_CABIN_OCCUPIED(
            Priority.URGENT,
            Duration.ofMinutes(5),
            "Hot cabin with someone inside",
            "Life safety. Cooling was started automatically: check in the car's picture that the cabin "
                    + "temperature is falling. Call the owner at once and ask who is in the car and where the "
                    + "owner is. If nobody answers within two minutes, or a child or pet is alone in the car, "
                    + "call the emergency number with the car's location. Stay on until someone is at the car."),
    STERILIZATION_ABORTED(
            Priority.NORMAL,
            Duration.ofHours(4),
            "Sterilization aborted or failed",
            "Read the abort reason in the command history (door opened, occupant detected, over-temperature, "
                    + "gear out of P). Call the owner: explain what stopped the cycle, check nobody was hurt "
                    + "and the cabin was aired, and how to run it again safely (checklist, doors locked, "
                    + "everyone out). A fault reason (over-temperature, heater) means booking a workshop visit."),
    STERILIZATION_INTERRUPTED(
            Priority.HIGH,
            Duration.ofMinutes(30),
            "Car went silent during sterilization",
            "The car stopped reporting in the middle of a high-temperature cycle. The car aborts on its own "
                    + "on any violation, but nobody can see it now. Call the owner: ask them not to open the car "
                    + "until it has aired for 5 minutes, and whether the car is in a garage without network. "
                    + "Check the last cabin temperature and when the car comes back online."),
    REPEATED_COMMAND_FAILURES(
            Priority.NORMAL,
            Duration.ofHours(24),
            "Repeated command failures",
            "Several commands to this car failed. Read their reasons in the command history: a car asleep or "
                    + "offline (12 V battery, coverage), a refused precondition, or a fault in the car. Call "
                    + "the owner if it is a fault, and book a workshop visit or a remote diagnosis."),
    OWNER_RETRYING_FAILED_COMMAND(
            Priority.HIGH,
            Duration.ofMinutes(30),
            "Owner retrying a failing command",
            "The owner sent the same command again and again and it keeps failing: they are frustrated. Call "
                    + "before they call us. Explain the reason shown in the command history in plain words, "
                    + "say what will make it work (charge, close a door, wait for coverage) and offer help."),
    SCHEDULE_NOT_RUN(
            Priority.LOW,
            Duration.ofHours(24),
            "Scheduled A/C did not run",
            "An A/C schedule could not run (car offline, charge too low, car moving, not at the location). "
                    + "Check whether it keeps happening and why; tell the owner what to change (plug in, "
                    + "park where the schedule expects) if it repeats.");

    /** How urgent a task is; URGENT is for life-safety. */
    public enum Priority {
        LOW,
        NORMAL,
        HIGH,
        URGENT;

        /** One step more urgent, URGENT staying URGENT. */
        public Priority raised() {
            return this == URGENT ? URGENT : values()[ordinal() + 1];
        }
    }

    private final Priority priority;
    private final Duration sla;
    private final String title;
    private final String playbook;

    TaskType(Priority priority, Duration sla, String title, String playbook) {
        this.priority = priority;
        this.sla = sla;
        this.title = title;
        this.playbook = playbook;
    }

    public Priority priority() {
        return priority;
    }

    /** Time from opening to the deadline by which staff must have acted. */
    public Duration sla() {
        return sla;
    }

    public String title() {
        return title;
    }

    public String playbook() {
        return playbook;
    }
}
