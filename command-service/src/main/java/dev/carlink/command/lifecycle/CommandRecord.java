package dev.carlink.command.lifecycle;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A stored command and, when read for display, its transitions. */
public record CommandRecord(
        UUID id,
        String vin,
        CommandType type,
        JsonObject params,
        CommandStatus status,
        String reasonCode,
        String detail,
        String requestedBy,
        Instant createdAt,
        Instant updatedAt,
        Instant expiresAt,
        Instant deadlineAt,
        List<Transition> transitions) {

    /**
     * One stored status change: when, who or what caused it ({@code actor}: a user, {@code vehicle:VIN},
     * {@code gateway} or {@code cloud}), why, and the reason code and detail it carried (what the car answered).
     */
    public record Transition(
            CommandStatus from,
            CommandStatus to,
            Instant at,
            String actor,
            String cause,
            String reasonCode,
            String detail) {
        JsonObject toJson() {
            return new JsonObject()
                    .put("from", from == null ? null : from.name())
                    .put("to", to.name())
                    .put("at", at.toString())
                    .put("actor", actor)
                    .put("cause", cause)
                    .put("reasonCode", reasonCode)
                    .put("detail", detail);
        }
    }

    CommandRecord withTransitions(List<Transition> all) {
        return new CommandRecord(
                id,
                vin,
                type,
                params,
                status,
                reasonCode,
                detail,
                requestedBy,
                createdAt,
                updatedAt,
                expiresAt,
                deadlineAt,
                List.copyOf(all));
    }

    /** The API's view; "mayHaveSucceeded" spells out what TIMED_OUT means. */
    public JsonObject toJson() {
        JsonObject json = new JsonObject()
                .put("id", id.toString())
                .put("vin", vin)
                .put("type", type.name())
                .put("params", params.copy())
                .put("status", status.name())
                .put("reasonCode", reasonCode)
                .put("detail", detail)
                .put("requestedBy", requestedBy)
                .put("createdAt", createdAt.toString())
                .put("updatedAt", updatedAt.toString())
                .put("expiresAt", expiresAt.toString())
                .put("final", !status.isActive());
        if (status == CommandStatus.TIMED_OUT) {
            json.put("mayHaveSucceeded", true);
        }
        if (!transitions.isEmpty()) {
            JsonArray list = new JsonArray();
            transitions.forEach(t -> list.add(t.toJson()));
            json.put("transitions", list);
        }
        return json;
    }
}
