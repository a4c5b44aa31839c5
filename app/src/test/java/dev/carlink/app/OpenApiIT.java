package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document as the running system serves it, taken at its word: every documented operation is
 * called anonymously, by each role it names and by the roles it does not, with the document's own example
 * path values and bodies, and every answer must be a status the operation documents, with the documented
 * media type and headers and a body that fits the documented schema. That the document lists exactly the
 * router's routes is {@code OpenApiCoverageTest}'s job in command-service.
 */
class OpenApiIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestSystem system;
    private static ApiDocument api;
    private static JsonNode doc;
    /** Who calls, by the name the document's {@code x-carlink-callers} uses; "other owner" owns no car used. */
    private static final Map<String, String> tokens = new LinkedHashMap<>();

    private static final Map<String, String> USERNAMES =
            Map.of("owner", "alice", "other owner", "bob", "staff", "staff", "admin", "admin");

    @BeforeAll
    static void start() throws IOException {
        system = TestSystem.start();
        api = ApiDocument.served(system);
        doc = api.root();
        // the car the document's examples name is alice's
        system.enrollCar(api.exampleVin(), "alice", false);
        tokens.put("owner", system.login("alice"));
        tokens.put("other owner", system.login("bob"));
        tokens.put("staff", system.login("staff"));
        tokens.put("admin", system.login("admin"));
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    void document_isServedAnonymouslyAsYamlAndAsTheSameJson() throws IOException {
        TestSystem.Reply yaml = system.get(null, "/api/v1/openapi.yaml");
        TestSystem.Reply json = system.get(null, "/api/v1/openapi.json");

        assertThat(yaml.status()).isEqualTo(200);
        assertThat(yaml.headers().firstValue("Content-Type")).contains("application/yaml");
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(JSON.readTree(json.body())).isEqualTo(new YAMLMapper().readTree(yaml.body()));
        assertThat(doc.path("openapi").asText()).startsWith("3.1.");
    }

    @Test
    void aClientAskingForCleartextHttp2_getsTheWholeDocumentOverHttp11() throws Exception {
        // a default JDK client offers "Upgrade: h2c"; the server once accepted it, and about one large answer in
        // seven then reached the client corrupted
        URI uri = URI.create(system.api("/api/v1/openapi.json"));
        for (int i = 0; i < 40; i++) {
            HttpClient upgrading = HttpClient.newHttpClient(); // a new connection, so each call offers the upgrade
            HttpResponse<String> reply =
                    upgrading.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(reply.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(JSON.readTree(reply.body())).isEqualTo(doc);
        }
    }

    @Test
    void everyDocumentedOperation_answersEveryCallerAsDocumented() throws IOException {
        List<String> problems = new ArrayList<>();
        int operations = 0;
        int calls = 0;
        for (Map.Entry<String, JsonNode> entry : api.operations().entrySet()) {
            String method = ApiDocument.method(entry.getKey());
            String template = ApiDocument.template(entry.getKey());
            JsonNode op = entry.getValue();
            String path = api.examplePath(template, op);
            String body = ApiDocument.exampleBody(op);
            Set<String> callers = ApiDocument.callers(op);
            operations++;

            // given no token
            ApiCall anonymous = call(method, path, null, body);
            calls++;
            if (callers.contains("anyone")) {
                check(entry.getKey() + " by anyone", op, anonymous, problems);
                continue;
            }
            expect(entry.getKey() + " without a token", op, anonymous, 401, problems);

            // given each role, the ones refused first so that what the others change does not decide it
            List<String> roles = new ArrayList<>();
            tokens.keySet().stream().filter(r -> !allowed(r, callers, template)).forEach(roles::add);
            tokens.keySet().stream().filter(r -> allowed(r, callers, template)).forEach(roles::add);
            for (String role : roles) {
                if (role.equals("other owner") && !template.contains("{vin}")) {
                    continue; // the same as owner
                }
                // signing out is tried with a session of its own: the role's token serves the operations after
                String token = entry.getKey().equals("POST /api/v1/auth/logout")
                        ? system.login(USERNAMES.get(role))
                        : tokens.get(role);
                ApiCall reply = call(method, path, token, body);
                calls++;
                String what = entry.getKey() + " by " + role;
                if (allowed(role, callers, template)) {
                    check(what, op, reply, problems);
                    if (reply.status() == 401 || reply.status() == 403) {
                        problems.add(what + ": refused with " + reply.status() + " though documented as allowed: "
                                + reply.body());
                    }
                } else {
                    expect(what, op, reply, 403, problems);
                }
            }

            if (template.endsWith("/stream")) {
                String role = roles.get(roles.size() - 1);
                ApiCall viaQuery = call(method, path + "?access_token=" + tokens.get(role), null, null);
                calls++;
                expect(entry.getKey() + " by " + role + " with access_token", op, viaQuery, 200, problems);
            }
        }

        assertThat(problems).as("answers that contradict the document").isEmpty();
        assertThat(operations).as("operations probed").isGreaterThanOrEqualTo(40);
        assertThat(calls).as("calls made").isGreaterThan(3 * operations);
    }

    @Test
    void successfulLogin_answersAsDocumented() {
        String password = TestSystem.USERS.stream()
                .filter(u -> u.username().equals("alice"))
                .findFirst()
                .orElseThrow()
                .password();
        List<String> problems = new ArrayList<>();

        ApiCall reply =
                call("POST", "/api/v1/auth/login", null, "{\"username\":\"alice\",\"password\":\"" + password + "\"}");

        expect("POST /api/v1/auth/login", doc.at("/paths/~1api~1v1~1auth~1login/post"), reply, 200, problems);
        assertThat(problems).isEmpty();
    }

    @Test
    void accessTokenQueryParameter_isIgnoredOutsideTheStreams() {
        ApiCall reply = call("GET", "/api/v1/vehicles?access_token=" + tokens.get("owner"), null, null);

        assertThat(reply.status()).as(reply.body()).isEqualTo(401);
    }

    private static boolean allowed(String role, Set<String> callers, String template) {
        if (role.equals("other owner")) {
            return callers.contains("owner") && !template.contains("{vin}");
        }
        return callers.contains(role);
    }

    /** The reply has exactly {@code status}, and fits the document. */
    private static void expect(String what, JsonNode op, ApiCall reply, int status, List<String> problems) {
        if (reply.status() != status) {
            problems.add(what + ": expected " + status + ", was " + reply.status() + ": " + reply.body());
        }
        check(what, op, reply, problems);
    }

    /** The status is documented, with the media type, the headers and a body that fits the schema. */
    private static void check(String what, JsonNode op, ApiCall reply, List<String> problems) {
        JsonNode response = resolve(op.path("responses").path(String.valueOf(reply.status())));
        if (response.isMissingNode()) {
            problems.add(what + ": answered " + reply.status() + ", which is not documented: " + reply.body());
            return;
        }
        response.path("headers").fieldNames().forEachRemaining(header -> {
            if (reply.headers().firstValue(header).isEmpty()) {
                problems.add(what + ": " + reply.status() + " without the documented header " + header);
            }
        });
        JsonNode content = response.path("content");
        if (content.isEmpty()) {
            if (!reply.body().isEmpty()) {
                problems.add(what + ": " + reply.status() + " is documented without a body, but has " + reply.body());
            }
            return;
        }
        String mediaType = reply.headers()
                .firstValue("Content-Type")
                .map(t -> t.replaceAll(";.*", "").trim().toLowerCase(Locale.ROOT))
                .orElse("(none)");
        if (!content.has(mediaType)) {
            problems.add(what + ": " + reply.status() + " has Content-Type " + mediaType + ", documented "
                    + content.properties().stream().map(Map.Entry::getKey).toList());
            return;
        }
        if (mediaType.endsWith("json")) {
            try {
                validate(content.get(mediaType).path("schema"), JSON.readTree(reply.body()), what + " body", problems);
            } catch (IOException e) {
                problems.add(what + ": " + mediaType + " that is not JSON: " + reply.body());
            }
        }
    }

    /**
     * Checks a value against the JSON Schema keywords the document uses: $ref, allOf, oneOf, type, const,
     * enum, format (date-time, date, uuid), pattern, minimum, maximum, required, properties,
     * additionalProperties, items, maxItems.
     */
    private static void validate(JsonNode schemaOrRef, JsonNode value, String where, List<String> problems) {
        JsonNode schema = resolve(schemaOrRef);
        for (JsonNode part : schema.path("allOf")) {
            validate(part, value, where, problems);
        }
        if (schema.has("oneOf")) {
            int matching = 0;
            List<String> why = new ArrayList<>();
            for (JsonNode alternative : schema.get("oneOf")) {
                List<String> own = new ArrayList<>();
                validate(alternative, value, where, own);
                matching += own.isEmpty() ? 1 : 0;
                why.addAll(own);
            }
            if (matching != 1) {
                problems.add(where + ": matches " + matching + " of the oneOf alternatives " + why);
            }
        }
        if (schema.has("type")) {
            Set<String> types = schema.get("type").isArray()
                    ? texts(schema.get("type"))
                    : Set.of(schema.get("type").asText());
            if (types.stream().noneMatch(t -> hasType(value, t))) {
                problems.add(where + ": " + value + " is not of type " + types);
                return;
            }
        }
        if (schema.has("const") && !schema.get("const").equals(value)) {
            problems.add(where + ": " + value + " is not " + schema.get("const"));
        }
        if (schema.has("enum") && !contains(schema.get("enum"), value)) {
            problems.add(where + ": " + value + " is not one of " + schema.get("enum"));
        }
        if (value.isTextual()) {
            validateText(schema, value.asText(), where, problems);
        }
        if (value.isNumber()) {
            if (schema.has("minimum")
                    && value.asDouble() < schema.get("minimum").asDouble()) {
                problems.add(where + ": " + value + " is below " + schema.get("minimum"));
            }
            if (schema.has("maximum")
                    && value.asDouble() > schema.get("maximum").asDouble()) {
                problems.add(where + ": " + value + " is above " + schema.get("maximum"));
            }
        }
        if (value.isObject()) {
            for (JsonNode required : schema.path("required")) {
                if (!value.has(required.asText())) {
                    problems.add(where + ": misses " + required.asText() + " in " + value);
                }
            }
            Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode property = schema.path("properties").path(field.getKey());
                JsonNode additional = schema.path("additionalProperties");
                if (!property.isMissingNode()) {
                    validate(property, field.getValue(), where + "." + field.getKey(), problems);
                } else if (additional.isObject()) {
                    validate(additional, field.getValue(), where + "." + field.getKey(), problems);
                } else if (additional.isBoolean() && !additional.asBoolean()) {
                    problems.add(where + ": has " + field.getKey() + ", which is not documented");
                }
            }
        }
        if (value.isArray()) {
            if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
                problems.add(where + ": more than " + schema.get("maxItems") + " items");
            }
            if (schema.has("items")) {
                for (int i = 0; i < value.size(); i++) {
                    validate(schema.get("items"), value.get(i), where + "[" + i + "]", problems);
                }
            }
        }
    }

    private static void validateText(JsonNode schema, String text, String where, List<String> problems) {
        String format = schema.path("format").asText("");
        try {
            switch (format) {
                case "date-time" -> Instant.parse(text);
                case "date" -> LocalDate.parse(text);
                case "uuid" -> UUID.fromString(text);
                default -> {
                    // other formats are descriptive only
                }
            }
        } catch (RuntimeException e) {
            problems.add(where + ": '" + text + "' is not a " + format);
        }
        if (schema.has("pattern")
                && !Pattern.compile(schema.get("pattern").asText())
                        .matcher(text)
                        .find()) {
            problems.add(where + ": '" + text + "' does not match "
                    + schema.get("pattern").asText());
        }
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "null" -> value.isNull();
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "boolean" -> value.isBoolean();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            default -> throw new IllegalArgumentException("unknown type " + type);
        };
    }

    private static boolean contains(JsonNode array, JsonNode value) {
        for (JsonNode element : array) {
            if (element.equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static ApiCall call(String method, String path, String token, String body) {
        return ApiCall.bearer(system, method, path, token, body);
    }

    private static JsonNode resolve(JsonNode node) {
        return api.resolve(node);
    }

    private static Set<String> texts(JsonNode array) {
        return ApiDocument.texts(array);
    }
}
