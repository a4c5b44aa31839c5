package dev.carlink.command.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document against the router the server really runs: the same (method, path) pairs, and a
 * document that holds together (references resolve, every operation says who may call it and what it answers).
 * What each operation answers to each role is checked against the running system by {@code OpenApiIT}.
 */
class OpenApiCoverageTest {

    private static final Set<String> HTTP_METHODS =
            Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
    private static final List<String> STATIC_MOUNTS = List.of("/console", "/app", "/common");
    private static final Set<String> CALLERS = Set.of("anyone", "owner", "staff", "admin");
    private static final Pattern VERTX_PARAM = Pattern.compile(":([A-Za-z0-9_]+)");
    private static final Pattern TEMPLATE_PARAM = Pattern.compile("\\{([^}]+)}");

    private static Vertx vertx;
    private static JsonNode doc;

    @BeforeAll
    static void load() throws Exception {
        vertx = Vertx.vertx();
        doc = new ObjectMapper().readTree(OpenApiDocument.load().json());
    }

    @AfterAll
    static void close() {
        vertx.close().await();
    }

    @Test
    void document_listsExactlyTheRoutesOfTheRouter() {
        // given the router as the server builds it; its handlers only store what they are given until a request
        Router router = ApiRouter.create(
                vertx,
                new ApiRouter.Services(null, null, null, null, null, null, null, null, null, null, null, null, null));

        // when
        Set<String> routed = routes(router);
        Set<String> documented = operations().keySet();

        // then
        assertThat(routed).as("the router's routes").contains("GET /health", "GET /api/v1/vehicles/{vin}");
        assertThat(minus(routed, documented))
                .as("routed but not documented in %s", OpenApiDocument.RESOURCE)
                .isEmpty();
        assertThat(minus(documented, routed))
                .as("documented in %s but not routed", OpenApiDocument.RESOURCE)
                .isEmpty();
    }

    @Test
    void document_isOpenApi31WithInfoAndPaths() {
        assertThat(doc.path("openapi").asText()).startsWith("3.1.");
        assertThat(doc.at("/info/title").asText()).isNotBlank();
        assertThat(doc.at("/info/version").asText()).isNotBlank();
        assertThat(doc.path("paths").size()).isGreaterThan(30);
        assertThat(doc.at("/components/securitySchemes/bearer/scheme").asText()).isEqualTo("bearer");
        assertThat(doc.at("/components/schemas/Problem/required").toString())
                .contains("\"type\"", "\"title\"", "\"status\"", "\"detail\"");
    }

    @Test
    void everyReference_resolvesWithinTheDocument() {
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);

        assertThat(refs).isNotEmpty();
        assertThat(refs.stream()
                        .filter(ref -> !ref.startsWith("#/")
                                || doc.at(ref.substring(1)).isMissingNode())
                        .toList())
                .as("$refs that do not resolve")
                .isEmpty();
    }

    @Test
    void everyOperation_saysWhatItIsWhoMayCallItAndWhatItAnswers() {
        Set<String> operationIds = new HashSet<>();
        operations().forEach((name, op) -> {
            assertThat(op.path("summary").asText()).as("summary of %s", name).isNotBlank();
            assertThat(op.path("description").asText())
                    .as("description of %s", name)
                    .startsWith("Who: ");
            assertThat(operationIds.add(op.path("operationId").asText()))
                    .as("unique operationId of %s", name)
                    .isTrue();
            assertThat(op.path("responses").size()).as("responses of %s", name).isPositive();
            op.path("responses").fields().forEachRemaining(response -> assertThat(
                            resolve(response.getValue()).path("description").asText())
                    .as("description of %s %s", name, response.getKey())
                    .isNotBlank());

            Set<String> callers = texts(op.path("x-carlink-callers"));
            assertThat(callers).as("x-carlink-callers of %s", name).isNotEmpty().isSubsetOf(CALLERS);
            JsonNode security = op.has("security") ? op.get("security") : doc.get("security");
            if (callers.contains("anyone")) {
                assertThat(callers).as("callers of %s", name).containsExactly("anyone");
                assertThat(security.isEmpty())
                        .as("%s is open, so has no security", name)
                        .isTrue();
            } else {
                assertThat(security.isEmpty()).as("%s needs a token", name).isFalse();
                assertThat(op.at("/responses/401").isMissingNode())
                        .as("%s documents 401", name)
                        .isFalse();
                assertThat(callers.contains("owner") || !op.at("/responses/403").isMissingNode())
                        .as("%s, staff's or admins' only, documents 403", name)
                        .isTrue();
            }
            if (op.has("requestBody")) {
                assertThat(op.at("/responses/400").isMissingNode())
                        .as("%s documents 400", name)
                        .isFalse();
                assertThat(op.at("/responses/413").isMissingNode())
                        .as("%s documents 413", name)
                        .isFalse();
            }
        });
    }

    @Test
    void everyPathParameter_isDeclaredRequiredAndEveryCarPathAnswersAsTheAccessCheckDoes() {
        operations().forEach((name, op) -> {
            String path = name.substring(name.indexOf(' ') + 1);
            Set<String> inTemplate = new TreeSet<>();
            Matcher m = TEMPLATE_PARAM.matcher(path);
            while (m.find()) {
                inTemplate.add(m.group(1));
            }
            Set<String> declared = new TreeSet<>();
            for (JsonNode p : parameters(path, op)) {
                if (p.path("in").asText().equals("path")) {
                    assertThat(p.path("required").asBoolean())
                            .as("%s: %s required", name, p.path("name"))
                            .isTrue();
                    declared.add(p.path("name").asText());
                }
            }
            assertThat(declared).as("path parameters of %s", name).isEqualTo(inTemplate);
            if (inTemplate.contains("vin")) {
                for (String status : List.of("400", "403", "404")) {
                    assertThat(op.at("/responses/" + status).isMissingNode())
                            .as("%s documents %s", name, status)
                            .isFalse();
                }
            }
        });
    }

    @Test
    void accessTokenQueryParameter_isDocumentedOnTheStreamsOnly() {
        operations().forEach((name, op) -> {
            String path = name.substring(name.indexOf(' ') + 1);
            boolean accepts = parameters(path, op).stream()
                    .anyMatch(p -> p.path("name").asText().equals("access_token")
                            && p.path("in").asText().equals("query"));
            boolean stream = path.endsWith("/stream");
            assertThat(accepts).as("access_token on %s", name).isEqualTo(stream);
            if (stream) {
                assertThat(op.path("security").toString())
                        .as("security of %s", name)
                        .contains("accessToken");
                assertThat(op.at("/responses/200/content").has("text/event-stream"))
                        .as("%s answers text/event-stream", name)
                        .isTrue();
            }
        });
    }

    @Test
    void parse_ofInvalidYaml_failsNamingTheDocument() {
        assertThatThrownBy(() -> OpenApiDocument.parse("broken.yaml", "openapi: 3.1.0\npaths: [unclosed\n"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("broken.yaml")
                .hasMessageContaining("is not valid YAML");
    }

    @Test
    void parse_ofDuplicateKeys_failsRatherThanKeepingOne() {
        String yaml = "openapi: 3.1.0\npaths:\n  /a: {}\n  /a: {}\n";

        assertThatThrownBy(() -> OpenApiDocument.parse("twice.yaml", yaml))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("twice.yaml")
                .hasMessageContaining("/a");
    }

    @Test
    void parse_ofYamlWithoutOpenapiField_failsSayingItIsNoOpenApiDocument() {
        assertThatThrownBy(() -> OpenApiDocument.parse("other.yaml", "title: not an API\n"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("other.yaml is not an OpenAPI document");
    }

    @Test
    void load_ofMissingResource_failsNamingIt() {
        assertThatThrownBy(() -> OpenApiDocument.load("openapi/nowhere.yaml"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the OpenAPI document openapi/nowhere.yaml is not on the classpath");
    }

    @Test
    void json_isTheYamlDocumentConverted() throws Exception {
        OpenApiDocument loaded = OpenApiDocument.load();

        JsonNode fromYaml = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(loaded.yaml());

        assertThat(new ObjectMapper().readTree(loaded.json())).isEqualTo(fromYaml);
    }

    /** {@code METHOD /path} of every route in scope: the API sub-router's, /health and /metrics. */
    private static Set<String> routes(Router root) {
        Set<String> out = new TreeSet<>();
        for (Route route : root.getRoutes()) {
            if (route.getSubRouter() != null) {
                String prefix = route.getPath().replaceAll("/$", "");
                for (Route inner : route.getSubRouter().getRoutes()) {
                    add(out, prefix, inner);
                }
            } else if (route.getPath() != null && !isStaticMount(route.getPath())) {
                add(out, "", route);
            }
        }
        return out;
    }

    /** The staff console's, the owner app's and their shared static files: pages, not API operations. */
    private static boolean isStaticMount(String path) {
        return STATIC_MOUNTS.stream().anyMatch(mount -> path.equals(mount) || path.startsWith(mount + "/"));
    }

    private static void add(Set<String> out, String prefix, Route route) {
        if (route.getPath() == null) {
            // a route with parameters keeps its path; a pure regex route has none and cannot be compared
            if (route.isRegexPath()) {
                out.add("REGEX under " + prefix + " (cannot be checked against the document)");
            }
            return; // otherwise a handler for every request (metrics, body, authentication)
        }
        String path = VERTX_PARAM.matcher(prefix + route.getPath()).replaceAll("{$1}");
        if (route.methods() == null || route.methods().isEmpty()) {
            out.add("ANY " + path);
        } else {
            route.methods().forEach(m -> out.add(m.name() + " " + path));
        }
    }

    /** {@code METHOD /path} of every documented operation, with the operation. */
    private static Map<String, JsonNode> operations() {
        Map<String, JsonNode> out = new java.util.TreeMap<>();
        doc.path("paths")
                .fields()
                .forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
                    if (HTTP_METHODS.contains(op.getKey())) {
                        out.put(op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey(), op.getValue());
                    }
                }));
        return out;
    }

    /** The parameters of an operation with those of its path item, references resolved. */
    private static List<JsonNode> parameters(String path, JsonNode op) {
        List<JsonNode> out = new ArrayList<>();
        doc.path("paths").path(path).path("parameters").forEach(p -> out.add(resolve(p)));
        op.path("parameters").forEach(p -> out.add(resolve(p)));
        return out;
    }

    private static JsonNode resolve(JsonNode node) {
        return node.has("$ref") ? doc.at(node.get("$ref").asText().substring(1)) : node;
    }

    private static void collectRefs(JsonNode node, List<String> out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().equals("$ref")) {
                    out.add(field.getValue().asText());
                } else {
                    collectRefs(field.getValue(), out);
                }
            }
        } else if (node.isArray()) {
            node.forEach(element -> collectRefs(element, out));
        }
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> out = new TreeSet<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }
}
