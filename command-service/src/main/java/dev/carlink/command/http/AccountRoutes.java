package dev.carlink.command.http;

import dev.carlink.command.account.AccountService;
import dev.carlink.command.lifecycle.FieldError;
import dev.carlink.command.lifecycle.Json;
import dev.carlink.proto.LoginThrottle;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * Login and logout. Login: username and password for a bearer token. Guessing is throttled ({@link
 * LoginThrottle}): after {@value #FAILURES_PER_MINUTE} wrong passwords for one username from one address within a
 * minute, that username is refused from that address for {@link #BLOCK} (429 with Retry-After, before the password
 * is even checked), and an address with 20 times as many failures is refused for every username. Logout ends the
 * caller's session at once, or with {@code everywhere=true} every session of the account (a lost phone), their live
 * streams too.
 */
final class AccountRoutes {

    static final int FAILURES_PER_MINUTE = 5;
    static final Duration BLOCK = Duration.ofMinutes(1);

    private final AccountService accounts;
    private final MeterRegistry metrics;
    private final LoginThrottle throttle;

    AccountRoutes(Vertx vertx, AccountService accounts, MeterRegistry metrics, Clock clock) {
        this.accounts = accounts;
        this.metrics = metrics;
        this.throttle = new LoginThrottle(FAILURES_PER_MINUTE, BLOCK, clock);
        vertx.setPeriodic(BLOCK.toMillis(), id -> throttle.sweep());
    }

    /** The throttle of wrong passwords, shared with the other requests that check a password. */
    LoginThrottle throttle() {
        return throttle;
    }

    void mount(Router api) {
        api.post("/auth/login").handler(this::login);
    }

    /** The routes for a caller already signed in: mount after {@link BearerAuth}. */
    void mountSignedIn(Router api) {
        api.post("/auth/logout").handler(this::logout);
    }

    private void logout(RoutingContext ctx) {
        boolean everywhere;
        try {
            everywhere = QueryParams.bool(ctx, "everywhere").orElse(false);
        } catch (IllegalArgumentException answered) {
            return;
        }
        accounts.logout(BearerAuth.session(ctx), everywhere)
                .onSuccess(ended -> {
                    metrics.counter("carlink.auth.logouts", "scope", everywhere ? "everywhere" : "session")
                            .increment();
                    ctx.response().setStatusCode(204).end();
                })
                .onFailure(ctx::fail);
    }

    private void login(RoutingContext ctx) {
        JsonObject body = Bodies.jsonObject(ctx);
        if (body == null) {
            return;
        }
        String username;
        String password;
        try {
            Json.onlyFields(body, Set.of("username", "password"));
            username = Json.requiredString(body, "username");
            password = Json.requiredString(body, "password");
        } catch (FieldError e) {
            Problem.badField(ctx, e.field(), e.getMessage().substring(e.field().length() + 2));
            return;
        }
        String address = ctx.request().remoteAddress() == null
                ? "unknown"
                : ctx.request().remoteAddress().hostAddress();
        String account = username.toLowerCase(Locale.ROOT);
        if (throttle.blocked(address, account)) {
            metrics.counter("carlink.http.rejected", "reason", "login_throttled")
                    .increment();
            ctx.response().putHeader("Retry-After", String.valueOf(BLOCK.toSeconds()));
            Problem.send(
                    ctx,
                    429,
                    "Too many failed logins",
                    "too many wrong passwords from this address: try again in " + BLOCK.toSeconds() + " s");
            return;
        }
        accounts.login(username, password)
                .onSuccess(login -> {
                    if (login.isEmpty()) {
                        metrics.counter("carlink.http.rejected", "reason", "login_failed")
                                .increment();
                        throttle.failed(address, account);
                        Problem.send(ctx, 401, "Unauthorized", "wrong username or password");
                        return;
                    }
                    throttle.succeeded(address, account);
                    Responses.json(
                            ctx,
                            200,
                            new JsonObject()
                                    .put("token", login.get().token())
                                    .put("expiresAt", login.get().expiresAt().toString())
                                    .put("username", login.get().principal().username())
                                    .put("role", login.get().principal().role().name()));
                })
                .onFailure(ctx::fail);
    }
}
