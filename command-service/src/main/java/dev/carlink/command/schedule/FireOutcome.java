package dev.carlink.command.schedule;

/** What became of one occurrence of a schedule. */
public enum FireOutcome {
    /** A CLIMATE_START command was created for it. */
    FIRED,
    /** No command, for a {@link SkipReason}. */
    SKIPPED
}
