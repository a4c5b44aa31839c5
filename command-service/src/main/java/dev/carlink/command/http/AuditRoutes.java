package dev.carlink.command.http;

import dev.carlink.command.lifecycle.CommandService;
import dev.carlink.command.vehicle.Vin;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Staff read the command audit trail: who asked what, when, and what the car answered. There is no route
 * that changes it, and the database refuses updates and deletes of its rows.
 */
final class AuditRoutes {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final CommandService commands;

    AuditRoutes(CommandService commands) {
        this.commands = commands;
    }

    void mount(Router api) {
        api.get("/admin/audit").handler(this::audit);
    }

    private void audit(RoutingContext ctx) {
        if (!BearerAuth.requireStaff(ctx)) {
            return;
        }
        String vin = ctx.request().getParam("vin");
        if (vin != null && !Vin.isValid(vin)) {
            Problem.badField(ctx, "vin", Vin.describe(vin).substring("vin ".length()));
            return;
        }
        long before;
        int limit;
        try {
            before = longParam(ctx, "before", Long.MAX_VALUE, 1, Long.MAX_VALUE);
            limit = (int) longParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        } catch (IllegalArgumentException e) {
            return;
        }
        commands.audit(vin, before, limit)
                .onSuccess(entries -> {
                    JsonArray out = new JsonArray();
                    entries.forEach(e -> out.add(e.toJson()));
                    JsonObject body = new JsonObject().put("entries", out);
                    if (entries.size() == limit) {
                        body.put("next", entries.get(entries.size() - 1).id());
                    }
                    Responses.json(ctx, 200, body);
                })
                .onFailure(ctx::fail);
    }

    /** A whole-number query parameter within bounds; answers 400 and throws when it is not. */
    private static long longParam(RoutingContext ctx, String name, long fallback, long min, long max) {
        String raw = ctx.request().getParam(name);
        if (raw == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        Problem.badField(ctx, name, "must be a whole number " + min + ".." + max + ", was " + raw);
        throw new IllegalArgumentException(name);
    }
}
