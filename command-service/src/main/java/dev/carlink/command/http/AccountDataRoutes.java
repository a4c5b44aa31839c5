package dev.carlink.command.http;

import dev.carlink.command.account.Principal;
import dev.carlink.command.account.Role;
import dev.carlink.command.lifecycle.FieldError;
import dev.carlink.command.lifecycle.Json;
import dev.carlink.command.privacy.OwnerDataService;
import dev.carlink.command.state.TelemetryClient;
import dev.carlink.command.task.TaskType;
import dev.carlink.proto.LoginThrottle;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

/**
 * An owner's rights over their data: {@code GET /account/export}, a download of everything held about the
 * signed-in user (their cars' telemetry streamed in, see {@link ExportStream}); and {@code DELETE /account}, the
 * erasure of an owner's account and their cars' data, confirmed with the password. Wrong passwords count towards
 * the login throttle, so a stolen token cannot be used to guess the password here.
 */
final class AccountDataRoutes {

    private final OwnerDataService ownerData;
    private final TelemetryClient telemetry;
    private final LoginThrottle throttle;
    private final MeterRegistry metrics;
    private final Clock clock;

    AccountDataRoutes(
            OwnerDataService ownerData,
            TelemetryClient telemetry,
            LoginThrottle throttle,
            MeterRegistry metrics,
            Clock clock) {
        this.ownerData = ownerData;
        this.telemetry = telemetry;
        this.throttle = throttle;
        this.metrics = metrics;
        this.clock = clock;
    }

    void mount(Router api) {
        api.get("/account/export").handler(this::export);
        api.delete("/account").handler(this::erase);
    }

    private void export(RoutingContext ctx) {
        Principal principal = BearerAuth.principal(ctx);
        Instant now = clock.instant();
        ownerData
                .snapshot(principal)
                .onSuccess(snapshot -> {
                    if (snapshot.isEmpty()) {
                        Problem.send(ctx, 404, "Not found", "the account no longer exists");
                        return;
                    }
                    snapshot.get().vehicles().forEach(AccountDataRoutes::readable);
                    String file = "carlink-export-" + principal.username().replaceAll("[^A-Za-z0-9._-]", "_") + "-"
                            + now.atOffset(ZoneOffset.UTC).toLocalDate() + ".json";
                    ctx.response()
                            .setChunked(true)
                            .putHeader("Content-Type", "application/json; charset=utf-8")
                            .putHeader("Content-Disposition", "attachment; filename=\"" + file + "\"")
                            .putHeader("Cache-Control", "no-store");
                    metrics.counter("carlink.privacy.exports").increment();
                    new ExportStream(ctx.response(), telemetry, snapshot.get(), now).start();
                })
                .onFailure(ctx::fail);
    }

    /** Adds what a person reads to the stored rows: each event's one-line summary, each task's title. */
    private static void readable(JsonObject vehicle) {
        vehicle.getJsonArray("events").forEach(e -> {
            JsonObject event = (JsonObject) e;
            event.put("summary", ServiceRoutes.summary(Base64.getDecoder().decode(event.getString("payload"))));
        });
        vehicle.getJsonArray("serviceTasks").forEach(t -> {
            JsonObject task = (JsonObject) t;
            task.put("title", TaskType.valueOf(task.getString("type")).title());
        });
    }

    /**
     * {@code {"password": "..."}}. Staff and administrators are refused before the body is read; a wrong password
     * erases nothing (422). A token of an erased account is unknown, so a repeat is a 401.
     */
    private void erase(RoutingContext ctx) {
        Principal principal = BearerAuth.principal(ctx);
        if (principal.role() != Role.OWNER) {
            metrics.counter("carlink.http.rejected", "reason", "forbidden").increment();
            Problem.send(
                    ctx,
                    403,
                    "Forbidden",
                    "only owners delete their own account through the API; a "
                            + principal.role().name().toLowerCase(Locale.ROOT)
                            + " account is removed by an administrator");
            return;
        }
        JsonObject body = Bodies.jsonObject(ctx);
        if (body == null) {
            return;
        }
        String password;
        try {
            Json.onlyFields(body, Set.of("password"));
            password = Json.requiredString(body, "password");
        } catch (FieldError e) {
            Problem.badField(ctx, e.field(), e.getMessage().substring(e.field().length() + 2));
            return;
        }
        String address = ctx.request().remoteAddress() == null
                ? "unknown"
                : ctx.request().remoteAddress().hostAddress();
        String account = principal.username().toLowerCase(Locale.ROOT);
        if (throttle.blocked(address, account)) {
            metrics.counter("carlink.http.rejected", "reason", "login_throttled")
                    .increment();
            ctx.response().putHeader("Retry-After", String.valueOf(AccountRoutes.BLOCK.toSeconds()));
            Problem.send(
                    ctx,
                    429,
                    "Too many failed logins",
                    "too many wrong passwords from this address: try again in " + AccountRoutes.BLOCK.toSeconds()
                            + " s");
            return;
        }
        ownerData
                .erase(principal, password)
                .onSuccess(erasure -> {
                    switch (erasure.outcome()) {
                        case WRONG_PASSWORD:
                            metrics.counter("carlink.http.rejected", "reason", "password_mismatch")
                                    .increment();
                            throttle.failed(address, account);
                            Problem.send(
                                    ctx,
                                    Problem.body(
                                                    422,
                                                    "Password does not match",
                                                    "password: is not this account's password; nothing was deleted")
                                            .put("field", "password"));
                            return;
                        case NOT_AN_OWNER:
                            Problem.send(ctx, 403, "Forbidden", "only owners delete their own account");
                            return;
                        case GONE:
                            Problem.send(ctx, 410, "Gone", "the account was deleted already");
                            return;
                        default:
                            throttle.succeeded(address, account);
                            boolean pending = erasure.outcome() == OwnerDataService.Outcome.TELEMETRY_PENDING;
                            JsonObject deleted = new JsonObject();
                            erasure.rows().forEach(deleted::put);
                            JsonObject receipt = new JsonObject()
                                    .put("erasedAt", erasure.at().toString())
                                    .put("vehicles", new io.vertx.core.json.JsonArray(erasure.vins()))
                                    .put("telemetry", pending ? "PENDING" : "ERASED")
                                    .put("deleted", deleted);
                            Responses.json(ctx, pending ? 202 : 200, receipt);
                    }
                })
                .onFailure(ctx::fail);
    }
}
