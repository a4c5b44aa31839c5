package dev.carlink.command.http;

import dev.carlink.command.CommandServiceConfig;
import dev.carlink.command.lifecycle.CommandRecord;
import dev.carlink.command.lifecycle.CommandService;
import dev.carlink.command.lifecycle.CommandSpec;
import dev.carlink.command.lifecycle.Delivery;
import dev.carlink.command.lifecycle.FieldError;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** Owners' commands: request one, follow one, list recent ones. */
final class CommandRoutes {

    static final int RECENT_LIMIT = 50;
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final Pattern VALID_KEY = Pattern.compile("[\\x21-\\x7e]{1,200}");

    private final BearerAuth auth;
    private final CommandService commands;
    private final RateLimiter limiter;
    private final CommandServiceConfig.RateLimits limits;
    private final MeterRegistry metrics;

    CommandRoutes(
            BearerAuth auth,
            CommandService commands,
            RateLimiter limiter,
            CommandServiceConfig.RateLimits limits,
            MeterRegistry metrics) {
        this.auth = auth;
        this.commands = commands;
        this.limiter = limiter;
        this.limits = limits;
        this.metrics = metrics;
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
        Delivery delivery;
        try {
            JsonObject commandFields = body.copy();
            JsonObject deliveryFields = new JsonObject();
            for (String field : List.of(Delivery.WINDOW_FIELD, Delivery.OFFLINE_FIELD)) {
                if (commandFields.containsKey(field)) {
                    deliveryFields.put(field, commandFields.remove(field));
                }
            }
            spec = CommandSpec.fromRequest(commandFields);
            delivery = Delivery.takeFrom(deliveryFields, spec.type());
        } catch (FieldError e) {
            Problem.badField(ctx, e.field(), e.getMessage().substring(e.field().length() + 2));
            return;
        }
        String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
        if (key != null && !VALID_KEY.matcher(key).matches()) {
            Problem.badField(ctx, IDEMPOTENCY_KEY, "must be 1..200 printable ASCII characters");
            return;
        }
        auth.whenCommandable(ctx, vin -> {
            String requester = BearerAuth.principal(ctx).auditName();
            Optional<Duration> wait = limiter.tryAcquire(
                    Map.of("vehicle:" + vin, limits.perVehiclePerMinute(), requester, limits.perOwnerPerMinute()));
            if (wait.isPresent()) {
                long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
                metrics.counter("carlink.http.rejected", "reason", "rate_limited")
                        .increment();
                ctx.response().putHeader("Retry-After", String.valueOf(seconds));
                Problem.send(
                        ctx,
                        429,
                        "Too many requests",
                        "at most " + limits.perVehiclePerMinute() + " commands a minute per car and "
                                + limits.perOwnerPerMinute() + " per owner; retry in " + seconds + " s");
                return;
            }
            commands.request(commandId(requester, vin, key), vin, spec, delivery, requester)
                    .onSuccess(created -> answer(ctx, vin, spec, created))
                    .onFailure(ctx::fail);
        });
    }

    /**
     * A random id, or, with an Idempotency-Key, one derived from the requester, the car and the key: the same
     * key always names the same command, so a retried request can never create a second one.
     */
    private static UUID commandId(String requester, String vin, String key) {
        return key == null
                ? UUID.randomUUID()
                : UUID.nameUUIDFromBytes(
                        ("idempotency/" + requester + "/" + vin + "/" + key).getBytes(StandardCharsets.UTF_8));
    }

    private static void answer(RoutingContext ctx, String vin, CommandSpec spec, CommandService.Created created) {
        CommandRecord command = created.command();
        ctx.response().putHeader("Location", "/api/v1/vehicles/" + vin + "/commands/" + command.id());
        if (created.existing()) {
            if (command.type() != spec.type() || !command.params().equals(spec.params())) {
                Problem.send(
                        ctx,
                        Problem.body(
                                        422,
                                        "Idempotency-Key reused",
                                        "this Idempotency-Key was used for a different request, command "
                                                + command.id())
                                .put("field", IDEMPOTENCY_KEY));
                return;
            }
            ctx.response().putHeader("Idempotent-Replayed", "true");
            Responses.json(ctx, 200, command.toJson());
        } else if (created.refusal().isPresent()) {
            Problem.send(
                    ctx,
                    Problem.body(
                                    422,
                                    "Refused by a safety check",
                                    created.refusal().get().detail())
                            .put("reasonCode", created.refusal().get().code())
                            .put("command", command.toJson()));
        } else {
            Responses.json(ctx, 201, command.toJson());
        }
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
