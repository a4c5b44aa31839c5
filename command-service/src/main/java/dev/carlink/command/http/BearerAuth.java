package dev.carlink.command.http;

import dev.carlink.command.account.AccountService;
import dev.carlink.command.account.Principal;
import dev.carlink.command.vehicle.VehicleService;
import dev.carlink.command.vehicle.Vin;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;

/**
 * Resolves the bearer token of every API request to a {@link Principal}, or answers 401. Browsers'
 * EventSource cannot set headers, so the live stream may pass the token as {@code access_token}.
 */
final class BearerAuth implements Handler<RoutingContext> {

    private static final String PRINCIPAL = "principal";
    private static final String SESSION = "session";

    private final AccountService accounts;
    private final VehicleService vehicles;
    private final MeterRegistry metrics;

    BearerAuth(AccountService accounts, VehicleService vehicles, MeterRegistry metrics) {
        this.accounts = accounts;
        this.vehicles = vehicles;
        this.metrics = metrics;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        String token = null;
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = header.substring(7).trim();
        } else if (header == null && ctx.request().path().endsWith("/stream")) {
            token = ctx.request().getParam("access_token");
        }
        if (token == null || token.isEmpty()) {
            unauthorized(ctx, "missing bearer token");
            return;
        }
        accounts.authenticate(token)
                .onSuccess(session -> {
                    if (session.isEmpty()) {
                        unauthorized(ctx, "token unknown, expired or signed out");
                    } else {
                        ctx.put(SESSION, session.get());
                        ctx.put(PRINCIPAL, session.get().principal());
                        ctx.next();
                    }
                })
                .onFailure(ctx::fail);
    }

    private void unauthorized(RoutingContext ctx, String detail) {
        metrics.counter("carlink.http.rejected", "reason", "unauthorized").increment();
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        Problem.send(ctx, 401, "Unauthorized", detail);
    }

    static Principal principal(RoutingContext ctx) {
        return ctx.get(PRINCIPAL);
    }

    static AccountService.Session session(RoutingContext ctx) {
        return ctx.get(SESSION);
    }

    /** Answers 403 unless the principal is staff. */
    static boolean requireStaff(RoutingContext ctx) {
        if (principal(ctx).role().isStaff()) {
            return true;
        }
        Problem.send(ctx, 403, "Forbidden", "staff only");
        return false;
    }

    /** Answers 403 unless the principal is an administrator. */
    static boolean requireAdmin(RoutingContext ctx) {
        if (principal(ctx).role() == dev.carlink.command.account.Role.ADMIN) {
            return true;
        }
        Problem.send(ctx, 403, "Forbidden", "administrators only");
        return false;
    }

    /** Reads the {vin} path parameter; answers 400 when it is not a VIN. */
    static String vin(RoutingContext ctx) {
        String vin = ctx.pathParam("vin");
        if (!Vin.isValid(vin)) {
            Problem.send(
                    ctx, Problem.body(400, "Invalid request", Vin.describe(vin)).put("field", "vin"));
            return null;
        }
        return vin;
    }

    /**
     * Runs {@code action} with the {vin} path parameter once the principal may read that car; otherwise
     * answers 400 (not a VIN), 403 or 404 itself.
     */
    void whenReadable(RoutingContext ctx, Consumer<String> action) {
        when(ctx, action, false);
    }

    /** The same for commanding the car: only its owner. */
    void whenCommandable(RoutingContext ctx, Consumer<String> action) {
        when(ctx, action, true);
    }

    private void when(RoutingContext ctx, Consumer<String> action, boolean command) {
        String vin = vin(ctx);
        if (vin == null) {
            return;
        }
        (command ? canCommand(ctx, vin) : canRead(ctx, vin))
                .onSuccess(ok -> {
                    if (ok) {
                        action.accept(vin);
                    }
                })
                .onFailure(ctx::fail);
    }

    /** Completes true when the principal may read the car; otherwise answers 403/404 and completes false. */
    private Future<Boolean> canRead(RoutingContext ctx, String vin) {
        return vehicles.readAccess(principal(ctx), vin).map(access -> answer(ctx, vin, access));
    }

    /** Completes true when the principal may command the car. */
    private Future<Boolean> canCommand(RoutingContext ctx, String vin) {
        return vehicles.commandAccess(principal(ctx), vin).map(access -> answer(ctx, vin, access));
    }

    private boolean answer(RoutingContext ctx, String vin, VehicleService.Access access) {
        switch (access) {
            case GRANTED:
                return true;
            case NOT_FOUND:
                Problem.send(ctx, 404, "Not found", "no vehicle " + vin);
                return false;
            default:
                metrics.counter("carlink.http.rejected", "reason", "forbidden").increment();
                Problem.send(ctx, 403, "Forbidden", "vehicle " + vin + " is not yours");
                return false;
        }
    }
}
