package dev.carlink.app.fuzz;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The operations of the served OpenAPI document ({@code /api/v1/openapi.json}), with every {@code $ref} resolved:
 * what the HTTP fuzzer drives. Each keeps its documented callers ({@code x-carlink-callers}), its parameters with
 * their schemas and examples, and its request body's schema and example.
 */
final class ApiOperations {

    /** A path, query or header parameter. */
    record Param(String name, String in, boolean required, JsonObject schema, Object example) {}

    /**
     * One documented operation.
     *
     * @param callers {@code anyone}, {@code owner}, {@code staff}, {@code admin}
     * @param bodySchema null without a request body
     * @param stream whether it answers server-sent events (the fuzzer reads the head of the answer, then hangs up)
     */
    record Operation(
            String method,
            String path,
            String id,
            List<String> callers,
            List<Param> params,
            JsonObject bodySchema,
            Object bodyExample,
            boolean stream) {

        List<Param> params(String in) {
            return params.stream().filter(p -> p.in().equals(in)).toList();
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch");
    /** Deeper than any schema of the document; a cycle stops here instead of overflowing the stack. */
    private static final int MAX_DEPTH = 24;

    private final JsonObject document;

    private ApiOperations(JsonObject document) {
        this.document = document;
    }

    /** Every operation of {@code document}, in document order. */
    static List<Operation> of(JsonObject document) {
        return new ApiOperations(document).operations();
    }

    private List<Operation> operations() {
        List<Operation> out = new ArrayList<>();
        JsonObject paths = document.getJsonObject("paths");
        for (String path : paths.fieldNames()) {
            JsonObject item = paths.getJsonObject(path);
            List<Param> shared = params(item.getJsonArray("parameters"));
            for (String method : METHODS) {
                JsonObject op = item.getJsonObject(method);
                if (op == null) {
                    continue;
                }
                List<Param> params = new ArrayList<>(shared);
                params.addAll(params(op.getJsonArray("parameters")));
                JsonObject body = null;
                Object example = null;
                JsonObject requestBody = resolve(op.getJsonObject("requestBody"), 0);
                if (requestBody != null) {
                    JsonObject json = requestBody.getJsonObject("content").getJsonObject("application/json");
                    body = resolve(json.getJsonObject("schema"), 0);
                    example = json.getValue("example");
                }
                JsonObject ok = op.getJsonObject("responses").getJsonObject("200");
                boolean stream = ok != null
                        && ok.getJsonObject("content") != null
                        && ok.getJsonObject("content").containsKey("text/event-stream");
                List<String> callers = op.getJsonArray("x-carlink-callers", new JsonArray()).stream()
                        .map(String::valueOf)
                        .toList();
                out.add(new Operation(
                        method.toUpperCase(Locale.ROOT),
                        path,
                        op.getString("operationId"),
                        callers,
                        List.copyOf(params),
                        body,
                        example,
                        stream));
            }
        }
        return out;
    }

    private List<Param> params(JsonArray raw) {
        List<Param> out = new ArrayList<>();
        if (raw == null) {
            return out;
        }
        for (Object o : raw) {
            JsonObject p = resolve((JsonObject) o, 0);
            out.add(new Param(
                    p.getString("name"),
                    p.getString("in"),
                    p.getBoolean("required", false),
                    resolve(p.getJsonObject("schema"), 0),
                    p.getValue("example")));
        }
        return out;
    }

    /** A copy of {@code node} with every {@code $ref} in it replaced by what it points at. */
    private JsonObject resolve(JsonObject node, int depth) {
        if (node == null) {
            return null;
        }
        if (depth > MAX_DEPTH) {
            return new JsonObject();
        }
        JsonObject target = node;
        if (node.containsKey("$ref")) {
            target = pointer(node.getString("$ref")).copy();
            // siblings of a $ref (a description, an example) are kept
            for (String key : node.fieldNames()) {
                if (!key.equals("$ref")) {
                    target.put(key, node.getValue(key));
                }
            }
            return resolve(target, depth + 1);
        }
        JsonObject out = new JsonObject();
        for (String key : target.fieldNames()) {
            out.put(key, resolveValue(target.getValue(key), depth + 1));
        }
        return out;
    }

    private Object resolveValue(Object value, int depth) {
        if (value instanceof JsonObject o) {
            return resolve(o, depth);
        }
        if (value instanceof JsonArray a) {
            JsonArray out = new JsonArray();
            a.forEach(v -> out.add(resolveValue(v, depth)));
            return out;
        }
        return value;
    }

    private JsonObject pointer(String ref) {
        if (!ref.startsWith("#/")) {
            throw new IllegalArgumentException("only local references are expected, was " + ref);
        }
        Object node = document;
        for (String part : ref.substring(2).split("/")) {
            node = ((JsonObject) node).getValue(part.replace("~1", "/").replace("~0", "~"));
        }
        if (!(node instanceof JsonObject found)) {
            throw new IllegalArgumentException("dangling reference " + ref);
        }
        return found;
    }
}
