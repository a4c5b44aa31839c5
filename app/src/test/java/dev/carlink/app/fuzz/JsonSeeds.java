package dev.carlink.app.fuzz;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Values a schema of the API document accepts, drawn at random: objects with their required fields and some
 * optional ones, enum members, numbers within their bounds, strings of the documented formats and patterns. They
 * are the fuzzer's seeds beside the document's own examples; the mutations start from them.
 */
final class JsonSeeds {

    private static final int MAX_DEPTH = 12;

    private JsonSeeds() {}

    /** A value {@code schema} accepts (or close to it, where a pattern is not one the fuzzer knows). */
    static Object valueOf(JsonObject schema, SplittableRandom random) {
        return value(schema, random, 0);
    }

    private static Object value(JsonObject schema, SplittableRandom random, int depth) {
        if (schema == null || depth > MAX_DEPTH) {
            return null;
        }
        if (schema.containsKey("const")) {
            return schema.getValue("const");
        }
        if (schema.containsKey("enum")) {
            JsonArray values = schema.getJsonArray("enum");
            return values.getValue(random.nextInt(values.size()));
        }
        if (schema.containsKey("examples") && random.nextBoolean()) {
            JsonArray examples = schema.getJsonArray("examples");
            return examples.getValue(random.nextInt(examples.size()));
        }
        if (schema.containsKey("oneOf")) {
            JsonArray choices = schema.getJsonArray("oneOf");
            JsonObject choice = choices.getJsonObject(random.nextInt(choices.size()));
            if (schema.containsKey("properties")) { // a oneOf of required lists beside the properties
                JsonObject merged = schema.copy();
                merged.remove("oneOf");
                JsonArray required =
                        merged.getJsonArray("required", new JsonArray()).copy();
                choice.getJsonArray("required", new JsonArray()).forEach(required::add);
                merged.put("required", required);
                return value(merged, random, depth + 1);
            }
            return value(choice, random, depth + 1);
        }
        if (schema.containsKey("allOf")) {
            JsonObject merged = new JsonObject().put("type", "object");
            JsonObject properties = new JsonObject();
            JsonArray required = new JsonArray();
            for (Object part : schema.getJsonArray("allOf")) {
                JsonObject p = (JsonObject) part;
                properties.mergeIn(p.getJsonObject("properties", new JsonObject()));
                p.getJsonArray("required", new JsonArray()).forEach(required::add);
            }
            return value(merged.put("properties", properties).put("required", required), random, depth + 1);
        }
        String type = type(schema, random);
        switch (type) {
            case "object":
                return object(schema, random, depth);
            case "array":
                JsonArray array = new JsonArray();
                int items = Math.max(schema.getInteger("minItems", 0), random.nextInt(4));
                for (int i = 0; i < items; i++) {
                    Object item = value(schema.getJsonObject("items"), random, depth + 1);
                    if (!schema.getBoolean("uniqueItems", false) || !array.contains(item)) {
                        array.add(item);
                    }
                }
                return array;
            case "integer":
                return (long) Math.round(number(schema, random));
            case "number":
                return Math.round(number(schema, random) * 10) / 10.0;
            case "boolean":
                return random.nextBoolean();
            case "null":
                return null;
            default:
                return string(schema, random);
        }
    }

    private static String type(JsonObject schema, SplittableRandom random) {
        Object type = schema.getValue("type");
        if (type instanceof JsonArray types) {
            return String.valueOf(types.getValue(random.nextInt(types.size())));
        }
        if (type != null) {
            return String.valueOf(type);
        }
        return schema.containsKey("properties") ? "object" : "string";
    }

    private static JsonObject object(JsonObject schema, SplittableRandom random, int depth) {
        JsonObject out = new JsonObject();
        JsonObject properties = schema.getJsonObject("properties", new JsonObject());
        List<Object> required = schema.getJsonArray("required", new JsonArray()).getList();
        for (String name : properties.fieldNames()) {
            if (required.contains(name) || random.nextInt(3) > 0) {
                out.put(name, value(properties.getJsonObject(name), random, depth + 1));
            }
        }
        return out;
    }

    private static double number(JsonObject schema, SplittableRandom random) {
        double min = schema.getNumber("minimum", -1000).doubleValue();
        double max = schema.getNumber("maximum", Math.max(min, 0) + 1000).doubleValue();
        return min + random.nextDouble() * (max - min);
    }

    private static String string(JsonObject schema, SplittableRandom random) {
        String format = schema.getString("format", "");
        String pattern = schema.getString("pattern", "");
        switch (format) {
            case "date-time":
                return Instant.now()
                        .minusSeconds(random.nextLong(86_400L * 40))
                        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        .toString();
            case "date":
                return LocalDate.now(ZoneOffset.UTC)
                        .plusDays(1 + random.nextInt(300))
                        .toString();
            case "uuid":
                return new UUID(random.nextLong(), random.nextLong()).toString();
            default:
                break;
        }
        if (pattern.startsWith("^[A-HJ-NPR-Z0-9]{17}")) {
            return String.format(Locale.ROOT, "SMCAR%012d", random.nextLong(1_000_000_000_000L));
        }
        if (pattern.startsWith("^[0-9]{2}:[0-9]{2}")) {
            return String.format(Locale.ROOT, "%02d:%02d", random.nextInt(24), random.nextInt(60));
        }
        if (pattern.startsWith("^[0-9]+\\.[0-9]+")) {
            return (1_700_000_000_000L + random.nextInt(1_000_000_000)) + "." + (1 + random.nextInt(10_000));
        }
        if (pattern.startsWith("^\\+?[0-9")) {
            return "+49 30 " + (1_000_000 + random.nextInt(9_000_000));
        }
        if (pattern.contains("@")) {
            return "user" + random.nextInt(1000) + "@example.com";
        }
        if (pattern.startsWith("^[\\x21-\\x7e]")) {
            return "fuzz-" + Long.toHexString(random.nextLong());
        }
        int min = schema.getInteger("minLength", 1);
        int max = Math.min(schema.getInteger("maxLength", 40), 40);
        StringBuilder out = new StringBuilder();
        int length = min + random.nextInt(Math.max(1, max - min + 1));
        for (int i = 0; i < length; i++) {
            out.append((char) ('a' + random.nextInt(26)));
        }
        return out.toString();
    }
}
