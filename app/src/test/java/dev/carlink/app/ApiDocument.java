package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI document as the running system serves it, read the way the API tests need it: its operations, the
 * example value of each path parameter, each operation's example body and who may call it ({@code
 * x-carlink-callers}).
 */
final class ApiDocument {

    static final ObjectMapper JSON = new ObjectMapper();

    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch");
    private static final List<String> WRITES_FIRST = List.of("POST", "PUT", "PATCH", "GET", "DELETE");
    private static final Pattern TEMPLATE_PARAM = Pattern.compile("\\{([^}]+)}");

    private final JsonNode root;

    private ApiDocument(JsonNode root) {
        this.root = root;
    }

    /** The document {@code GET /api/v1/openapi.json} answers, without a token. */
    static ApiDocument served(TestSystem system) throws IOException {
        TestSystem.Reply served = system.get(null, "/api/v1/openapi.json");
        assertThat(served.status()).as(served.body()).isEqualTo(200);
        return new ApiDocument(JSON.readTree(served.body()));
    }

    JsonNode root() {
        return root;
    }

    /** The VIN the document's examples name. */
    String exampleVin() {
        return root.at("/components/parameters/Vin/example").asText();
    }

    /**
     * Every operation by {@code METHOD /path}: the writes first, so that the reads after them answer with
     * something in their lists (a command, a schedule, audit entries).
     */
    Map<String, JsonNode> operations() {
        Map<String, JsonNode> out = new TreeMap<>(Comparator.comparing((String op) -> WRITES_FIRST.indexOf(method(op)))
                .thenComparing(op -> op));
        root.path("paths")
                .fields()
                .forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
                    if (HTTP_METHODS.contains(op.getKey())) {
                        out.put(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), op.getValue());
                    }
                }));
        return out;
    }

    /** {@code POST} of {@code POST /api/v1/x}. */
    static String method(String operation) {
        return operation.substring(0, operation.indexOf(' '));
    }

    /** {@code /api/v1/x} of {@code POST /api/v1/x}. */
    static String template(String operation) {
        return operation.substring(operation.indexOf(' ') + 1);
    }

    /** Who the operation names in {@code x-carlink-callers}: anyone, owner, staff, admin. */
    static Set<String> callers(JsonNode op) {
        return texts(op.path("x-carlink-callers"));
    }

    /** The operation's example JSON body, or null when it takes none. */
    static String exampleBody(JsonNode op) {
        if (!op.has("requestBody")) {
            return null;
        }
        try {
            return JSON.writeValueAsString(op.at("/requestBody/content/application~1json/example"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The template with each path parameter replaced by its documented example. */
    String examplePath(String template, JsonNode op) {
        return examplePath(template, op, Map.of());
    }

    /** The same, but a parameter named in {@code values} (e.g. {@code id}) takes that value instead. */
    String examplePath(String template, JsonNode op, Map<String, String> values) {
        Map<String, String> examples = new TreeMap<>();
        List<JsonNode> parameters = new ArrayList<>();
        root.path("paths").path(template).path("parameters").forEach(p -> parameters.add(resolve(p)));
        op.path("parameters").forEach(p -> parameters.add(resolve(p)));
        for (JsonNode p : parameters) {
            if (p.path("in").asText().equals("path")) {
                assertThat(p.has("example"))
                        .as(
                                "%s documents an example for {%s}",
                                template, p.path("name").asText())
                        .isTrue();
                examples.put(p.path("name").asText(), p.get("example").asText());
            }
        }
        examples.putAll(values);
        Matcher m = TEMPLATE_PARAM.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(examples.get(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The node a {@code $ref} points to (followed until it is no reference), or the node itself. */
    JsonNode resolve(JsonNode node) {
        JsonNode resolved = node;
        Set<String> seen = new HashSet<>();
        while (resolved.has("$ref") && seen.add(resolved.get("$ref").asText())) {
            resolved = root.at(resolved.get("$ref").asText().substring(1));
        }
        return resolved;
    }

    static Set<String> texts(JsonNode array) {
        Set<String> out = new TreeSet<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
