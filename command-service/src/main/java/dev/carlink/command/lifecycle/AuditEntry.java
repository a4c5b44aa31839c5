package dev.carlink.command.lifecycle;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * One line of the command audit trail: who asked for what, and each step after it with its actor and what
 * the car answered. Read-only: the database refuses changes to the rows behind it.
 */
public record AuditEntry(
        long id,
        Instant at,
        String vin,
        UUID commandId,
        String type,
        JsonObject params,
        String requestedBy,
        String from,
        String to,
        String actor,
        String cause,
        String reasonCode,
        String detail) {

    public JsonObject toJson() {
        return new JsonObject()
                .put("id", id)
                .put("at", at.toString())
                .put("vin", vin)
                .put("commandId", commandId.toString())
                .put("type", type)
                .put("params", params.copy())
                .put("requestedBy", requestedBy)
                .put("from", from)
                .put("to", to)
                .put("actor", actor)
                .put("cause", cause)
                .put("reasonCode", reasonCode)
                .put("detail", detail);
    }
}
