package dev.carlink.command.http;

import dev.carlink.command.lifecycle.CommandService;
import dev.carlink.command.lifecycle.CommandSpec;
import dev.carlink.command.lifecycle.FieldError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** Owners' commands: request one, follow one, list recent ones. */
final class CommandRoutes {

    static final int RECENT_LIMIT = 50;

    private final BearerAuth auth;
    private final CommandService commands;

    CommandRoutes(BearerAuth auth, CommandService commands) {
        this.auth = auth;
        this.commands = commands;
    }

    void mount(Router api) {
        api.post("/vehicles/:vin/commands").handler(this::create);
        api.get("/vehicles/:vin/commands").handler(this::recent);
        api.get("/vehicles/:vin/commands/:id").handler(this::one);
    }

    private void create(RoutingContext ctx) {
        JsonObject body = Bodies.jsonObject(ctx);
        if (body == null) {
            return;
        }
        CommandSpec spec;
        try {
            spec = CommandSpec.fromRequest(body);
        } catch (FieldError e) {
            Problem.badField(ctx, e.field(), e.getMessage().substring(e.field().length() + 2));
            return;
        }
        auth.whenCommandable(ctx, vin -> commands.request(
                        UUID.randomUUID(), vin, spec, BearerAuth.principal(ctx).auditName())
                .onSuccess(created -> {
                    String location = "/api/v1/vehicles/" + vin + "/commands/"
                            + created.command().id();
                    ctx.response().putHeader("Location", location);
                    if (created.refusal().isPresent()) {
                        Problem.send(
                                ctx,
                                Problem.body(
                                                422,
                                                "Refused by a safety check",
                                                created.refusal().get().detail())
                                        .put(
                                                "reasonCode",
                                                created.refusal().get().code())
                                        .put("command", created.command().toJson()));
                    } else {
                        Responses.json(ctx, 201, created.command().toJson());
                    }
                })
                .onFailure(ctx::fail));
    }

    private void recent(RoutingContext ctx) {
        auth.whenReadable(ctx, vin -> commands.recent(vin, RECENT_LIMIT)
                .onSuccess(list -> {
                    JsonArray out = new JsonArray();
                    list.forEach(c -> out.add(c.toJson()));
                    Responses.json(ctx, 200, new JsonObject().put("commands", out));
                })
                .onFailure(ctx::fail));
    }

    private void one(RoutingContext ctx) {
        UUID id;
        try {
            id = UUID.fromString(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            Problem.badField(ctx, "id", "must be a command UUID, was " + ctx.pathParam("id"));
            return;
        }
        auth.whenReadable(ctx, vin -> commands.find(vin, id)
                .onSuccess(found -> {
                    if (found.isEmpty()) {
                        Problem.send(ctx, 404, "Not found", "no command " + id + " for vehicle " + vin);
                    } else {
                        Responses.json(ctx, 200, found.get().toJson());
                    }
                })
                .onFailure(ctx::fail));
    }
}
