package dev.carlink.command.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;

/** Request bodies: a JSON object or a 400 saying what is wrong. */
final class Bodies {

    private Bodies() {}

    /** The body as a JSON object; null after answering 400 when it is missing or not one. */
    static JsonObject jsonObject(RoutingContext ctx) {
        // JSON is UTF-8 (RFC 8259): a charset parameter of the Content-Type is not consulted (an unknown one threw)
        String raw = ctx.body().buffer() == null ? null : ctx.body().buffer().toString(StandardCharsets.UTF_8);
        if (raw == null || raw.isBlank()) {
            Problem.send(ctx, 400, "Invalid request", "the body must be a JSON object");
            return null;
        }
        try {
            Object parsed = io.vertx.core.json.Json.decodeValue(raw);
            if (parsed instanceof JsonObject object) {
                return object;
            }
            Problem.send(ctx, 400, "Invalid request", "the body must be a JSON object");
        } catch (DecodeException e) {
            Problem.send(ctx, 400, "Invalid request", "the body is not valid JSON: " + firstLine(e.getMessage()));
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
