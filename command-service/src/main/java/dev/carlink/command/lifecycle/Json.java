package dev.carlink.command.lifecycle;

import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.TreeSet;

/** Strict readers for request bodies: wrong types and unknown fields are errors, never ignored. */
public final class Json {

    private Json() {}

    public static void onlyFields(JsonObject body, Set<String> allowed) {
        Set<String> unknown = new TreeSet<>(body.fieldNames());
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            String first = unknown.iterator().next();
            throw new FieldError(first, "is not a known field; allowed: " + new TreeSet<>(allowed));
        }
    }

    public static String requiredString(JsonObject body, String field) {
        Object value = body.getValue(field);
        if (!(value instanceof String s) || s.isBlank()) {
            throw new FieldError(field, value == null ? "is required" : "must be a non-empty string");
        }
        return withoutNul(field, s);
    }

    public static String optionalString(JsonObject body, String field, String fallback) {
        Object value = body.getValue(field);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof String s)) {
            throw new FieldError(field, "must be a string, was " + value);
        }
        return withoutNul(field, s);
    }

    /** PostgreSQL cannot store U+0000 in text: refused here, as bad input, before it reaches the database. */
    private static String withoutNul(String field, String s) {
        if (s.indexOf('\u0000') >= 0) {
            throw new FieldError(field, "must not contain NUL (U+0000)");
        }
        return s;
    }

    public static double requiredNumber(JsonObject body, String field) {
        Object value = body.getValue(field);
        if (value == null) {
            throw new FieldError(field, "is required");
        }
        return number(field, value);
    }

    public static double optionalNumber(JsonObject body, String field, double fallback) {
        Object value = body.getValue(field);
        return value == null ? fallback : number(field, value);
    }

    public static int optionalInt(JsonObject body, String field, int fallback) {
        Object value = body.getValue(field);
        if (value == null) {
            return fallback;
        }
        double d = number(field, value);
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw new FieldError(field, "must be a whole number, was " + value);
        }
        return (int) d;
    }

    public static boolean optionalBoolean(JsonObject body, String field, boolean fallback) {
        Object value = body.getValue(field);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Boolean b)) {
            throw new FieldError(field, "must be true or false, was " + value);
        }
        return b;
    }

    private static double number(String field, Object value) {
        if (!(value instanceof Number n)) {
            throw new FieldError(field, "must be a number, was " + value);
        }
        double d = n.doubleValue();
        if (!Double.isFinite(d)) {
            throw new FieldError(field, "must be a finite number, was " + value);
        }
        return d;
    }
}
