package dev.carlink.command.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** RFC 9457 problem details: every error the API gives has this body. */
final class Problem {

    static final String CONTENT_TYPE = "application/problem+json";

    private Problem() {}

    static JsonObject body(int status, String title, String detail) {
        return new JsonObject()
                .put("type", "about:blank")
                .put("title", title)
                .put("status", status)
                .put("detail", detail);
    }

    static void send(RoutingContext ctx, int status, String title, String detail) {
        send(ctx, body(status, title, detail));
    }

    static void send(RoutingContext ctx, JsonObject problem) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response()
                .setStatusCode(problem.getInteger("status"))
                .putHeader("Content-Type", CONTENT_TYPE)
                .end(problem.encode());
    }

    /** 400 naming the bad field. */
    static void badField(RoutingContext ctx, String field, String message) {
        send(ctx, body(400, "Invalid request", field + ": " + message).put("field", field));
    }
}
