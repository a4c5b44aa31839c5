package dev.carlink.command.schedule;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A stored schedule: the owner's spec, its version, and the planned next occurrence (both null while it is
 * disabled or a one-time schedule has run).
 *
 * @param version the car's schedule version when this schedule last changed
 */
public record ScheduleView(
        UUID id,
        String vin,
        ScheduleSpec spec,
        long version,
        String createdBy,
        Instant createdAt,
        Instant updatedAt,
        Instant nextReadyBy,
        Instant nextRunAt) {

    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("id", id.toString()).put("vin", vin);
        json.mergeIn(spec.toJson());
        return json.put("version", version)
                .put("nextReadyBy", nextReadyBy == null ? null : nextReadyBy.toString())
                .put("nextRunAt", nextRunAt == null ? null : nextRunAt.toString())
                .put(
                        "leadTimeMinutes",
                        nextRunAt == null
                                ? null
                                : Duration.between(nextRunAt, nextReadyBy).toMinutes())
                .put("createdBy", createdBy)
                .put("createdAt", createdAt.toString())
                .put("updatedAt", updatedAt.toString());
    }
}
