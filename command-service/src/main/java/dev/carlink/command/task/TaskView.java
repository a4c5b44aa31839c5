package dev.carlink.command.task;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/** A task as staff see it, with its timeline when read singly. */
public record TaskView(
        long id,
        String vin,
        TaskType type,
        TaskType.Priority priority,
        TaskStatus status,
        String assignee,
        String outcome,
        int occurrences,
        Instant createdAt,
        Instant updatedAt,
        Instant slaDueAt,
        Instant escalatedAt,
        Integer rating,
        String ratingComment,
        List<Entry> timeline) {

    /** One line of a task's timeline. */
    public record Entry(Instant at, String kind, String author, String text) {}

    /** This task with {@code entries} as its timeline. */
    public TaskView withTimeline(List<Entry> entries) {
        return new TaskView(
                id,
                vin,
                type,
                priority,
                status,
                assignee,
                outcome,
                occurrences,
                createdAt,
                updatedAt,
                slaDueAt,
                escalatedAt,
                rating,
                ratingComment,
                entries);
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject()
                .put("id", id)
                .put("vin", vin)
                .put("type", type.name())
                .put("title", type.title())
                .put("priority", priority.name())
                .put("status", status.name())
                .put("assignee", assignee)
                .put("outcome", outcome)
                .put("occurrences", occurrences)
                .put("createdAt", createdAt.toString())
                .put("updatedAt", updatedAt.toString())
                .put("slaDueAt", slaDueAt.toString())
                .put("escalated", escalatedAt != null)
                .put("escalatedAt", escalatedAt == null ? null : escalatedAt.toString())
                .put("rating", rating)
                .put("ratingComment", ratingComment)
                .put("playbook", type.playbook());
        if (!timeline.isEmpty()) {
            JsonArray entries = new JsonArray();
            timeline.forEach(e -> entries.add(new JsonObject()
                    .put("at", e.at().toString())
                    .put("kind", e.kind())
                    .put("author", e.author())
                    .put("text", e.text())));
            json.put("timeline", entries);
        }
        return json;
    }
}
