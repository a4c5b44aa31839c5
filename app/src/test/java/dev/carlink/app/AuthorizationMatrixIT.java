package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.carlink.proto.v1.FatigueAlert;
import dev.carlink.proto.v1.FatigueCause;
import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.proto.v1.VehicleEvent;
import dev.carlink.simulator.VehicleCredentials;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authorization matrix of the HTTP API ({@code authorization-matrix.tsv}): every documented operation by
 * every kind of caller, anonymous, the car's owner, another owner, staff, an administrator and the car itself
 * with its own credentials, each with the exact answer it must get. Every cell is called against the whole
 * running system; the refused ones first, and while they run nothing in the database may change.
 */
class AuthorizationMatrixIT {

    private static final Logger log = LoggerFactory.getLogger(AuthorizationMatrixIT.class);

    private static final String MATRIX = "/authorization-matrix.tsv";
    private static final String VEHICLE = "vehicle";
    private static final List<String> CALLERS = List.of("anonymous", "owner", "other owner", "staff", "admin", VEHICLE);
    private static final Set<Integer> REFUSALS = Set.of(401, 403);
    private static final String LOGIN = "POST /api/v1/auth/login";
    private static final String LOGOUT = "POST /api/v1/auth/logout";
    /** Signed-out sessions that still worked: must stay empty. */
    private static final List<String> stillSignedIn = new ArrayList<>();
    /** The account of each caller that has one, for the logout row's fresh sessions. */
    private static final Map<String, String> USERNAMES =
            Map.of("owner", "alice", "other owner", "bob", "staff", "staff", "admin", "admin");
    /** Alice's second car: its task is the one staff dismiss. */
    private static final String SECOND_VIN = "SMCAR000000000002";

    private static TestSystem system;
    private static ApiDocument api;
    private static List<Row> matrix;
    private static String vin;
    private static VehicleCredentials car;
    private static String coapToken;
    /** Bearer tokens by caller; anonymous and the vehicle have none. */
    private static final Map<String, String> tokens = new LinkedHashMap<>();
    /** The {id} of the command, schedule and tasks that exist, by operation. */
    private static final Map<String, String> ids = new TreeMap<>();

    /** One line of the matrix: an operation and the answers each caller must get. */
    record Row(String operation, Map<String, Set<Integer>> expected) {
        boolean refuses(String caller) {
            return REFUSALS.containsAll(expected.get(caller));
        }
    }

    /** What one caller got: one status per attempt (the vehicle tries several credentials). */
    record Observed(Map<String, Integer> byAttempt) {
        Set<Integer> statuses() {
            return new TreeSet<>(byAttempt.values());
        }
    }

    @BeforeAll
    static void start() throws Exception {
        system = TestSystem.start();
        api = ApiDocument.served(system);
        matrix = readMatrix();
        // the login row's wrong passwords block its username for a minute, and DELETE /api/v1/account shares the block
        assertThat(new JsonObject(body(LOGIN)).getString("username"))
                .as("the login example's username, which must be no owner of the matrix")
                .isNotIn("alice", "bob");
        vin = api.exampleVin();
        car = system.enrollCar(vin, "alice", true);
        VehicleCredentials second = system.enrollCar(SECOND_VIN, "alice", true);
        tokens.put("owner", system.login("alice"));
        tokens.put("other owner", system.login("bob"));
        tokens.put("staff", system.login("staff"));
        tokens.put("admin", system.login("admin"));

        // the car logs in over CoAP, reports its state and raises a critical fatigue alert (a task opens)
        coapToken = CoapCalls.login(system.coapPort(), vin, car.secret());
        String secondToken = CoapCalls.login(system.coapPort(), SECOND_VIN, second.secret());
        stored(CoapCalls.post(system.coapPort(), vin, "telemetry", coapToken, parkedSample()));
        stored(CoapCalls.post(system.coapPort(), vin, "events", coapToken, criticalFatigue()));
        stored(CoapCalls.post(system.coapPort(), SECOND_VIN, "events", secondToken, criticalFatigue()));
        String task = awaitTask(vin);
        String secondTask = awaitTask(SECOND_VIN);

        // the owner has a command waiting for the car and a schedule
        String command = system.requestCommand(tokens.get("owner"), vin, body("POST /api/v1/vehicles/{vin}/commands"));
        TestSystem.Reply schedule = system.post(
                tokens.get("owner"),
                "/api/v1/vehicles/" + vin + "/schedules",
                body("POST /api/v1/vehicles/{vin}/schedules"));
        assertThat(schedule.status()).as(schedule.body()).isEqualTo(201);

        for (Row row : matrix) {
            String template = ApiDocument.template(row.operation());
            if (template.contains("/commands/{id}")) {
                ids.put(row.operation(), command.substring(command.lastIndexOf('/') + 1));
            } else if (template.contains("/schedules/{id}")) {
                ids.put(row.operation(), schedule.json().getString("id"));
            } else if (template.endsWith("/dismiss")) {
                ids.put(row.operation(), secondTask);
            } else if (template.contains("tasks/{id}")) {
                ids.put(row.operation(), task);
            }
        }
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    void theMatrix_hasARowForEveryDocumentedOperation_andNoOther() {
        Set<String> documented = api.operations().keySet();
        Set<String> rows = matrix.stream().map(Row::operation).collect(Collectors.toSet());

        assertThat(difference(documented, rows))
                .as("documented operations the matrix lacks")
                .isEmpty();
        assertThat(difference(rows, documented))
                .as("matrix rows the document lacks")
                .isEmpty();
        assertThat(rows).as("one row per operation").hasSize(matrix.size());
    }

    @Test
    void theMatrix_refusesExactlyTheCallersTheDocumentDoesNotName() {
        List<String> disagreements = new ArrayList<>();
        for (Row row : matrix) {
            JsonNode op = api.operations().get(row.operation());
            if (op == null || row.operation().equals(LOGIN)) {
                continue; // a missing operation is the other test's; login refuses a wrong password, not a caller
            }
            Set<String> callers = ApiDocument.callers(op);
            boolean anyone = callers.contains("anyone");
            boolean vinPath = ApiDocument.template(row.operation()).contains("{vin}");
            Map<String, Boolean> allowed = new LinkedHashMap<>();
            allowed.put("anonymous", anyone);
            allowed.put("owner", anyone || callers.contains("owner"));
            allowed.put("other owner", anyone || (callers.contains("owner") && !vinPath));
            allowed.put("staff", anyone || callers.contains("staff"));
            allowed.put("admin", anyone || callers.contains("admin"));
            allowed.put(VEHICLE, anyone);
            allowed.forEach((caller, yes) -> {
                if (yes == row.refuses(caller)) {
                    disagreements.add(
                            row.operation() + " by " + caller + ": the document " + (yes ? "allows" : "refuses")
                                    + " it, the matrix says " + row.expected().get(caller));
                }
            });
        }

        assertThat(disagreements)
                .as("cells where the matrix and x-carlink-callers disagree")
                .isEmpty();
    }

    @Test
    void everyCallerOfEveryOperation_getsTheAnswerOfTheMatrix_andRefusedCallersChangeNothing() throws Exception {
        Map<String, Map<String, Observed>> observed = new LinkedHashMap<>();
        // what the set-up started (the command and schedule on their way to the car) has come to rest
        Map<String, String> before = settledFingerprint();
        double unauthorizedBefore = rejected("unauthorized");
        double loginFailedBefore = rejected("login_failed");

        // when the car presents its own credentials wherever the matrix refuses it
        int vehicleHeaderAttempts = 0;
        for (Row row : matrix) {
            if (row.refuses(VEHICLE)) {
                Observed got = callAsVehicle(row);
                observed.computeIfAbsent(row.operation(), k -> new LinkedHashMap<>())
                        .put(VEHICLE, got);
                vehicleHeaderAttempts +=
                        row.operation().equals(LOGIN) ? 0 : got.byAttempt().size();
            }
        }
        double unauthorizedByVehicle = rejected("unauthorized") - unauthorizedBefore;
        double loginFailedByVehicle = rejected("login_failed") - loginFailedBefore;
        // and every other refused caller calls
        for (Row row : matrix) {
            for (String caller : CALLERS) {
                if (!caller.equals(VEHICLE) && row.refuses(caller)) {
                    observed.computeIfAbsent(row.operation(), k -> new LinkedHashMap<>())
                            .put(caller, call(row, caller));
                }
            }
        }
        Map<String, String> afterRefusals = fingerprint();
        // the car's credentials were good all along: its session token and its secret still work
        CoapResponse withToken = CoapCalls.post(system.coapPort(), vin, "telemetry", coapToken, parkedSample());
        String freshToken = CoapCalls.login(system.coapPort(), vin, car.secret());
        // and then every allowed caller calls, in the matrix's order
        for (Row row : matrix) {
            for (String caller : CALLERS) {
                if (!row.refuses(caller)) {
                    Observed got = caller.equals(VEHICLE) ? callAsVehicle(row) : call(row, caller);
                    observed.computeIfAbsent(row.operation(), k -> new LinkedHashMap<>())
                            .put(caller, got);
                }
            }
        }
        List<String> mismatches = mismatches(observed);
        log.info(
                "authorization matrix, {} operations x {} callers:\n{}",
                matrix.size(),
                CALLERS.size(),
                render(observed));

        // then
        assertThat(mismatches)
                .as("cells that answered otherwise than the matrix")
                .isEmpty();
        assertThat(stillSignedIn).as("sessions still valid after their logout").isEmpty();
        assertThat(changedTables(before, afterRefusals))
                .as("tables changed while only refused callers called")
                .isEmpty();
        assertThat(withToken.getCode()).as(withToken.getResponseText()).isEqualTo(ResponseCode.CHANGED);
        assertThat(freshToken).isNotEmpty();
        assertThat(unauthorizedByVehicle)
                .as("the car's attempts are each counted as an unauthorized request")
                .isEqualTo(vehicleHeaderAttempts);
        assertThat(loginFailedByVehicle)
                .as("failed user logins while the car tried: only its attempt at the login itself")
                .isEqualTo(1);
    }

    /**
     * The row's operation called by one of the account holders, or anonymously. An account holder signs out with a
     * session of their own opened for it (the matrix's tokens serve the rows after), which must be refused after.
     */
    private static Observed call(Row row, String caller) {
        String token = tokens.get(caller);
        boolean logout = row.operation().equals(LOGOUT) && token != null;
        if (logout) {
            token = system.login(USERNAMES.get(caller));
        }
        ApiCall reply = ApiCall.bearer(system, method(row), path(row), token, body(row.operation()));
        if (logout && reply.status() == 204) {
            int after = system.get(token, "/api/v1/vehicles").status();
            if (after != 401) {
                stillSignedIn.add(caller + " got " + after + " after signing out");
            }
        }
        return new Observed(Map.of(caller, reply.status()));
    }

    /**
     * The row's operation called with the car's credentials: HTTP Basic, its secret as a bearer token, its CoAP
     * session token as a bearer token, and on a stream each as {@code access_token}; on the login, its VIN and
     * secret as a user's.
     */
    private static Observed callAsVehicle(Row row) {
        Map<String, Integer> byAttempt = new LinkedHashMap<>();
        if (row.operation().equals(LOGIN)) {
            String login = new JsonObject()
                    .put("username", vin)
                    .put("password", car.secret())
                    .encode();
            byAttempt.put(
                    "login",
                    ApiCall.send(system, "POST", path(row), null, login).status());
            return new Observed(byAttempt);
        }
        String basic = "Basic "
                + Base64.getEncoder().encodeToString((vin + ":" + car.secret()).getBytes(StandardCharsets.UTF_8));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("basic", basic);
        headers.put("secret", "Bearer " + car.secret());
        headers.put("coap-token", "Bearer " + coapToken);
        headers.forEach((attempt, header) -> byAttempt.put(
                attempt,
                ApiCall.send(system, method(row), path(row), header, body(row.operation()))
                        .status()));
        if (ApiDocument.template(row.operation()).endsWith("/stream")) {
            byAttempt.put(
                    "secret-query",
                    ApiCall.send(system, method(row), path(row) + "?access_token=" + car.secret(), null, null)
                            .status());
            byAttempt.put(
                    "coap-token-query",
                    ApiCall.send(system, method(row), path(row) + "?access_token=" + coapToken, null, null)
                            .status());
        }
        return new Observed(byAttempt);
    }

    private static String method(Row row) {
        return ApiDocument.method(row.operation());
    }

    private static String path(Row row) {
        String template = ApiDocument.template(row.operation());
        JsonNode op = api.operations().get(row.operation());
        String id = ids.get(row.operation());
        return api.examplePath(template, op, id == null ? Map.of() : Map.of("id", id));
    }

    private static String body(String operation) {
        return ApiDocument.exampleBody(api.operations().get(operation));
    }

    private static List<String> mismatches(Map<String, Map<String, Observed>> observed) {
        List<String> out = new ArrayList<>();
        for (Row row : matrix) {
            for (String caller : CALLERS) {
                Observed got = observed.getOrDefault(row.operation(), Map.of()).get(caller);
                Set<Integer> expected = row.expected().get(caller);
                if (got == null) {
                    out.add(row.operation() + " by " + caller + ": not called");
                    continue;
                }
                got.byAttempt().forEach((attempt, status) -> {
                    if (!expected.contains(status)) {
                        out.add(row.operation() + " by " + caller
                                + (got.byAttempt().size() > 1 || caller.equals(VEHICLE) ? " (" + attempt + ")" : "")
                                + ": expected " + text(expected) + ", was " + status);
                    }
                });
            }
        }
        return out;
    }

    /** The matrix with what each caller got; a cell that differs shows what was expected. */
    private static String render(Map<String, Map<String, Observed>> observed) {
        int width = matrix.stream().mapToInt(r -> r.operation().length()).max().orElse(10);
        StringBuilder out = new StringBuilder(String.format("%-" + width + "s", "operation"));
        CALLERS.forEach(c -> out.append(String.format("  %-14s", c)));
        out.append('\n');
        for (Row row : matrix) {
            out.append(String.format("%-" + width + "s", row.operation()));
            for (String caller : CALLERS) {
                Observed got = observed.getOrDefault(row.operation(), Map.of()).get(caller);
                String cell = got == null ? "-" : text(got.statuses());
                if (got != null && !row.expected().get(caller).containsAll(got.statuses())) {
                    cell += " (want " + text(row.expected().get(caller)) + ")";
                }
                out.append(String.format("  %-14s", cell));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String text(Set<Integer> statuses) {
        return statuses.stream().map(String::valueOf).collect(Collectors.joining("|"));
    }

    private static List<Row> readMatrix() throws IOException {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = Objects.requireNonNull(AuthorizationMatrixIT.class.getResourceAsStream(MATRIX), MATRIX);
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<String> header = null;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                List<String> cells = Arrays.asList(line.split("\t"));
                if (header == null) {
                    header = cells;
                    assertThat(header.subList(1, header.size()))
                            .as("the matrix's columns")
                            .isEqualTo(CALLERS);
                    continue;
                }
                assertThat(cells).as("cells of '%s'", line).hasSize(CALLERS.size() + 1);
                Map<String, Set<Integer>> expected = new LinkedHashMap<>();
                for (int i = 0; i < CALLERS.size(); i++) {
                    expected.put(
                            CALLERS.get(i),
                            Arrays.stream(cells.get(i + 1).trim().split("\\|"))
                                    .map(Integer::valueOf)
                                    .collect(Collectors.toCollection(LinkedHashSet::new)));
                }
                rows.add(new Row(cells.get(0).trim(), expected));
            }
        }
        return rows;
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }

    private static double rejected(String reason) {
        return system.metric("carlink_http_rejected_total", "reason=\"" + reason + "\"");
    }

    /**
     * Per table of the database (every schema but PostgreSQL's own): its row count and a digest of its rows, so
     * that any insert, update or delete shows.
     */
    private static Map<String, String> fingerprint() throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = system.dataSource().getConnection();
                Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) "
                    + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    + "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition "
                    + "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' "
                    + "AND n.nspname NOT LIKE '\\_timescaledb%' AND n.nspname NOT LIKE 'timescaledb%'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) || ' rows, ' "
                        + "|| coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '-') FROM " + table + " t")) {
                    rs.next();
                    out.put(table, rs.getString(1));
                }
            }
        }
        assertThat(out).as("tables found").containsKey("command.commands");
        return out;
    }

    /** A fingerprint that stayed the same for a second: nothing the set-up started is still writing. */
    private static Map<String, String> settledFingerprint() throws Exception {
        List<Map<String, String>> last = new ArrayList<>(List.of(fingerprint()));
        await().pollDelay(Duration.ofSeconds(1))
                .pollInterval(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(30))
                .until(() -> {
                    Map<String, String> now = fingerprint();
                    boolean settled = now.equals(last.get(0));
                    if (!settled) {
                        log.info("set-up still writing: {}", changedTables(last.get(0), now));
                    }
                    last.set(0, now);
                    return settled;
                });
        return last.get(0);
    }

    private static List<String> changedTables(Map<String, String> before, Map<String, String> after) {
        Set<String> tables = new TreeSet<>(before.keySet());
        tables.addAll(after.keySet());
        return tables.stream()
                .filter(t -> !Objects.equals(before.get(t), after.get(t)))
                .map(t -> t + ": " + before.get(t) + " -> " + after.get(t))
                .toList();
    }

    private static String awaitTask(String vin) {
        String[] id = new String[1];
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonArray tasks = system.get(tokens.get("staff"), "/api/v1/tasks?vin=" + vin)
                    .json()
                    .getJsonArray("tasks");
            assertThat(tasks).as("tasks of %s", vin).isNotEmpty();
            id[0] = String.valueOf(tasks.getJsonObject(0).getLong("id"));
        });
        return id[0];
    }

    private static void stored(CoapResponse answer) {
        assertThat(answer).as("a CoAP answer").isNotNull();
        assertThat(answer.getCode()).as(answer.getResponseText()).isEqualTo(ResponseCode.CHANGED);
    }

    private static final java.util.concurrent.atomic.AtomicLong SEQ =
            new java.util.concurrent.atomic.AtomicLong(System.currentTimeMillis());

    /** Parked in P, charged, nobody inside: nothing the cloud's checks refuse an A/C start for. */
    private static byte[] parkedSample() {
        return Telemetry.newBuilder()
                .setTimestampMs(Instant.now().toEpochMilli())
                .setSeq(SEQ.incrementAndGet())
                .setCabinTemperatureC(30)
                .setStateOfChargePct(80)
                .build()
                .toByteArray();
    }

    private static byte[] criticalFatigue() {
        return VehicleEvent.newBuilder()
                .setTimestampMs(Instant.now().toEpochMilli())
                .setSeq(SEQ.incrementAndGet())
                .setFatigueAlert(FatigueAlert.newBuilder()
                        .setLevel(FatigueLevel.FATIGUE_LEVEL_CRITICAL)
                        .setCause(FatigueCause.FATIGUE_CAUSE_EYES_CLOSED)
                        .setDrivingMinutes(130))
                .build()
                .toByteArray();
    }
}
