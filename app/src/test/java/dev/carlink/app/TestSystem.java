package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.command.CommandServiceConfig;
import dev.carlink.command.CommandServiceConfig.BootstrapUser;
import dev.carlink.gateway.GatewayConfig;
import dev.carlink.gateway.GatewayVerticle;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.enroll.EnrollmentClient;
import dev.carlink.telemetry.TelemetryConfig;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.deployment.DeploymentContext;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/** The whole backend on free ports with a fresh embedded PostgreSQL, and HTTP helpers for tests. */
public final class TestSystem implements AutoCloseable {

    static final List<BootstrapUser> USERS = List.of(
            new BootstrapUser("admin", "admin-test-pass", "ADMIN", "Admin"),
            new BootstrapUser("staff", "staff-test-pass", "STAFF", "Staff"),
            new BootstrapUser("alice", "alice-test-pass", "OWNER", "Alice"),
            new BootstrapUser("bob", "bob-test-pass", "OWNER", "Bob"));

    /** A response: status and body, parsed as JSON when it is JSON. */
    public record Reply(int status, String body, java.net.http.HttpHeaders headers) {
        public JsonObject json() {
            return new JsonObject(body);
        }
    }

    CarlinkServer server;
    /** Staff's token for enrolling, logged in once per server (a login is a slow hash). */
    private String staffToken;

    private final AppConfig config;
    private final Path dataDir;
    private final Clock clock;
    private int stoppedMqttPort = -1;
    /** The API's port once the command-service was restarted on it alone. */
    private int fixedHttpPort = -1;
    /** The gateway {@link #startGateway()} deployed, which replaced the server's own. */
    private GatewayVerticle replacedGateway;
    /** HTTP, MQTT, CoAP and CoAP over DTLS ports of the last start, kept by a restart. */
    private int[] ports;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestSystem(CarlinkServer server, AppConfig config, Path dataDir, Clock clock) {
        this.server = server;
        this.config = config;
        this.dataDir = dataDir;
        this.clock = clock;
    }

    /**
     * Stops the whole backend (gateway, services, database) and starts it again on the same data and the
     * same HTTP and MQTT ports, so connected cars come back by themselves.
     */
    void restart() {
        restart(app -> app);
    }

    /**
     * The same, with the configuration of this one start adjusted (e.g. other key-encryption keys). A start that
     * fails throws what {@link CarlinkServer#start} threw, and the system stays stopped until the next restart.
     */
    void restart(java.util.function.UnaryOperator<AppConfig> adjust) {
        if (server != null) {
            ports = new int[] {server.httpPort(), mqttPort(), server.coapPort(), server.coapDtlsPort()};
            server.close();
            server = null;
        }
        staffToken = null;
        replacedGateway = null;
        fixedHttpPort = -1;
        AppConfig samePorts = adjust.apply(new AppConfig(
                config.database(),
                config.gateway().withMqttPort(ports[1]),
                config.coap().withPort(ports[2]).withDtlsPort(ports[3]),
                config.telemetry(),
                config.telemetryStorage(),
                config.command().withHttp("127.0.0.1", ports[0]),
                config.demo(),
                config.cluster(),
                config.secrets()));
        server = CarlinkServer.start(samePorts, clock);
    }

    /**
     * Stops only the MQTT gateway: every car loses its connection, the API and the services keep running, so
     * commands can be requested meanwhile (they wait, QUEUED). {@link #startGateway()} brings it back.
     */
    public void stopGateway() {
        stoppedMqttPort = mqttPort();
        VertxInternal vertx = (VertxInternal) server.vertx();
        String id = vertx.deploymentManager().deployments().stream()
                .filter(d -> d.deployment().instances().stream().anyMatch(GatewayVerticle.class::isInstance))
                .map(DeploymentContext::id)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no MQTT gateway is deployed"));
        await(vertx.undeploy(id));
    }

    /** Deploys a new MQTT gateway on the port the stopped one had; returns once it accepts cars. */
    public void startGateway() {
        if (stoppedMqttPort < 0) {
            throw new IllegalStateException("the gateway was not stopped");
        }
        GatewayVerticle gateway =
                new GatewayVerticle(config.gateway().withMqttPort(stoppedMqttPort), server.metrics(), clock);
        await(server.vertx().deployVerticle(gateway));
        replacedGateway = gateway;
        stoppedMqttPort = -1;
    }

    /**
     * Stops only the command-service (the HTTP API, the command lifecycle, the scheduler and the rules) and starts
     * a new one on the same port after {@code down}: the gateway and telemetry keep running meanwhile.
     */
    public void restartCommandService(Duration down) throws InterruptedException {
        restartCommandService(down, () -> {});
    }

    /** The same, running {@code meanwhile} while the command-service is down. */
    public void restartCommandService(Duration down, Runnable meanwhile) throws InterruptedException {
        int httpPort = httpPort();
        VertxInternal vertx = (VertxInternal) server.vertx();
        String id = vertx.deploymentManager().deployments().stream()
                .filter(d -> d.deployment().instances().stream()
                        .anyMatch(dev.carlink.command.CommandServiceVerticle.class::isInstance))
                .map(DeploymentContext::id)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no command-service is deployed"));
        fixedHttpPort = httpPort; // the server object still points at the old command-service
        await(vertx.undeploy(id));
        meanwhile.run();
        Thread.sleep(down.toMillis());
        await(vertx.deployVerticle(new dev.carlink.command.CommandServiceVerticle(
                server.dataSource(),
                config.command().withHttp("127.0.0.1", httpPort),
                server.keyRing(),
                server.metrics(),
                clock)));
    }

    private static void await(io.vertx.core.Future<?> future) {
        try {
            future.toCompletionStage().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("gateway did not stop or start: " + e.getMessage(), e);
        }
    }

    public static TestSystem start() {
        return start(c -> c);
    }

    /** The same, with the command-service's settings adjusted (e.g. a shorter result timeout). */
    public static TestSystem start(java.util.function.UnaryOperator<CommandServiceConfig> adjust) {
        return start(adjust, Clock.systemUTC());
    }

    /** The same on a given clock (e.g. one a test moves forward to reach a time of day). */
    static TestSystem start(java.util.function.UnaryOperator<CommandServiceConfig> adjust, Clock clock) {
        return start(adjust, clock, app -> app);
    }

    /** The default system with its whole configuration adjusted (e.g. clustered). */
    public static TestSystem startWith(java.util.function.UnaryOperator<AppConfig> adjustApp) {
        return start(c -> c, Clock.systemUTC(), adjustApp);
    }

    private static TestSystem start(
            java.util.function.UnaryOperator<CommandServiceConfig> adjust,
            Clock clock,
            java.util.function.UnaryOperator<AppConfig> adjustApp) {
        try {
            Path dir = Files.createTempDirectory("carlink-it");
            CommandServiceConfig command = adjust.apply(CommandServiceConfig.defaults()
                    .withHttp("127.0.0.1", 0)
                    .withPasswordHashIterations(1_000)
                    .withBootstrapUsers(USERS));
            GatewayConfig gatewayDefaults = GatewayConfig.defaults();
            GatewayConfig gateway = new GatewayConfig(
                    "127.0.0.1",
                    0,
                    gatewayDefaults.maxMessageSize(),
                    gatewayDefaults.busTimeout(),
                    gatewayDefaults.gatewayId(),
                    gatewayDefaults.limits(),
                    gatewayDefaults.tls().withPort(0));
            AppConfig config = adjustApp.apply(new AppConfig(
                    new DatabaseConfig(Optional.empty(), "postgres", "", dir, DatabaseConfig.DEFAULT_POOL_SIZE, 0),
                    gateway,
                    dev.carlink.gateway.coap.CoapConfig.defaults().withPort(0).withDtlsPort(0),
                    TelemetryConfig.defaults(),
                    dev.carlink.telemetry.series.SeriesConfig.defaults(),
                    command,
                    new DemoConfig(false, 0, Duration.ofSeconds(1), 1),
                    ClusterConfig.standalone(),
                    SecretsConfig.generated()));
            return new TestSystem(CarlinkServer.start(config, clock), config, dir, clock);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code app} as one member of a cluster: the gateway named {@code gatewayId} on free MQTT and CoAP ports, TLS
     * off (for systems started with {@link #startWith} and second instances beside them).
     */
    public static AppConfig withCluster(AppConfig app, ClusterConfig cluster, String gatewayId) {
        GatewayConfig g = app.gateway();
        return new AppConfig(
                app.database(),
                new GatewayConfig(
                        g.host(),
                        0,
                        g.maxMessageSize(),
                        g.busTimeout(),
                        gatewayId,
                        g.limits(),
                        dev.carlink.gateway.MqttTlsConfig.disabled()),
                app.coap().withPort(0).withDtlsPort(0),
                app.telemetry(),
                app.telemetryStorage(),
                app.command(),
                app.demo(),
                cluster,
                app.secrets());
    }

    /** A port free on this machine a moment ago (for settings that cannot take 0). */
    public static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The telemetry writer's bound on samples held in memory. */
    int telemetryMaxPending() {
        return config.telemetry().maxPending();
    }

    /** Where the embedded PostgreSQL keeps its data, for tests that stop and start it. */
    public Path embeddedDataDirectory() {
        return config.database().embeddedDirectory();
    }

    /** The configuration the system runs with. */
    public AppConfig config() {
        return config;
    }

    /** The backend's database, for tests and benchmarks that set up or count rows directly. */
    public javax.sql.DataSource dataSource() {
        return server.dataSource();
    }

    public int httpPort() {
        return fixedHttpPort > 0 ? fixedHttpPort : server.httpPort();
    }

    public String mqttUri() {
        return "tcp://127.0.0.1:" + mqttPort();
    }

    /** The MQTT gateway's port (the one a restarted gateway was bound to again). */
    public int mqttPort() {
        return replacedGateway != null ? replacedGateway.actualMqttPort() : server.mqttPort();
    }

    /** The CoAP gateway's UDP port on 127.0.0.1. */
    public int coapPort() {
        return server.coapPort();
    }

    public String api(String path) {
        return "http://127.0.0.1:" + httpPort() + path;
    }

    public String login(String username) {
        return login(
                username,
                USERS.stream()
                        .filter(u -> u.username().equals(username))
                        .findFirst()
                        .orElseThrow()
                        .password());
    }

    /** A bearer token for an account with its password (e.g. one of a test's own bootstrap users). */
    public String login(String username, String password) {
        Reply reply = post(
                null,
                "/api/v1/auth/login",
                new JsonObject()
                        .put("username", username)
                        .put("password", password)
                        .encode());
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().getString("token");
    }

    /** Enrolls a VIN for an owner (as staff) and returns its secret. */
    String enroll(String vin, String owner) {
        return enrollCar(vin, owner).secret();
    }

    /**
     * Enrolls a VIN for an owner (as staff), and the owner opts it in to the fatigue service: what the car is
     * provisioned with, signing keys included.
     */
    public VehicleCredentials enrollCar(String vin, String owner) {
        return enrollCar(vin, owner, true);
    }

    /** Enrolls a VIN for an owner; {@code fatigueService} says whether the owner opts it in to that service. */
    public VehicleCredentials enrollCar(String vin, String owner, boolean fatigueService) {
        if (staffToken == null) {
            staffToken = login("staff");
        }
        Reply reply = post(
                staffToken,
                "/api/v1/admin/vehicles",
                new JsonObject().put("vin", vin).put("owner", owner).encode());
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        if (fatigueService) {
            // the tests' owners have chosen the cloud fatigue service (it is off until an owner opts in)
            Reply optIn = put(login(owner), "/api/v1/vehicles/" + vin + "/fatigue-service", "{\"optedIn\":true}");
            assertThat(optIn.status()).as(optIn.body()).isEqualTo(200);
        }
        return new VehicleCredentials(
                vin,
                reply.json().getString("secret"),
                EnrollmentClient.signingKeys(reply.json().getJsonArray("signingKeys"), "enroll " + vin));
    }

    public Reply get(String token, String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api(path)))
                .timeout(Duration.ofSeconds(10))
                .GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b.build());
    }

    /**
     * Waits up to 30 s for the car's latest state to exist and to satisfy {@code until}, and returns it: the
     * first thing most tests with a live car do.
     */
    public JsonObject awaitState(String token, String vin, Predicate<JsonObject> until) {
        AtomicReference<JsonObject> seen = new AtomicReference<>();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            Reply reply = get(token, "/api/v1/vehicles/" + vin + "/state");
            if (reply.status() != 200 || !until.test(reply.json())) {
                return false;
            }
            seen.set(reply.json());
            return true;
        });
        return seen.get();
    }

    /** Asks for a command as {@code token}'s owner, expects 201, and returns the new command's path. */
    public String requestCommand(String token, String vin, String body) {
        Reply created = post(token, "/api/v1/vehicles/" + vin + "/commands", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return "/api/v1/vehicles/" + vin + "/commands/" + created.json().getString("id");
    }

    /** Waits up to 30 s for the car's first state. */
    public JsonObject awaitState(String token, String vin) {
        return awaitState(token, vin, state -> true);
    }

    /** A numeric signal of a state answered by {@code /state}, NaN when the car did not report it. */
    public static double signal(JsonObject state, String name) {
        return state.getJsonObject("signals", new JsonObject()).getDouble(name, Double.NaN);
    }

    public Reply post(String token, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api(path)))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b.build());
    }

    /** The backend's Vert.x (to put a message on its event bus as another module would). */
    io.vertx.core.Vertx vertx() {
        return server.vertx();
    }

    public Reply put(String token, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api(path)))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b.build());
    }

    /** A DELETE, with a JSON body when {@code body} is not null. */
    public Reply delete(String token, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api(path)))
                .timeout(Duration.ofSeconds(90))
                .method(
                        "DELETE",
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b.build());
    }

    private Reply send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The sum of a series in {@code /metrics} (Prometheus text) over every sample whose labels include each of
     * {@code labels} ({@code reason="other-vin"}); 0 when there is none.
     */
    public double metric(String series, String... labels) {
        double sum = 0;
        for (String line : get(null, "/metrics").body().split("\n")) {
            if (!line.startsWith(series + "{") && !line.startsWith(series + " ")) {
                continue;
            }
            String labelText = line.contains("{") ? line.substring(line.indexOf('{'), line.lastIndexOf('}') + 1) : "";
            if (java.util.Arrays.stream(labels).allMatch(labelText::contains)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** A single number from SQL, e.g. a count of stored rows. */
    public long count(String sql, Object... params) {
        try (Connection c = server.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where the key-encryption key generated for this system's embedded database is kept. */
    Path generatedKekFile() {
        return dataDir.resolve(KekFile.GENERATED_NAME);
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }
}
