package dev.carlink.simulator.scenario;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Strict readers for scenario files: every mistake names its place ({@code file: steps[3].within}). */
final class Json {

    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h)");

    private final String where;

    Json(String where) {
        this.where = where;
    }

    ScenarioFormatException error(String field, String message) {
        return new ScenarioFormatException(where + "." + field + ": " + message);
    }

    void onlyFields(JsonObject o, Set<String> allowed) {
        Set<String> unknown = new TreeSet<>(o.fieldNames());
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            throw error(unknown.iterator().next(), "is not a known field; allowed: " + new TreeSet<>(allowed));
        }
    }

    String string(JsonObject o, String field) {
        Object v = o.getValue(field);
        if (!(v instanceof String s) || s.isBlank()) {
            throw error(field, v == null ? "is required" : "must be a non-empty string");
        }
        return s;
    }

    String optionalString(JsonObject o, String field, String fallback) {
        return o.getValue(field) == null ? fallback : string(o, field);
    }

    double number(JsonObject o, String field) {
        Object v = o.getValue(field);
        if (!(v instanceof Number n)) {
            throw error(field, v == null ? "is required" : "must be a number, was " + v);
        }
        return n.doubleValue();
    }

    double optionalNumber(JsonObject o, String field, double fallback) {
        return o.getValue(field) == null ? fallback : number(o, field);
    }

    boolean optionalBoolean(JsonObject o, String field, boolean fallback) {
        Object v = o.getValue(field);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Boolean b)) {
            throw error(field, "must be true or false, was " + v);
        }
        return b;
    }

    JsonObject object(JsonObject o, String field) {
        Object v = o.getValue(field);
        if (!(v instanceof JsonObject j)) {
            throw error(field, v == null ? "is required" : "must be an object");
        }
        return j;
    }

    Duration duration(JsonObject o, String field, Duration fallback) {
        Object v = o.getValue(field);
        if (v == null) {
            if (fallback == null) {
                throw error(field, "is required");
            }
            return fallback;
        }
        String text = String.valueOf(v).trim();
        Matcher m = SHORT.matcher(text);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            return Duration.parse(text.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException | NumberFormatException e) {
            throw error(field, "must be a duration such as 500ms, 30s, 10m or PT1M, was " + text);
        }
    }

    <E extends Enum<E>> E enumValue(JsonObject o, String field, Class<E> type, String prefix) {
        String raw = string(o, field);
        try {
            return Enum.valueOf(type, prefix + raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            TreeSet<String> names = new TreeSet<>();
            for (E constant : type.getEnumConstants()) {
                if (constant.name().startsWith(prefix)) {
                    names.add(constant.name().substring(prefix.length()));
                }
            }
            throw error(field, "must be one of " + names + ", was " + raw);
        }
    }
}
