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
 * @param commandId the CLIMATE_START command, when FIRED; the id the car runs it under, when CAR
 * @param reason why it did not start: always for SKIPPED, for CAR when the car reported a skip
 * @param carReportedAt when the car's report of this occurrence arrived, for CAR
 */
public record FireRecord(
        UUID scheduleId,
        Instant occurrence,
        Instant plannedStart,
        Instant decidedAt,
        FireOutcome outcome,
        Optional<SkipReason> reason,
        String detail,
        Optional<UUID> commandId,
        Optional<Instant> carReportedAt) {

    public FireRecord {
        if ((outcome != FireOutcome.SKIPPED) != commandId.isPresent()) {
            throw new IllegalArgumentException("a FIRED or CAR occurrence, and only one, has a command id");
        }
        if (outcome == FireOutcome.SKIPPED && reason.isEmpty()) {
            throw new IllegalArgumentException("a SKIPPED occurrence has a reason");
        }
        if (outcome == FireOutcome.FIRED && reason.isPresent()) {
            throw new IllegalArgumentException("a FIRED occurrence has no skip reason");
        }
    }

    /** A decision of the scheduler (not yet reported on by a car). */
    public FireRecord(
            UUID scheduleId,
            Instant occurrence,
            Instant plannedStart,
            Instant decidedAt,
            FireOutcome outcome,
            Optional<SkipReason> reason,
            String detail,
            Optional<UUID> commandId) {
        this(scheduleId, occurrence, plannedStart, decidedAt, outcome, reason, detail, commandId, Optional.empty());
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
                .put("commandId", commandId.map(UUID::toString).orElse(null))
                .put("carReportedAt", carReportedAt.map(Instant::toString).orElse(null));
    }
}
