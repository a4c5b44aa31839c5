package dev.carlink.command.schedule;

/** What became of one occurrence of a schedule. */
public enum FireOutcome {
    /** The cloud created a CLIMATE_START command for it. */
    FIRED,
    /** No command, for a {@link SkipReason}. */
    SKIPPED,
    /**
     * The car holds the schedule (it acknowledged its version) and decides the occurrence itself, online or
     * not; its report says whether it started, or why not.
     */
    CAR
}
