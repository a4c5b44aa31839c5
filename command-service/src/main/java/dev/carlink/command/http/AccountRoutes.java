package dev.carlink.command.http;

import dev.carlink.command.account.AccountService;
import dev.carlink.command.lifecycle.FieldError;
import dev.carlink.command.lifecycle.Json;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** Login: username and password for a bearer token. */
final class AccountRoutes {

    private final AccountService accounts;
    private final MeterRegistry metrics;

    AccountRoutes(AccountService accounts, MeterRegistry metrics) {
        this.accounts = accounts;
        this.metrics = metrics;
    }

    void mount(Router api) {
        api.post("/auth/login").handler(this::login);
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
        accounts.login(username, password)
                .onSuccess(login -> {
                    if (login.isEmpty()) {
                        metrics.counter("carlink.http.rejected", "reason", "login_failed")
                                .increment();
                        Problem.send(ctx, 401, "Unauthorized", "wrong username or password");
                        return;
                    }
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
