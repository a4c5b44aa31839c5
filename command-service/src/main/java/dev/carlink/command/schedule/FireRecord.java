package dev.carlink.command.schedule;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One decided occurrence of a schedule.
 *
 * @param occurrence the ready-by instant that names the occurrence
 * @param plannedStart when the A/C was planned to start
 * @param decidedAt when the scheduler decided
 * @param commandId the CLIMATE_START command, when FIRED
 */
public record FireRecord(
        UUID scheduleId,
        Instant occurrence,
        Instant plannedStart,
        Instant decidedAt,
        FireOutcome outcome,
        Optional<SkipReason> reason,
        String detail,
        Optional<UUID> commandId) {

    public FireRecord {
        if ((outcome == FireOutcome.FIRED) != commandId.isPresent()) {
            throw new IllegalArgumentException("a FIRED occurrence, and only one, has a command");
        }
        if ((outcome == FireOutcome.SKIPPED) != reason.isPresent()) {
            throw new IllegalArgumentException("a SKIPPED occurrence, and only one, has a reason");
        }
    }

    /** How long after the planned start the decision came. */
    public Duration lateness() {
        Duration late = Duration.between(plannedStart, decidedAt);
        return late.isNegative() ? Duration.ZERO : late;
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("occurrence", occurrence.toString())
                .put("plannedStart", plannedStart.toString())
                .put("decidedAt", decidedAt.toString())
                .put("lateSeconds", lateness().toMillis() / 1000.0)
                .put("outcome", outcome.name())
                .put("reason", reason.map(Enum::name).orElse(null))
                .put("detail", detail)
                .put("commandId", commandId.map(UUID::toString).orElse(null));
    }
}
