package dev.carlink.command.http;

import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Typed query parameters. A bad value is answered at once with a 400 naming the parameter, and the parser
 * throws {@link IllegalArgumentException} so the handler stops.
 */
final class QueryParams {

    /** The instants a query may name: years with four digits from 1970, so that epoch milliseconds never overflow. */
    static final Instant EARLIEST = Instant.EPOCH;

    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private QueryParams() {}

    static Instant instant(RoutingContext ctx, String name, Instant fallback) {
        String raw = ctx.request().getParam(name);
        if (raw == null) {
            return fallback;
        }
        try {
            Instant value = Instant.parse(raw);
            if (value.isBefore(EARLIEST) || value.isAfter(LATEST)) {
                Problem.badField(ctx, name, "must be between " + EARLIEST + " and " + LATEST + ", was " + raw);
                throw new IllegalArgumentException(name);
            }
            return value;
        } catch (DateTimeParseException e) {
            Problem.badField(ctx, name, "must be an ISO-8601 instant such as 2026-01-31T08:00:00Z, was " + raw);
            throw new IllegalArgumentException(name);
        }
    }

    static int integer(RoutingContext ctx, String name, int fallback) {
        String raw = ctx.request().getParam(name);
        if (raw == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            Problem.badField(ctx, name, "must be a whole number, was " + raw);
            throw new IllegalArgumentException(name);
        }
    }

    /** A {@code limit} of 1..max (default when absent); on a bad one answers 400 and returns null. */
    static Integer limit(RoutingContext ctx, int fallback, int max) {
        int limit;
        try {
            limit = integer(ctx, "limit", fallback);
        } catch (IllegalArgumentException answered) {
            return null;
        }
        if (limit < 1 || limit > max) {
            Problem.badField(ctx, "limit", "must be 1.." + max + ", was " + limit);
            return null;
        }
        return limit;
    }

    static Optional<Float> number(RoutingContext ctx, String name) {
        String raw = ctx.request().getParam(name);
        if (raw == null) {
            return Optional.empty();
        }
        try {
            float value = Float.parseFloat(raw);
            if (!Float.isFinite(value)) {
                throw new NumberFormatException();
            }
            return Optional.of(value);
        } catch (NumberFormatException e) {
            Problem.badField(ctx, name, "must be a number, was " + raw);
            throw new IllegalArgumentException(name);
        }
    }

    static Optional<Boolean> bool(RoutingContext ctx, String name) {
        String raw = ctx.request().getParam(name);
        if (raw == null) {
            return Optional.empty();
        }
        if (raw.equals("true") || raw.equals("false")) {
            return Optional.of(Boolean.parseBoolean(raw));
        }
        Problem.badField(ctx, name, "must be true or false, was " + raw);
        throw new IllegalArgumentException(name);
    }
}
