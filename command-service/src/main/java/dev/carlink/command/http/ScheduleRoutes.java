package dev.carlink.command.http;

import dev.carlink.command.lifecycle.FieldError;
import dev.carlink.command.schedule.ScheduleService;
import dev.carlink.command.schedule.ScheduleSpec;
import dev.carlink.command.schedule.TooManySchedulesException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.UUID;

/** Owners' A/C schedules: the car's owner changes them, the owner and staff read them and their fires. */
final class ScheduleRoutes {

    static final int DEFAULT_FIRES_LIMIT = 50;
    static final int MAX_FIRES_LIMIT = 500;

    private final BearerAuth auth;
    private final ScheduleService schedules;
    private final Clock clock;

    ScheduleRoutes(BearerAuth auth, ScheduleService schedules, Clock clock) {
        this.auth = auth;
        this.schedules = schedules;
        this.clock = clock;
    }

    void mount(Router api) {
        api.post("/vehicles/:vin/schedules").handler(this::create);
        api.get("/vehicles/:vin/schedules").handler(this::list);
        api.get("/vehicles/:vin/schedules/:id").handler(this::one);
        api.put("/vehicles/:vin/schedules/:id").handler(this::replace);
        api.delete("/vehicles/:vin/schedules/:id").handler(this::delete);
        api.get("/vehicles/:vin/schedules/:id/fires").handler(this::fires);
    }

    private void create(RoutingContext ctx) {
        ScheduleSpec spec = spec(ctx);
        if (spec == null) {
            return;
        }
        auth.whenCommandable(ctx, vin -> schedules
                .create(vin, spec, BearerAuth.principal(ctx).auditName())
                .onSuccess(created -> {
                    ctx.response().putHeader("Location", "/api/v1/vehicles/" + vin + "/schedules/" + created.id());
                    Responses.json(ctx, 201, created.toJson());
                })
                .onFailure(e -> failed(ctx, e)));
    }

    private void list(RoutingContext ctx) {
        auth.whenReadable(ctx, vin -> schedules
                .list(vin)
                .onSuccess(listing -> {
                    JsonArray out = new JsonArray();
                    listing.schedules().forEach(s -> out.add(s.toJson()));
                    Responses.json(
                            ctx,
                            200,
                            new JsonObject()
                                    .put("vin", vin)
                                    .put("scheduleVersion", listing.version())
                                    .put("schedules", out));
                })
                .onFailure(ctx::fail));
    }

    private void one(RoutingContext ctx) {
        UUID id = id(ctx);
        if (id == null) {
            return;
        }
        auth.whenReadable(ctx, vin -> schedules
                .find(vin, id)
                .onSuccess(found -> {
                    if (found.isEmpty()) {
                        notFound(ctx, vin, id);
                    } else {
                        Responses.json(ctx, 200, found.get().toJson());
                    }
                })
                .onFailure(ctx::fail));
    }

    private void replace(RoutingContext ctx) {
        UUID id = id(ctx);
        if (id == null) {
            return;
        }
        ScheduleSpec spec = spec(ctx);
        if (spec == null) {
            return;
        }
        auth.whenCommandable(ctx, vin -> schedules
                .update(vin, id, spec)
                .onSuccess(updated -> {
                    if (updated.isEmpty()) {
                        notFound(ctx, vin, id);
                    } else {
                        Responses.json(ctx, 200, updated.get().toJson());
                    }
                })
                .onFailure(e -> failed(ctx, e)));
    }

    private void delete(RoutingContext ctx) {
        UUID id = id(ctx);
        if (id == null) {
            return;
        }
        auth.whenCommandable(ctx, vin -> schedules
                .delete(vin, id)
                .onSuccess(deleted -> {
                    if (deleted) {
                        ctx.response().setStatusCode(204).end();
                    } else {
                        notFound(ctx, vin, id);
                    }
                })
                .onFailure(ctx::fail));
    }

    private void fires(RoutingContext ctx) {
        UUID id = id(ctx);
        if (id == null) {
            return;
        }
        int limit;
        String raw = ctx.request().getParam("limit");
        try {
            limit = raw == null ? DEFAULT_FIRES_LIMIT : Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            Problem.badField(ctx, "limit", "must be a whole number, was " + raw);
            return;
        }
        if (limit < 1 || limit > MAX_FIRES_LIMIT) {
            Problem.badField(ctx, "limit", "must be 1.." + MAX_FIRES_LIMIT + ", was " + limit);
            return;
        }
        auth.whenReadable(ctx, vin -> schedules
                .fires(vin, id, limit)
                .onSuccess(found -> {
                    if (found.isEmpty()) {
                        notFound(ctx, vin, id);
                        return;
                    }
                    JsonArray out = new JsonArray();
                    found.get().forEach(f -> out.add(f.toJson()));
                    Responses.json(
                            ctx,
                            200,
                            new JsonObject().put("scheduleId", id.toString()).put("fires", out));
                })
                .onFailure(ctx::fail));
    }

    /** The validated body; null after answering 400 naming the bad field. */
    private ScheduleSpec spec(RoutingContext ctx) {
        JsonObject body = Bodies.jsonObject(ctx);
        if (body == null) {
            return null;
        }
        try {
            return ScheduleSpec.fromJson(body, clock.instant());
        } catch (FieldError e) {
            badField(ctx, e);
            return null;
        }
    }

    private static UUID id(RoutingContext ctx) {
        try {
            return UUID.fromString(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            Problem.badField(ctx, "id", "must be a schedule UUID, was " + ctx.pathParam("id"));
            return null;
        }
    }

    private static void failed(RoutingContext ctx, Throwable e) {
        if (e instanceof FieldError field) {
            badField(ctx, field);
        } else if (e instanceof TooManySchedulesException) {
            Problem.send(ctx, 409, "Too many schedules", e.getMessage());
        } else {
            ctx.fail(e);
        }
    }

    private static void badField(RoutingContext ctx, FieldError e) {
        Problem.badField(ctx, e.field(), e.getMessage().substring(e.field().length() + 2));
    }

    private static void notFound(RoutingContext ctx, String vin, UUID id) {
        Problem.send(ctx, 404, "Not found", "no schedule " + id + " for vehicle " + vin);
    }
}
