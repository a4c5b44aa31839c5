package dev.carlink.command.http;

import dev.carlink.command.lifecycle.FieldError;
import dev.carlink.command.lifecycle.Json;
import dev.carlink.command.task.TaskService;
import dev.carlink.command.task.TaskStatus;
import dev.carlink.command.vehicle.Vin;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Staff's task queue: list, read, claim, resolve, dismiss. */
final class TaskRoutes {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    static final long KEEPALIVE_MS = 15_000;

    private final TaskService tasks;
    private final SessionStreams sessions;
    /** Open queue streams; touched only on the event loop of the verticle that mounted the routes. */
    private final List<HttpServerResponse> queue = new ArrayList<>();

    TaskRoutes(io.vertx.core.Vertx vertx, TaskService tasks, SessionStreams sessions) {
        this.tasks = tasks;
        this.sessions = sessions;
        vertx.eventBus().<JsonObject>localConsumer(TaskService.CHANGED_ADDRESS, msg -> changed(msg.body()));
    }

    void mount(Router api) {
        api.get("/tasks").handler(this::list);
        api.get("/tasks/stream").handler(this::stream);
        api.get("/tasks/:id").handler(this::one);
        api.post("/tasks/:id/claim").handler(this::claim);
        api.post("/tasks/:id/start").handler(this::start);
        api.post("/tasks/:id/notes").handler(this::note);
        api.post("/tasks/:id/resolve").handler(ctx -> close(ctx, true));
        api.post("/tasks/:id/dismiss").handler(ctx -> close(ctx, false));
    }

    private void list(RoutingContext ctx) {
        if (!BearerAuth.requireStaff(ctx)) {
            return;
        }
        List<TaskStatus> statuses = new ArrayList<>();
        String rawStatus = ctx.request().getParam("status");
        if (rawStatus == null) {
            statuses.addAll(List.of(TaskStatus.OPEN, TaskStatus.CLAIMED, TaskStatus.IN_PROGRESS));
        } else {
            for (String s : rawStatus.split(",")) {
                try {
                    statuses.add(TaskStatus.valueOf(s.trim()));
                } catch (IllegalArgumentException e) {
                    Problem.badField(
                            ctx, "status", "must be among " + Arrays.toString(TaskStatus.values()) + ", was " + s);
                    return;
                }
            }
        }
        String vin = ctx.request().getParam("vin");
        if (vin != null && !Vin.isValid(vin)) {
            Problem.badField(ctx, "vin", Vin.describe(vin));
            return;
        }
        int limit;
        try {
            String raw = ctx.request().getParam("limit");
            limit = raw == null ? DEFAULT_LIMIT : Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            Problem.badField(ctx, "limit", "must be a whole number");
            return;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            Problem.badField(ctx, "limit", "must be 1.." + MAX_LIMIT + ", was " + limit);
            return;
        }
        tasks.list(statuses, vin, limit)
                .onSuccess(list -> {
                    JsonArray out = new JsonArray();
                    list.forEach(t -> out.add(t.toJson()));
                    Responses.json(ctx, 200, new JsonObject().put("tasks", out));
                })
                .onFailure(ctx::fail);
    }

    private void one(RoutingContext ctx) {
        Long id = staffAndId(ctx);
        if (id == null) {
            return;
        }
        tasks.detail(id)
                .onSuccess(found -> {
                    if (found.isEmpty()) {
                        Problem.send(ctx, 404, "Not found", "no task " + id);
                    } else {
                        Responses.json(ctx, 200, found.get());
                    }
                })
                .onFailure(ctx::fail);
    }

    private void start(RoutingContext ctx) {
        Long id = staffAndId(ctx);
        if (id == null) {
            return;
        }
        answer(ctx, tasks.start(id, BearerAuth.principal(ctx)));
    }

    private void note(RoutingContext ctx) {
        Long id = staffAndId(ctx);
        if (id == null) {
            return;
        }
        JsonObject body = Bodies.jsonObject(ctx);
        if (body == null) {
            return;
        }
        String text;
        try {
            Json.onlyFields(body, Set.of("text"));
            text = Json.requiredString(body, "text");
            if (text.isBlank() || text.length() > 4000) {
                throw new FieldError("text", "must be 1..4000 characters");
            }
        } catch (FieldError e) {
            Problem.badField(ctx, e.field(), e.getMessage().substring(e.field().length() + 2));
            return;
        }
        answer(ctx, tasks.note(id, BearerAuth.principal(ctx), text));
    }

    /**
     * The live queue for the staff console (server-sent events): a {@code snapshot} of the open tasks, then a
     * {@code task} event for every committed change. A comment every 15 s keeps proxies from closing it. It ends
     * with its session ({@link SessionStreams}).
     */
    private void stream(RoutingContext ctx) {
        if (!BearerAuth.requireStaff(ctx)) {
            return;
        }
        tasks.list(List.of(TaskStatus.OPEN, TaskStatus.CLAIMED, TaskStatus.IN_PROGRESS), null, MAX_LIMIT)
                .onSuccess(open -> {
                    HttpServerResponse response = ctx.response()
                            .setChunked(true)
                            .putHeader("Content-Type", "text/event-stream")
                            .putHeader("Cache-Control", "no-store");
                    JsonArray snapshot = new JsonArray();
                    open.forEach(t -> snapshot.add(t.toJson()));
                    response.write("event: snapshot\ndata: "
                            + new JsonObject().put("tasks", snapshot).encode() + "\n\n");
                    queue.add(response);
                    long keepAlive = ctx.vertx().setPeriodic(KEEPALIVE_MS, t -> {
                        if (!response.closed() && !response.ended()) {
                            response.write(": keep-alive\n\n");
                        }
                    });
                    Runnable unfollow = sessions.follow(ctx, response);
                    response.closeHandler(closed -> {
                        ctx.vertx().cancelTimer(keepAlive);
                        queue.remove(response);
                        unfollow.run();
                    });
                })
                .onFailure(ctx::fail);
    }

    /** Sends a committed change to every open queue stream; a saturated stream misses it and reloads on reconnect. */
    private void changed(JsonObject task) {
        if (queue.isEmpty()) {
            return;
        }
        String frame = "event: task\ndata: " + task.encode() + "\n\n";
        for (HttpServerResponse response : queue) {
            if (!response.closed() && !response.ended() && !response.writeQueueFull()) {
                response.write(frame);
            }
        }
    }

    private void claim(RoutingContext ctx) {
        Long id = staffAndId(ctx);
        if (id == null) {
            return;
        }
        answer(ctx, tasks.claim(id, BearerAuth.principal(ctx)));
    }

    private void close(RoutingContext ctx, boolean resolve) {
        Long id = staffAndId(ctx);
        if (id == null) {
            return;
        }
        JsonObject body = Bodies.jsonObject(ctx);
        if (body == null) {
            return;
        }
        String outcome;
        String note;
        try {
            Json.onlyFields(body, Set.of("outcome", "note"));
            outcome = Json.requiredString(body, "outcome");
            note = Json.optionalString(body, "note", null);
            if (outcome.length() > 500) {
                throw new FieldError("outcome", "must be at most 500 characters");
            }
            if (note != null && note.length() > 4000) {
                throw new FieldError("note", "must be at most 4000 characters");
            }
        } catch (FieldError e) {
            Problem.badField(ctx, e.field(), e.getMessage().substring(e.field().length() + 2));
            return;
        }
        answer(
                ctx,
                resolve
                        ? tasks.resolve(id, BearerAuth.principal(ctx), outcome, note)
                        : tasks.dismiss(id, BearerAuth.principal(ctx), outcome, note));
    }

    private static void answer(RoutingContext ctx, Future<TaskService.Step> step) {
        step.onSuccess(s -> {
                    switch (s.problem()) {
                        case NONE ->
                            Responses.json(ctx, 200, s.task().orElseThrow().toJson());
                        case NOT_FOUND -> Problem.send(ctx, 404, "Not found", s.message());
                        case CONFLICT -> Problem.send(ctx, 409, "Conflict", s.message());
                    }
                })
                .onFailure(ctx::fail);
    }

    private static Long staffAndId(RoutingContext ctx) {
        if (!BearerAuth.requireStaff(ctx)) {
            return null;
        }
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            Problem.badField(ctx, "id", "must be a task number, was " + ctx.pathParam("id"));
            return null;
        }
    }
}
