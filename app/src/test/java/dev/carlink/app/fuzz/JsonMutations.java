package dev.carlink.app.fuzz;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * JSON-aware mutations of a request body: fields dropped, added and duplicated, values of the wrong type, huge,
 * negative and non-finite numbers, very long strings, NUL, lone surrogates and other awkward Unicode, deep nesting,
 * huge arrays, null everywhere, enum members that do not exist, dates out of range. Each takes the seed as a value
 * tree and gives the body's text, because some of them (duplicate keys, {@code NaN}, {@code 1e999}) cannot be
 * written by a JSON library.
 */
final class JsonMutations {

    /** Values a parser or a database tends to get wrong, written as JSON text. */
    static final List<String> AWKWARD_NUMBERS = List.of(
            "0",
            "-0",
            "-1",
            "1e999",
            "-1e999",
            "1e-999",
            "NaN",
            "Infinity",
            "-Infinity",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775809",
            "2147483648",
            "-2147483649",
            "1.7976931348623157e308",
            "4.9e-324",
            "123456789012345678901234567890123456789012345678901234567890",
            "0.1e1",
            "1E2",
            "00012",
            "0x10",
            "1.",
            ".5",
            "+1",
            "22.000000000000000000000001");

    /** Strings a parser, a regex or a database tends to get wrong, as JSON string literals (escapes kept). */
    static final List<String> AWKWARD_STRINGS = List.of(
            "\"\"",
            "\" \"",
            "\"\\u0000\"",
            "\"a\\u0000b\"",
            "\"\\ud800\"",
            "\"\\udc00x\"",
            "\"\\ud83d\\ude97\"",
            "\"\\u202e\\u0041\"",
            "\"\\u2028\\u2029\"",
            "\"\\ufeff\"",
            "\"\\uffff\"",
            "\"e\\u0301\\u0301\\u0301\"",
            "\"\\t\\r\\n\"",
            "\"%00\"",
            "\"'; DROP TABLE command.users; --\"",
            "\"../../etc/passwd\"",
            "\"${jndi:ldap://127.0.0.1/a}\"",
            "\"%s%s%s%n\"",
            "\"<script>alert(1)</script>\"",
            "\"null\"",
            "\"true\"",
            "\"22\"",
            "\"-1\"",
            "\"SMCAR000000000102\"",
            "\"smcar000000000101\"");

    /** Dates and times out of range or not quite right. */
    static final List<String> AWKWARD_TIMES = List.of(
            "+999999999-12-31T23:59:59Z",
            "-999999999-01-01T00:00:00Z",
            "+10000-01-01T00:00:00Z",
            "0000-01-01T00:00:00Z",
            "-4713-11-24T00:00:00Z",
            "1969-12-31T23:59:59.999999999Z",
            "1970-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z",
            "2026-02-30T10:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-01-31T25:00:00Z",
            "2026-01-31T08:00:00",
            "2026-01-31T08:00:00+25:00",
            "2026-01-31",
            "now",
            "1738310400000",
            "294247-01-10T04:00:54.775807Z",
            "2038-01-19T03:14:08Z",
            "24:00",
            "23:60",
            "99:99",
            "-1:00",
            "7:40",
            "07:40:00",
            "1900-01-01",
            "2999-12-31",
            "+999999999-12-31",
            "-999999999-01-01");

    /** Bodies stay below this, well above the server's 64 KiB limit: huge enough to test it, cheap to build. */
    private static final int MAX_BODY_CHARS = 256 * 1024;

    private JsonMutations() {}

    /** One to three mutations of {@code seed}, as JSON text. */
    static String mutate(Object seed, SplittableRandom random) {
        Object tree = copy(seed);
        int rounds = 1 + random.nextInt(3);
        String text = null;
        for (int i = 0; i < rounds; i++) {
            int pick = random.nextInt(16);
            if (pick < 11) {
                Object before = copy(tree);
                tree = structural(tree, random, pick);
                if (size(tree, MAX_BODY_CHARS) > MAX_BODY_CHARS) {
                    tree = before; // a huge array of a long string: enough to test the limit, not the fuzzer's heap
                }
            } else {
                text = textual(text == null ? encode(tree) : text, random, pick);
            }
        }
        return text == null ? encode(tree) : text;
    }

    private static Object structural(Object tree, SplittableRandom random, int pick) {
        switch (pick) {
            case 0:
                return dropField(tree, random);
            case 1:
                return replaceNode(tree, random, v -> new Raw(someType(random)));
            case 2:
                return addField(tree, random);
            case 3:
                return replaceNode(tree, random, v -> new Raw(pick(AWKWARD_NUMBERS, random)));
            case 4:
                return replaceNode(tree, random, v -> new Raw(pick(AWKWARD_STRINGS, random)));
            case 5:
                return replaceNode(tree, random, v -> longString(random));
            case 6:
                return replaceNode(tree, random, v -> nothingThere(v, random));
            case 7:
                return replaceNode(tree, random, v -> new Raw(quote(pick(AWKWARD_TIMES, random))));
            case 8:
                return nullEverywhere(tree);
            case 9:
                return replaceNode(tree, random, v -> hugeArray(v, random));
            default:
                return replaceNode(tree, random, v -> new Raw(nested(random)));
        }
    }

    private static String textual(String text, SplittableRandom random, int pick) {
        switch (pick) {
            case 11: { // a duplicate key, after the first brace: which one wins?
                int brace = text.indexOf('{');
                int colon = text.indexOf(':', Math.max(brace, 0));
                if (brace < 0 || colon < 0) {
                    return text + text;
                }
                String key = text.substring(brace + 1, colon);
                return text.substring(0, brace + 1) + key + ":" + someType(random) + "," + text.substring(brace + 1);
            }
            case 12: // a whole body of another kind
                if (text.length() > MAX_BODY_CHARS) {
                    return "[]";
                }
                return pick(
                        List.of(
                                "[]",
                                "[" + text + "]",
                                "null",
                                "\"" + "x".repeat(random.nextInt(100)) + "\"",
                                "42",
                                "true",
                                "{}",
                                "",
                                " ",
                                text + text,
                                text + ",",
                                "{\"a\":1}{\"b\":2}",
                                "{,}",
                                "{\"a\" 1}",
                                "{'type':'CLIMATE_STOP'}",
                                "{type:\"CLIMATE_STOP\"}",
                                "/* comment */" + text,
                                text + "// trailing",
                                "\ufeff" + text),
                        random);
            case 13: // whitespace of every kind between the tokens
                return text.replace(":", pick(List.of(" : ", "\t:\n", "\r\n:\r\n", ":\u00a0", ":\u000b"), random));
            case 14: // a number swapped for an awkward one, in place
                return text.replaceFirst("(?<=:)-?[0-9][0-9.eE+-]*", pick(AWKWARD_NUMBERS, random));
            default: // deep nesting around the whole body
                if (text.length() > MAX_BODY_CHARS) {
                    return text;
                }
                int depth = 100 + random.nextInt(5000);
                return "[".repeat(depth) + text + "]".repeat(depth);
        }
    }

    /** A JSON fragment written as text into the tree, where a library value cannot say it. */
    record Raw(String json) {}

    private static Object dropField(Object tree, SplittableRandom random) {
        List<JsonObject> objects = new ArrayList<>();
        collect(tree, objects);
        objects.removeIf(o -> o.isEmpty());
        if (objects.isEmpty()) {
            return tree;
        }
        JsonObject o = objects.get(random.nextInt(objects.size()));
        List<String> names = new ArrayList<>(o.fieldNames());
        o.remove(names.get(random.nextInt(names.size())));
        return tree;
    }

    private static Object addField(Object tree, SplittableRandom random) {
        List<JsonObject> objects = new ArrayList<>();
        collect(tree, objects);
        if (objects.isEmpty()) {
            return tree;
        }
        JsonObject o = objects.get(random.nextInt(objects.size()));
        String name = pick(
                List.of(
                        "extra",
                        "",
                        "__proto__",
                        "constructor",
                        "id",
                        "vin",
                        "owner",
                        "role",
                        "status",
                        "requestedBy",
                        "type ",
                        "TYPE",
                        "\u0000",
                        "x".repeat(1000)),
                random);
        o.put(name, new Raw(someType(random)));
        return tree;
    }

    /** Replaces one node picked at random (the root included) by what {@code with} makes of it. */
    private static Object replaceNode(Object tree, SplittableRandom random, Function<Object, Object> with) {
        List<Object[]> slots = new ArrayList<>(); // {container, key or index}
        slots(tree, slots);
        if (slots.isEmpty() || random.nextInt(8) == 0) {
            return with.apply(tree);
        }
        Object[] slot = slots.get(random.nextInt(slots.size()));
        if (slot[0] instanceof JsonObject o) {
            String key = (String) slot[1];
            o.put(key, with.apply(o.getValue(key)));
        } else {
            JsonArray a = (JsonArray) slot[0];
            int index = (Integer) slot[1];
            a.set(index, with.apply(a.getValue(index)));
        }
        return tree;
    }

    /** Enum members that are not: another case, a neighbour, an empty or unknown word. */
    private static Object nothingThere(Object value, SplittableRandom random) {
        if (value instanceof String s && !s.isEmpty()) {
            return pick(
                    List.of(
                            s.toLowerCase(java.util.Locale.ROOT),
                            s + "_",
                            s.substring(1),
                            " " + s,
                            s + "\u0000",
                            s.replace('I', '\u0130'),
                            "UNKNOWN",
                            "SELF_DESTRUCT",
                            "FATIGUE_REMINDER",
                            "SCHEDULES_SYNC"),
                    random);
        }
        return pick(List.of("UNKNOWN", "", "0", "null"), random);
    }

    private static Object nullEverywhere(Object tree) {
        if (tree instanceof JsonObject o) {
            for (String key : new ArrayList<>(o.fieldNames())) {
                Object v = o.getValue(key);
                o.put(key, v instanceof JsonObject || v instanceof JsonArray ? nullEverywhere(v) : null);
            }
            return o;
        }
        if (tree instanceof JsonArray a) {
            for (int i = 0; i < a.size(); i++) {
                a.set(i, null);
            }
            return a;
        }
        return null;
    }

    private static Object hugeArray(Object value, SplittableRandom random) {
        JsonArray out = new JsonArray();
        int n = random.nextInt(4) == 0 ? 20_000 : 1 + random.nextInt(2_000);
        // no bigger than the body cap: a huge array of a huge array would take the fuzzer's heap, not the server's
        n = (int) Math.max(1, Math.min(n, MAX_BODY_CHARS / Math.max(1, size(value, MAX_BODY_CHARS))));
        for (int i = 0; i < n; i++) {
            out.add(value instanceof JsonObject || value instanceof JsonArray ? copy(value) : value);
        }
        return out;
    }

    private static String longString(SplittableRandom random) {
        int n = pick(List.of(256, 1001, 4001, 10_000, 70_000), random);
        char c = pick(List.of('a', '\u00e9', '\u4e2d', ' ', '9'), random);
        return String.valueOf(c).repeat(n);
    }

    private static String nested(SplittableRandom random) {
        int depth = 50 + random.nextInt(3000);
        return random.nextBoolean()
                ? "[".repeat(depth) + "]".repeat(depth)
                : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    static String someType(SplittableRandom random) {
        return pick(
                List.of(
                        "null",
                        "true",
                        "false",
                        "0",
                        "-1",
                        "1.5",
                        "\"\"",
                        "\"x\"",
                        "[]",
                        "[1,2,3]",
                        "{}",
                        "{\"a\":{}}",
                        "[null]",
                        pick(AWKWARD_NUMBERS, random),
                        pick(AWKWARD_STRINGS, random)),
                random);
    }

    private static void collect(Object tree, List<JsonObject> objects) {
        if (tree instanceof JsonObject o) {
            objects.add(o);
            o.forEach(e -> collect(e.getValue(), objects));
        } else if (tree instanceof JsonArray a) {
            a.forEach(v -> collect(v, objects));
        }
    }

    private static void slots(Object tree, List<Object[]> out) {
        if (tree instanceof JsonObject o) {
            for (String key : o.fieldNames()) {
                out.add(new Object[] {o, key});
                slots(o.getValue(key), out);
            }
        } else if (tree instanceof JsonArray a) {
            for (int i = 0; i < a.size(); i++) {
                out.add(new Object[] {a, i});
                slots(a.getValue(i), out);
            }
        }
    }

    /** About the length of a tree's JSON text, counted only until it passes {@code cap}. */
    private static long size(Object tree, long cap) {
        if (tree instanceof Raw raw) {
            return raw.json().length();
        }
        if (tree instanceof String text) {
            return text.length() + 2L;
        }
        long n = 2;
        if (tree instanceof JsonObject o) {
            for (String key : o.fieldNames()) {
                n += key.length() + 4 + size(o.getValue(key), cap - n);
                if (n > cap) {
                    return n;
                }
            }
        } else if (tree instanceof JsonArray a) {
            for (int i = 0; i < a.size(); i++) {
                n += 1 + size(a.getValue(i), cap - n);
                if (n > cap) {
                    return n;
                }
            }
        } else {
            n = String.valueOf(tree).length();
        }
        return n;
    }

    /** JSON text of a tree that may hold {@link Raw} fragments. */
    static String encode(Object tree) {
        StringBuilder out = new StringBuilder();
        write(tree, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        if (value instanceof Raw raw) {
            out.append(raw.json());
        } else if (value instanceof JsonObject o) {
            out.append('{');
            boolean first = true;
            for (String key : o.fieldNames()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                out.append(Json.encode(key)).append(':');
                write(o.getValue(key), out);
            }
            out.append('}');
        } else if (value instanceof JsonArray a) {
            out.append('[');
            for (int i = 0; i < a.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(a.getValue(i), out);
            }
            out.append(']');
        } else {
            out.append(Json.encode(value));
        }
    }

    private static Object copy(Object value) {
        if (value instanceof JsonObject o) {
            JsonObject out = new JsonObject();
            o.fieldNames().forEach(k -> out.put(k, copy(o.getValue(k))));
            return out;
        }
        if (value instanceof JsonArray a) {
            JsonArray out = new JsonArray();
            a.forEach(v -> out.add(copy(v)));
            return out;
        }
        return value;
    }

    static String quote(String s) {
        return Json.encode(s);
    }

    static <T> T pick(List<T> values, SplittableRandom random) {
        return values.get(random.nextInt(values.size()));
    }
}
