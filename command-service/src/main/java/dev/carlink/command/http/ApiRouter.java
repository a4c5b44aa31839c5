package dev.carlink.command.http;

import dev.carlink.command.CommandServiceConfig;
import dev.carlink.command.account.AccountService;
import dev.carlink.command.consent.FatigueConsentService;
import dev.carlink.command.lifecycle.CommandService;
import dev.carlink.command.privacy.OwnerDataService;
import dev.carlink.command.schedule.ScheduleService;
import dev.carlink.command.signing.SigningKeys;
import dev.carlink.command.state.TelemetryClient;
import dev.carlink.command.store.Db;
import dev.carlink.command.task.TaskService;
import dev.carlink.command.vehicle.VehicleService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP API: {@code /api/v1/...} for owners and staff, {@code /health} and {@code /metrics} for operators. */
public final class ApiRouter {

    /** Largest request body accepted; commands and logins are a few hundred bytes. */
    public static final long MAX_BODY_BYTES = 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(ApiRouter.class);

    private ApiRouter() {}

    /** Everything the routes need. */
    public record Services(
            AccountService accounts,
            VehicleService vehicles,
            CommandService commands,
            SigningKeys signingKeys,
            TaskService tasks,
            TelemetryClient telemetry,
            Db db,
            PrometheusMeterRegistry metrics,
            Clock clock,
            CommandServiceConfig.RateLimits rateLimits,
            ScheduleService schedules,
            OwnerDataService ownerData,
            FatigueConsentService fatigueConsents) {}

    public static Router create(Vertx vertx, Services s) {
        Router root = Router.router(vertx);
        root.route().handler(ctx -> {
            ctx.addEndHandler(done -> s.metrics()
                    .counter(
                            "carlink.http.responses",
                            "status",
                            String.valueOf(ctx.response().getStatusCode()))
                    .increment());
            ctx.next();
        });
        root.route().handler(ApiRouter::readableTarget);
        root.route().handler(ApiRouter::jsonBodiesOnly);
        root.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        root.get("/health").handler(ctx -> health(ctx, s.db()));
        root.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(s.metrics().scrape()));

        // the staff console: static files, talking to the API below like any client
        // a regex, because a plain "/console" route also matches "/console/" and would redirect it to itself
        root.getWithRegex("/console").handler(ctx -> ctx.redirect("/console/"));
        root.route("/console/*").handler(StaticHandler.create("webroot/console").setCachingEnabled(false));
        // the owners' app, the same way; Vert.x has no MIME type for .webmanifest, so its type is set here
        root.getWithRegex("/app").handler(ctx -> ctx.redirect("/app/"));
        root.getWithRegex("/app/.*\\.webmanifest").handler(ctx -> {
            ctx.addHeadersEndHandler(v -> ctx.response().putHeader("Content-Type", "application/manifest+json"));
            ctx.next();
        });
        root.route("/app/*").handler(StaticHandler.create("webroot/app").setCachingEnabled(false));
        // what both share (helpers, the API client, the sign-in flow, base CSS), imported by both as /common/...
        root.route("/common/*").handler(StaticHandler.create("webroot/common").setCachingEnabled(false));

        // the API's description, for anyone: mounted before the sub-router, whose first handler asks for a token
        OpenApiDocument openApi = OpenApiDocument.load();
        root.get("/api/v1/openapi.yaml").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/yaml")
                .end(openApi.yaml()));
        root.get("/api/v1/openapi.json").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/json")
                .end(openApi.json()));

        Router api = Router.router(vertx);
        AccountRoutes accountRoutes = new AccountRoutes(vertx, s.accounts(), s.metrics(), s.clock());
        accountRoutes.mount(api);
        SigningKeyRoutes keys = new SigningKeyRoutes(s.signingKeys());
        keys.mountPublic(api);
        BearerAuth auth = new BearerAuth(s.accounts(), s.vehicles(), s.metrics());
        api.route().handler(auth);
        accountRoutes.mountSignedIn(api);
        SessionStreams sessionStreams = new SessionStreams(vertx, s.clock());
        new VehicleStreamRoutes(vertx, auth, s.vehicles(), sessionStreams, s.clock()).mount(api);
        new VehicleRoutes(auth, s.vehicles(), s.telemetry(), s.clock()).mount(api);
        new CommandRoutes(auth, s.commands(), new RateLimiter(s.clock()), s.rateLimits(), s.metrics()).mount(api);
        new ScheduleRoutes(auth, s.schedules(), s.clock()).mount(api);
        new TaskRoutes(vertx, s.tasks(), sessionStreams).mount(api);
        new ServiceRoutes(auth, s.db(), s.tasks(), s.fatigueConsents()).mount(api);
        new AccountDataRoutes(s.ownerData(), s.telemetry(), accountRoutes.throttle(), s.metrics(), s.clock())
                .mount(api);
        new FleetRoutes(s.telemetry(), s.clock()).mount(api);
        new AdminRoutes(s.vehicles()).mount(api);
        keys.mountAdmin(api);
        new AuditRoutes(s.commands()).mount(api);
        root.route("/api/v1/*").subRouter(api);

        root.route()
                .last()
                .handler(ctx -> Problem.send(
                        ctx, 404, "Not found", "no resource at " + ctx.request().path()));
        root.route().failureHandler(ctx -> failure(ctx, s.metrics()));
        return root;
    }

    /**
     * Answers 400 when the path or the query is not valid percent-encoding (Vert.x would otherwise throw while
     * matching the first route with a path, log it at ERROR and answer a bare 400), or holds an encoded NUL.
     */
    private static void readableTarget(RoutingContext ctx) {
        try {
            ctx.normalizedPath();
            ctx.request().params();
        } catch (IllegalArgumentException e) {
            Problem.send(ctx, 400, "Invalid request", "the request target is not valid percent-encoding");
            return;
        }
        // PostgreSQL cannot take U+0000 in text: a path or query value holding it is bad input, not a server error
        if (ctx.request().uri().toLowerCase(java.util.Locale.ROOT).contains("%00")) {
            Problem.send(ctx, 400, "Invalid request", "the request target must not contain NUL (%00)");
            return;
        }
        ctx.next();
    }

    /**
     * Answers 415 to a form or multipart body: request bodies are JSON. The body handler would otherwise decode
     * such a body into request parameters, and throw on a GET.
     */
    private static void jsonBodiesOnly(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        if (type != null) {
            String lower = type.toLowerCase(java.util.Locale.ROOT).trim();
            if (lower.startsWith("multipart/") || lower.startsWith("application/x-www-form-urlencoded")) {
                Problem.send(ctx, 415, "Unsupported media type", "request bodies are application/json");
                return;
            }
        }
        ctx.next();
    }

    /**
     * Answers a request Vert.x could not decode (a bad request line or header, a line or headers too long) with a
     * problem body, then closes the connection, as the default handler does with a bare status.
     */
    public static void invalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        int status;
        String detail;
        if (cause instanceof TooLongHttpLineException) {
            status = 414;
            detail = "the request line is too long";
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = 431;
            detail = "the request headers are too large";
        } else {
            status = 400;
            detail = "the request is not valid HTTP/1.1";
        }
        log.debug("invalid request [status: {}, cause: {}]", status, String.valueOf(cause));
        request.response()
                .setStatusCode(status)
                .putHeader("Content-Type", Problem.CONTENT_TYPE)
                .putHeader("Connection", "close")
                .end(Problem.body(status, "Invalid request", detail).encode())
                .onComplete(done -> request.connection().close());
    }

    private static void health(RoutingContext ctx, Db db) {
        db.tx(c -> {
                    try (var st = c.createStatement()) {
                        st.execute("SELECT 1");
                    }
                    return true;
                })
                .onSuccess(ok -> Responses.json(
                        ctx, 200, new JsonObject().put("status", "UP").put("database", "UP")))
                .onFailure(e -> Responses.json(
                        ctx,
                        503,
                        new JsonObject()
                                .put("status", "DOWN")
                                .put("database", "DOWN")
                                .put("detail", e.getMessage())));
    }

    /**
     * Whether the request failed for want of the database: no connection from the pool, or one that broke (SQL
     * state class 08, or 57P01..57P03 while the server shuts down or starts).
     */
    static boolean databaseUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void failure(RoutingContext ctx, PrometheusMeterRegistry metrics) {
        int status = ctx.statusCode();
        Throwable failure = ctx.failure();
        if (failure instanceof HttpClosedException || ctx.response().closed()) {
            // the client went away before its answer: nobody to answer, nothing lost
            metrics.counter("carlink.http.rejected", "reason", "client_closed").increment();
            log.debug("client closed the connection [path: {}]", ctx.request().path());
            return;
        }
        if (status == 413) {
            Problem.send(ctx, 413, "Payload too large", "the body may be at most " + MAX_BODY_BYTES + " bytes");
            return;
        }
        if (status >= 400 && status < 500) {
            Problem.send(ctx, status, "Invalid request", failure == null ? "rejected" : failure.getMessage());
            return;
        }
        if (!ctx.request().isEnded()) {
            // failed while the request was still being received: its body or framing is broken (a bad chunk size)
            metrics.counter("carlink.http.rejected", "reason", "unreadable_body")
                    .increment();
            log.debug(
                    "unreadable request body [path: {}, cause: {}]",
                    ctx.request().path(),
                    String.valueOf(failure));
            ctx.response().putHeader("Connection", "close");
            Problem.send(ctx, 400, "Invalid request", "the request body could not be read");
            return;
        }
        if (failure instanceof ReplyException) {
            metrics.counter("carlink.http.rejected", "reason", "dependency_unavailable")
                    .increment();
            log.warn(
                    "a backend module did not answer [path: {}, cause: {}]",
                    ctx.request().path(),
                    failure.getMessage());
            ctx.response().putHeader("Retry-After", "5");
            Problem.send(ctx, 503, "Service unavailable", "a backend module did not answer; retry shortly");
            return;
        }
        if (databaseUnavailable(failure)) {
            // nothing was done (the transaction never began or was rolled back): the client retries
            metrics.counter("carlink.http.rejected", "reason", "database_unavailable")
                    .increment();
            log.warn(
                    "database unavailable, request refused [method: {}, path: {}, cause: {}]",
                    ctx.request().method(),
                    ctx.request().path(),
                    failure.getMessage());
            ctx.response().putHeader("Retry-After", "5");
            Problem.send(ctx, 503, "Service unavailable", "the database is unavailable; retry shortly");
            return;
        }
        log.error(
                "request failed [method: {}, path: {}]",
                ctx.request().method(),
                ctx.request().path(),
                failure);
        ctx.response().putHeader("Retry-After", "5");
        Problem.send(ctx, 503, "Service unavailable", "the request could not be completed; retry shortly");
    }
}
