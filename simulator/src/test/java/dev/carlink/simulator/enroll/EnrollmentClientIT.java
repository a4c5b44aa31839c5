package dev.carlink.simulator.enroll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.carlink.simulator.VehicleCredentials;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a stub of the backend's enrollment API on a real socket. */
class EnrollmentClientIT {

    private static final String TOKEN = "staff-token";

    private HttpServer server;
    private final Map<String, String> enrolled = new ConcurrentHashMap<>();
    private final Map<String, String> owners = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private int secretCounter;

    /** The backend's public key as the enrollment answer carries it. */
    private static final io.vertx.core.json.JsonArray SIGNING_KEYS = new io.vertx.core.json.JsonArray()
            .add(new JsonObject()
                    .put("keyId", "k-enroll")
                    .put("algorithm", "Ed25519")
                    .put(
                            "publicKey",
                            java.util.Base64.getEncoder()
                                    .encodeToString(dev.carlink.proto.CommandSignatures.newKeyPair()
                                            .getPublic()
                                            .getEncoded())));

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/auth/login", this::login);
        server.createContext("/api/v1/admin/vehicles", this::vehicles);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private EnrollmentClient client() {
        return new EnrollmentClient(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"));
    }

    @Test
    void enrollFleet_logsInOnceAndEnrollsEveryCarRoundRobin() {
        List<VehicleCredentials> credentials = client().enrollFleet("staff", "staff-pw", List.of("alice", "bob"), 1, 3);

        assertThat(credentials)
                .extracting(VehicleCredentials::vin)
                .containsExactly("SMCAR000000000001", "SMCAR000000000002", "SMCAR000000000003");
        assertThat(credentials).allSatisfy(c -> assertThat(c.secret()).isEqualTo(enrolled.get(c.vin())));
        assertThat(credentials).allSatisfy(c -> assertThat(c.signingKeys())
                .extracting(dev.carlink.proto.v1.SigningKey::getKeyId)
                .containsExactly("k-enroll"));
        assertThat(owners)
                .containsEntry("SMCAR000000000001", "alice")
                .containsEntry("SMCAR000000000002", "bob")
                .containsEntry("SMCAR000000000003", "alice");
        assertThat(requests).filteredOn(r -> r.contains("login")).hasSize(1);
    }

    @Test
    void enroll_ofAnEnrolledVin_rotatesItsSecret() {
        EnrollmentClient client = client();
        String token = client.login("staff", "staff-pw");
        VehicleCredentials first = client.enroll(token, "SMCAR000000000009", "alice", null);

        VehicleCredentials second = client.enroll(token, "SMCAR000000000009", "alice", null);

        assertThat(second.secret()).isNotEqualTo(first.secret()).isEqualTo(enrolled.get("SMCAR000000000009"));
        assertThat(requests).contains("POST /api/v1/admin/vehicles/SMCAR000000000009/secret");
    }

    @Test
    void login_withBadPassword_failsWithTheProblemAndEnrollsNothing() {
        assertThatThrownBy(() -> client().enrollFleet("staff", "wrong", List.of("alice"), 1, 2))
                .isInstanceOf(EnrollmentException.class)
                .hasMessageContaining("401")
                .hasMessageContaining("bad credentials")
                .satisfies(e -> assertThat(((EnrollmentException) e).status()).isEqualTo(401));
        assertThat(enrolled).isEmpty();
    }

    @Test
    void enroll_withUnknownOwner_failsWithTheProblemDetail() {
        EnrollmentClient client = client();
        String token = client.login("staff", "staff-pw");

        assertThatThrownBy(() -> client.enroll(token, "SMCAR000000000005", "mallory", "x"))
                .isInstanceOf(EnrollmentException.class)
                .hasMessageContaining("422")
                .hasMessageContaining("unknown owner mallory");
        assertThat(enrolled).doesNotContainKey("SMCAR000000000005");
    }

    @Test
    void unreachableApi_failsWithoutStatus() {
        server.stop(0);

        assertThatThrownBy(() -> client().login("staff", "staff-pw"))
                .isInstanceOf(EnrollmentException.class)
                .satisfies(e -> assertThat(((EnrollmentException) e).status()).isZero());
    }

    private void login(HttpExchange exchange) throws IOException {
        requests.add(
                exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
        JsonObject body = body(exchange);
        if ("staff".equals(body.getString("username")) && "staff-pw".equals(body.getString("password"))) {
            respond(
                    exchange,
                    200,
                    new JsonObject()
                            .put("token", TOKEN)
                            .put("expiresAt", "2030-01-01T00:00:00Z")
                            .put("role", "STAFF"));
        } else {
            problem(exchange, 401, "Unauthorized", "bad credentials");
        }
    }

    private synchronized void vehicles(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.add(exchange.getRequestMethod() + " " + path);
        if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            problem(exchange, 401, "Unauthorized", "missing token");
            return;
        }
        if (path.endsWith("/secret")) {
            String vin = path.split("/")[5];
            String secret = "secret-" + (++secretCounter);
            enrolled.put(vin, secret);
            respond(
                    exchange,
                    200,
                    new JsonObject().put("vin", vin).put("secret", secret).put("signingKeys", SIGNING_KEYS));
            return;
        }
        JsonObject body = body(exchange);
        String vin = body.getString("vin");
        String owner = body.getString("owner");
        if (!List.of("alice", "bob").contains(owner)) {
            problem(exchange, 422, "Unprocessable Content", "unknown owner " + owner);
        } else if (enrolled.containsKey(vin)) {
            problem(exchange, 409, "Conflict", "vin " + vin + " is already enrolled");
        } else {
            String secret = "secret-" + (++secretCounter);
            enrolled.put(vin, secret);
            owners.put(vin, owner);
            respond(
                    exchange,
                    201,
                    new JsonObject()
                            .put("vin", vin)
                            .put("owner", owner)
                            .put("secret", secret)
                            .put("signingKeys", SIGNING_KEYS));
        }
    }

    private static JsonObject body(HttpExchange exchange) throws IOException {
        return new JsonObject(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static void problem(HttpExchange exchange, int status, String title, String detail) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
        send(
                exchange,
                status,
                new JsonObject()
                        .put("type", "about:blank")
                        .put("title", title)
                        .put("status", status)
                        .put("detail", detail));
    }

    private static void respond(HttpExchange exchange, int status, JsonObject body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(exchange, status, body);
    }

    private static void send(HttpExchange exchange, int status, JsonObject body) throws IOException {
        byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
