package dev.carlink.app.fuzz;

import dev.carlink.app.fuzz.ApiOperations.Operation;
import dev.carlink.app.fuzz.ApiOperations.Param;
import dev.carlink.app.fuzz.HttpFuzzer.Kind;
import dev.carlink.app.fuzz.HttpShot.Request;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Draws the HTTP fuzzer's shots: a documented operation, a caller (its documented callers most of the time,
 * anyone else otherwise) and a seed from the document's example or schema, then one family of mutations: JSON-aware
 * body changes, byte-level ones ({@link Mutator}), the path, the query, the headers, the method, the whole request's
 * bytes, HTTP/1.1 framing, or several requests pipelined. Shot {@code n} is drawn from the seed and {@code n}
 * alone, so a run sends the same requests again but for the tokens and the ids the server handed out.
 */
final class HttpShots {

    /** Callers and their weights; the garbage caller sends tokens no server issued. */
    static final List<String> CALLERS = List.of("owner", "staff", "admin", "anyone", "garbage");

    /** Path parameter values that are not what the path wants, percent-encoded where they must be. */
    private static final List<String> ODD_SEGMENTS = List.of(
            "",
            "%00",
            "SMCAR000000000101%00",
            "..",
            "%2e%2e",
            "%2E%2E%2F%2E%2E",
            "..%2f..%2fadmin",
            "a%2Fb",
            "%",
            "%zz",
            "%c0%ae%c0%ae",
            "%ff%fe",
            "%ed%a0%80",
            "%C3%A9",
            "x".repeat(5000),
            "-1",
            "0",
            "9223372036854775808",
            "-9223372036854775809",
            "1e3",
            "0x1",
            "%20",
            "+",
            "*",
            "SMCAR000000000101;x=1",
            "%3F",
            "%23",
            "null",
            "%7Bvin%7D",
            "00000000-0000-0000-0000-000000000000",
            "ffffffff-ffff-ffff-ffff-ffffffffffff",
            "%7B6a5d1c2b-8f3e-4b7a-9c1d-2e3f4a5b6c7d%7D",
            "6a5d1c2b8f3e4b7a9c1d2e3f4a5b6c7d",
            "%27%20OR%201%3D1--",
            "smcar000000000101",
            "SMCAR0000000001011",
            "SMCAR00000000010I");

    /** Targets beside and around the API: traversal, doubled slashes, other cases, the static file handlers. */
    private static final List<String> ODD_TARGETS = List.of(
            "/api/v1/vehicles/../admin/audit",
            "/api/v1/../../../etc/passwd",
            "/api/v1/%2e%2e/%2e%2e/etc/passwd",
            "//api/v1/vehicles",
            "/api//v1/vehicles",
            "/API/V1/VEHICLES",
            "/api/v1/vehicles/",
            "/api/v1/vehicles/.",
            "/api/v1/./vehicles",
            "/api/v1/vehicles%2Fstream",
            "/api/v2/vehicles",
            "/api/v1",
            "/api/v1/",
            "/api",
            "/",
            "*",
            "http://127.0.0.1/api/v1/vehicles",
            "http://evil.example/api/v1/account",
            "/api/v1/vehicles?",
            "/api/v1/vehicles#x",
            "/console/../api/v1/admin/audit",
            "/console/..%2f..%2fpom.xml",
            "/app/%2e%2e/%2e%2e/etc/passwd",
            "/common/..%5c..%5cetc%5cpasswd",
            "/app/" + "a/".repeat(1000),
            "/console/" + "%2e%2e/".repeat(50) + "etc/passwd",
            "/" + "x".repeat(9000),
            "/health/",
            "/metrics?name[]=1",
            "/api/v1/openapi.json/..",
            "/api/v1/openapi.yaml%00.json");

    private static final List<String> METHODS = List.of(
            "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "get", "GETX", "A".repeat(100));

    private final List<Operation> operations;
    private final Map<String, String> tokens;
    private final String host;
    private final long seed;
    /** Values for path parameters by name ({@code vin}, {@code id} of a schedule, a command, a task, keyId). */
    final Map<String, List<String>> pathValues = new ConcurrentHashMap<>();

    /**
     * @param tokens bearer tokens by caller ({@code owner}, {@code staff}, {@code admin}, and {@code other}: a real
     *     token of an owner who is not the caller's, used as a garbage one)
     */
    HttpShots(List<Operation> operations, Map<String, String> tokens, String host, long seed) {
        this.operations = List.copyOf(operations);
        this.tokens = Map.copyOf(tokens);
        this.host = host;
        this.seed = seed;
    }

    /** Adds a value a path parameter may take (a VIN, or an id the server handed out). */
    void addPathValue(String name, String value) {
        List<String> values = pathValues.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>());
        if (values.size() < 200 && !values.contains(value)) {
            values.add(value);
        }
    }

    /** Shot number {@code n}. */
    HttpShot draw(long n, Kind kind) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + n);
        Operation op = operations.get(random.nextInt(operations.size()));
        String caller = caller(op, random);
        switch (kind) {
            case FRAMING:
                return HttpFraming.shot(this, op, caller, random);
            case PIPELINE:
                return pipeline(random);
            case RAW: {
                Request r = seed(op, caller, random);
                byte[] bytes = Mutator.mutate(
                        r.bytes(), seed(pick(random), "owner", random).bytes(), random);
                return new HttpShot(kind, "whole request mutated", op.toString(), caller, bytes, false, 1, false, true);
            }
            default:
                Request r = seed(op, caller, random);
                String label = mutate(r, op, kind, random);
                return new HttpShot(
                        kind,
                        label,
                        op.toString(),
                        caller,
                        r.bytes(),
                        r.wellFormed,
                        1,
                        r.method.equals("HEAD"),
                        !r.wellFormed);
        }
    }

    Operation pick(SplittableRandom random) {
        return operations.get(random.nextInt(operations.size()));
    }

    private HttpShot pipeline(SplittableRandom random) {
        int n = 2 + random.nextInt(7);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Operation op = pick(random);
            Request r = seed(op, caller(op, random), random);
            if (random.nextInt(3) == 0 && r.body != null && r.body.length > 0) {
                r.body = JsonMutations.mutate(
                                io.vertx.core.json.Json.decodeValue(new String(r.body, StandardCharsets.UTF_8)), random)
                        .getBytes(StandardCharsets.UTF_8);
            }
            if (op.stream()) {
                continue; // a stream never ends, so nothing behind it would be answered
            }
            out.writeBytes(r.bytes());
            ops.add(op.toString());
        }
        if (ops.isEmpty()) { // every one drawn was a stream
            Request health = new Request("GET", "/health").header("Host", host);
            out.writeBytes(health.bytes());
            ops.add("GET /health");
        }
        return new HttpShot(
                Kind.PIPELINE,
                ops.size() + " requests in one write",
                String.join(" | ", ops),
                "mixed",
                out.toByteArray(),
                true,
                ops.size(),
                false,
                false);
    }

    private String caller(Operation op, SplittableRandom random) {
        if (random.nextInt(10) < 7) {
            String documented = op.callers().get(random.nextInt(op.callers().size()));
            return documented.equals("anyone") ? "anyone" : documented;
        }
        return CALLERS.get(random.nextInt(CALLERS.size()));
    }

    /** The operation as its caller would send it: the document's example body, or one drawn from the schema. */
    Request seed(Operation op, String caller, SplittableRandom random) {
        StringBuilder target = new StringBuilder();
        for (String part : op.path().split("/", -1)) {
            if (target.length() > 0 || !part.isEmpty()) {
                target.append('/');
            }
            if (part.startsWith("{") && part.endsWith("}")) {
                target.append(encode(pathValue(op, part.substring(1, part.length() - 1), random)));
            } else {
                target.append(part);
            }
        }
        if (target.length() == 0) {
            target.append('/');
        }
        List<String> query = new ArrayList<>();
        for (Param p : op.params("query")) {
            if (p.name().equals("access_token")) {
                continue; // set with the caller below
            }
            if (p.required() || random.nextInt(3) == 0) {
                Object v = p.example() != null && random.nextBoolean()
                        ? p.example()
                        : JsonSeeds.valueOf(p.schema(), random);
                query.add(encode(p.name()) + "=" + encode(String.valueOf(v)));
            }
        }
        Request r = new Request(op.method(), target.toString());
        r.header("Host", host);
        String token = token(caller, random);
        if (token != null) {
            if (op.stream() && random.nextInt(3) == 0) {
                query.add("access_token=" + encode(token));
            } else {
                r.header("Authorization", "Bearer " + token);
            }
        }
        if (!query.isEmpty()) {
            r.target = r.target + "?" + String.join("&", query);
        }
        for (Param p : op.params("header")) {
            if (random.nextBoolean()) {
                Object v = p.example() != null && random.nextBoolean()
                        ? p.example()
                        : JsonSeeds.valueOf(p.schema(), random);
                r.header(p.name(), String.valueOf(v));
            }
        }
        if (op.bodySchema() != null) {
            Object body = op.bodyExample() != null && random.nextBoolean()
                    ? op.bodyExample()
                    : JsonSeeds.valueOf(op.bodySchema(), random);
            r.header("Content-Type", "application/json");
            r.body = JsonMutations.encode(body).getBytes(StandardCharsets.UTF_8);
        } else if (!op.method().equals("GET") && !op.method().equals("DELETE")) {
            r.body = new byte[0];
        }
        return r;
    }

    private String pathValue(Operation op, String name, SplittableRandom random) {
        String key = name.equals("id") ? idKind(op.path()) : name;
        List<String> known = pathValues.getOrDefault(key, List.of());
        if (!known.isEmpty() && random.nextInt(4) > 0) {
            return known.get(random.nextInt(known.size()));
        }
        for (Param p : op.params("path")) {
            if (p.name().equals(name)) {
                return p.example() != null && random.nextBoolean()
                        ? String.valueOf(p.example())
                        : String.valueOf(JsonSeeds.valueOf(p.schema(), random));
            }
        }
        return "1";
    }

    /** Which pool an {@code {id}} of a path draws from. */
    static String idKind(String path) {
        if (path.contains("/schedules/")) {
            return "schedule";
        }
        if (path.contains("/commands/")) {
            return "command";
        }
        return "task";
    }

    private String token(String caller, SplittableRandom random) {
        switch (caller) {
            case "anyone":
                return null;
            case "garbage":
                return JsonMutations.pick(
                        List.of(
                                "not-a-token",
                                "",
                                "null",
                                "x".repeat(4000),
                                tokens.get("owner") + "x",
                                tokens.get("owner").substring(1),
                                tokens.get("owner").toUpperCase(java.util.Locale.ROOT),
                                "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.",
                                "%00",
                                "' OR '1'='1",
                                Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong())),
                        random);
            default:
                return tokens.get(caller);
        }
    }

    /** Applies one mutation of {@code kind} to {@code r}; returns what it did. */
    private String mutate(Request r, Operation op, Kind kind, SplittableRandom random) {
        switch (kind) {
            case SEED:
                return "as documented";
            case JSON:
                return json(r, op, random);
            case BYTES: {
                byte[] body = r.body == null || r.body.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : r.body;
                r.body = Mutator.mutate(body, "{\"a\":[1,\"\\u00e9\"]}".getBytes(StandardCharsets.UTF_8), random);
                if (!r.hasHeader("Content-Type")) {
                    r.header("Content-Type", "application/json");
                }
                return "body bytes mutated";
            }
            case PATH:
                return path(r, op, random);
            case QUERY:
                return query(r, op, random);
            case HEADERS:
                return HttpFraming.headers(r, tokens, random);
            case METHOD: {
                String method = METHODS.get(random.nextInt(METHODS.size()));
                if (random.nextInt(10) == 0) {
                    method = "HEAD";
                }
                r.method = method;
                if (r.body == null && !method.equals("HEAD") && !method.equals("GET")) {
                    r.body = new byte[0];
                }
                return "method " + (method.length() > 12 ? method.substring(0, 12) + "..." : method);
            }
            default:
                throw new IllegalArgumentException(kind.name());
        }
    }

    private String json(Request r, Operation op, SplittableRandom random) {
        if (r.body != null && r.body.length > 0) {
            Object tree = io.vertx.core.json.Json.decodeValue(new String(r.body, StandardCharsets.UTF_8));
            r.body = JsonMutations.mutate(tree, random).getBytes(StandardCharsets.UTF_8);
            return "body JSON mutated";
        }
        // no body: the query's values get the JSON mutations' awkward values instead
        List<String> values = new ArrayList<>(JsonMutations.AWKWARD_TIMES);
        values.addAll(JsonMutations.AWKWARD_NUMBERS);
        List<Param> params = op.params("query");
        String name = params.isEmpty()
                ? "limit"
                : params.get(random.nextInt(params.size())).name();
        r.target = withQuery(r.target, encode(name) + "=" + encode(JsonMutations.pick(values, random)));
        if (op.bodySchema() == null && random.nextInt(4) == 0) {
            r.header("Content-Type", "application/json");
            r.body = JsonMutations.mutate(new JsonObject().put("a", 1), random).getBytes(StandardCharsets.UTF_8);
            return "query value awkward, and an unexpected body";
        }
        return "query value awkward";
    }

    private String path(Request r, Operation op, SplittableRandom random) {
        if (random.nextInt(4) == 0) {
            String target = JsonMutations.pick(ODD_TARGETS, random);
            r.target = target;
            r.wellFormed = !target.contains("#");
            return "odd target";
        }
        String[] segments = r.target.split("\\?", 2)[0].split("/", -1);
        String[] template = op.path().split("/", -1);
        List<Integer> params = new ArrayList<>();
        for (int i = 0; i < template.length && i < segments.length; i++) {
            if (template[i].startsWith("{")) {
                params.add(i);
            }
        }
        int at = params.isEmpty() ? segments.length - 1 : params.get(random.nextInt(params.size()));
        String value;
        if (random.nextInt(8) == 0) {
            // bytes no request target may hold: a space, NUL, a tab, raw UTF-8, a quote
            value = JsonMutations.pick(List.of(" ", "\u0000", "\t", "\u00c3\u00a9", "\"", "<>", "\\"), random);
            r.wellFormed = false;
        } else {
            value = JsonMutations.pick(ODD_SEGMENTS, random);
        }
        segments[at] = value;
        String query = r.target.contains("?") ? "?" + r.target.split("\\?", 2)[1] : "";
        r.target = String.join("/", segments) + query;
        return params.isEmpty() ? "last path segment odd" : "path parameter odd";
    }

    private String query(Request r, Operation op, SplittableRandom random) {
        List<Param> params = op.params("query");
        String name = params.isEmpty()
                ? "limit"
                : params.get(random.nextInt(params.size())).name();
        switch (random.nextInt(9)) {
            case 0:
                r.target = withQuery(r.target, name + "=" + "9".repeat(100_000 + random.nextInt(10)));
                return "huge query value";
            case 1:
                r.target = withQuery(r.target, name + "=1&" + name + "=99999&" + name + "=");
                return "repeated parameter";
            case 2:
                r.target = withQuery(r.target, "unknown=1&" + encode("\u0000") + "=" + encode("\u0000"));
                return "unknown parameter";
            case 3:
                r.target = withQuery(r.target, name);
                return "parameter without a value";
            case 4:
                r.target = withQuery(r.target, name + "=%&" + name + "=%zz&=&&&");
                return "broken percent-encoding";
            case 5:
                r.target = withQuery(r.target, "access_token=" + encode(tokens.get("owner")));
                return "token in the query";
            case 6: {
                StringBuilder many = new StringBuilder();
                for (int i = 0; i < 2000; i++) {
                    many.append(i == 0 ? "" : "&")
                            .append("p")
                            .append(i)
                            .append("=")
                            .append(i);
                }
                r.target = withQuery(r.target, many.toString());
                return "2,000 parameters";
            }
            case 7:
                r.target = withQuery(r.target, name + "[]=1&" + name + "[a]=2&" + name + ".x=3");
                return "parameter name decorated";
            default:
                r.target = withQuery(
                        r.target, name + "=" + encode(JsonMutations.pick(JsonMutations.AWKWARD_TIMES, random)));
                return "query time awkward";
        }
    }

    private static String withQuery(String target, String query) {
        return target + (target.contains("?") ? "&" : "?") + query;
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    String host() {
        return host;
    }

    Map<String, String> tokens() {
        return tokens;
    }
}
