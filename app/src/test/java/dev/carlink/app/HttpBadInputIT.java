package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every HTTP refusal: a problem body with the reason, a count in /metrics, and nothing stored. */
class HttpBadInputIT {

    private static final String ALICE_CAR = "SMCAR000000000101";
    private static final String BOB_CAR = "SMCAR000000000102";
    private static TestSystem system;
    private static String alice;
    private static String bob;

    @BeforeAll
    static void start() {
        system = TestSystem.start();
        system.enroll(ALICE_CAR, "alice");
        system.enroll(BOB_CAR, "bob");
        alice = system.login("alice");
        bob = system.login("bob");
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    private long commands() {
        return system.count("SELECT count(*) FROM command.commands");
    }

    private TestSystem.Reply command(String token, String vin, String body) {
        return system.post(token, "/api/v1/vehicles/" + vin + "/commands", body);
    }

    @Test
    void bodyThatIsNotJson_is400_andNothingStored() {
        long before = commands();

        TestSystem.Reply reply = command(alice, ALICE_CAR, "{\"type\": CLIMATE_START");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(reply.json().getString("detail")).contains("not valid JSON");
        assertThat(commands()).isEqualTo(before);
    }

    @Test
    void jsonThatIsNotAnObject_is400() {
        assertThat(command(alice, ALICE_CAR, "[1,2]").status()).isEqualTo(400);
        assertThat(command(alice, ALICE_CAR, "").status()).isEqualTo(400);
    }

    @Test
    void targetOutOfRange_is400NamingTheField_andNothingStored() {
        long before = commands();

        TestSystem.Reply reply = command(alice, ALICE_CAR, "{\"type\":\"CLIMATE_START\",\"targetTemperatureC\":35}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().getString("field")).isEqualTo("targetTemperatureC");
        assertThat(reply.json().getString("detail")).contains("16..30").contains("35");
        assertThat(commands()).isEqualTo(before);
    }

    @Test
    void durationAboveThirtyMinutes_is400_notClamped() {
        TestSystem.Reply reply = command(
                alice, ALICE_CAR, "{\"type\":\"CLIMATE_START\",\"targetTemperatureC\":22,\"durationMinutes\":45}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().getString("field")).isEqualTo("durationMinutes");
    }

    @Test
    void unknownCommandTypeOrField_is400NamingIt() {
        assertThat(command(alice, ALICE_CAR, "{\"type\":\"SELF_DESTRUCT\"}")
                        .json()
                        .getString("field"))
                .isEqualTo("type");
        assertThat(command(alice, ALICE_CAR, "{\"type\":\"CLIMATE_STOP\",\"now\":true}")
                        .json()
                        .getString("field"))
                .isEqualTo("now");
    }

    @Test
    void anotherOwnersCar_is403_forReadsAndCommands_andNothingStored() {
        long before = commands();

        assertThat(system.get(bob, "/api/v1/vehicles/" + ALICE_CAR + "/state").status())
                .isEqualTo(403);
        assertThat(system.get(bob, "/api/v1/vehicles/" + ALICE_CAR + "/telemetry")
                        .status())
                .isEqualTo(403);
        assertThat(system.get(bob, "/api/v1/vehicles/" + ALICE_CAR + "/commands")
                        .status())
                .isEqualTo(403);
        assertThat(command(bob, ALICE_CAR, "{\"type\":\"CLIMATE_STOP\"}").status())
                .isEqualTo(403);
        assertThat(commands()).isEqualTo(before);
        assertThat(system.get(bob, "/api/v1/vehicles")
                        .json()
                        .getJsonArray("vehicles")
                        .encode())
                .contains(BOB_CAR)
                .doesNotContain(ALICE_CAR);
    }

    @Test
    void unenrolledVin_isIndistinguishableFromAnotherOwnersCar_forOwners() {
        assertThat(system.get(alice, "/api/v1/vehicles/SMCAR999999999999/state").status())
                .isEqualTo(403);
    }

    @Test
    void malformedVinInThePath_is400() {
        TestSystem.Reply reply = system.get(alice, "/api/v1/vehicles/NOT-A-VIN/state");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().getString("field")).isEqualTo("vin");
    }

    @Test
    void missingOrUnknownToken_is401() {
        assertThat(system.get(null, "/api/v1/vehicles").status()).isEqualTo(401);
        assertThat(system.get("not-a-token", "/api/v1/vehicles").status()).isEqualTo(401);
    }

    @Test
    void wrongPassword_is401_andGivesNoToken() {
        TestSystem.Reply reply =
                system.post(null, "/api/v1/auth/login", "{\"username\":\"alice\",\"password\":\"guess-guess\"}");

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.body()).doesNotContain("token\"");
    }

    @Test
    void passwordGuessing_isRefusedWith429AfterFiveFailures_forThatUsernameOnly() {
        String guess = "{\"username\":\"mallory\",\"password\":\"guess-%d\"}";
        for (int i = 1; i <= 5; i++) {
            assertThat(system.post(null, "/api/v1/auth/login", String.format(guess, i))
                            .status())
                    .as("failure %d", i)
                    .isEqualTo(401);
        }

        TestSystem.Reply refused = system.post(null, "/api/v1/auth/login", String.format(guess, 6));

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).contains("60");
        assertThat(refused.json().getString("detail")).contains("too many wrong passwords");
        // the same address may still sign in to other accounts
        TestSystem.Reply other =
                system.post(null, "/api/v1/auth/login", "{\"username\":\"bob\",\"password\":\"bob-test-pass\"}");
        assertThat(other.status()).as(other.body()).isEqualTo(200);
    }

    @Test
    void loginWithoutPassword_is400NamingTheField() {
        TestSystem.Reply reply = system.post(null, "/api/v1/auth/login", "{\"username\":\"alice\"}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().getString("field")).isEqualTo("password");
    }

    @Test
    void ownersCannotEnrollVehicles_orWorkTasks() {
        assertThat(system.post(alice, "/api/v1/admin/vehicles", "{\"vin\":\"SMCAR000000000777\",\"owner\":\"alice\"}")
                        .status())
                .isEqualTo(403);
        assertThat(system.get(alice, "/api/v1/tasks").status()).isEqualTo(403);
        assertThat(system.count("SELECT count(*) FROM command.vehicles WHERE vin = 'SMCAR000000000777'"))
                .isZero();
    }

    @Test
    void enrollingTwice_is409_andForAnUnknownOwner_is422() {
        String staff = system.login("staff");

        assertThat(system.post(staff, "/api/v1/admin/vehicles", "{\"vin\":\"" + ALICE_CAR + "\",\"owner\":\"alice\"}")
                        .status())
                .isEqualTo(409);
        assertThat(system.post(staff, "/api/v1/admin/vehicles", "{\"vin\":\"SMCAR000000000778\",\"owner\":\"nobody\"}")
                        .status())
                .isEqualTo(422);
        assertThat(system.post(staff, "/api/v1/admin/vehicles", "{\"vin\":\"SMCARIOQ00000000\",\"owner\":\"alice\"}")
                        .json()
                        .getString("field"))
                .isEqualTo("vin");
    }

    @Test
    void historyWithABadWindow_is400() {
        assertThat(system.get(alice, "/api/v1/vehicles/" + ALICE_CAR + "/telemetry?from=yesterday")
                        .status())
                .isEqualTo(400);
        assertThat(system.get(
                                alice,
                                "/api/v1/vehicles/" + ALICE_CAR
                                        + "/telemetry?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z")
                        .json()
                        .getString("field"))
                .isEqualTo("from");
        assertThat(system.get(alice, "/api/v1/vehicles/" + ALICE_CAR + "/telemetry?limit=0")
                        .status())
                .isEqualTo(400);
    }

    @Test
    void historyWithABadBucketOrCursor_is400NamingIt() {
        String base = "/api/v1/vehicles/" + ALICE_CAR + "/telemetry";

        TelemetryHistoryAssertions.badField(system.get(alice, base + "?bucket=7m"), "bucket", "7m");
        TelemetryHistoryAssertions.badField(
                system.get(alice, base + "?bucket=1m&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z"),
                "bucket",
                "at most 10000");
        TelemetryHistoryAssertions.badField(system.get(alice, base + "?cursor=abc"), "cursor", "abc");
        TelemetryHistoryAssertions.badField(system.get(alice, base + "?cursor=5.-1"), "cursor", "5.-1");
        assertThat(system.get(bob, base + "?bucket=1h").status())
                .as("another owner's car")
                .isEqualTo(403);
    }

    @Test
    void oversizedBody_is413() {
        String huge = "{\"type\":\"CLIMATE_STOP\",\"pad\":\"" + "x".repeat(70_000) + "\"}";

        assertThat(command(alice, ALICE_CAR, huge).status()).isEqualTo(413);
    }

    @Test
    void unknownPath_is404Problem() {
        TestSystem.Reply reply = system.get(alice, "/api/v1/nothing-here");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.json().getInteger("status")).isEqualTo(404);
    }

    @Test
    void refusals_areCountedInMetrics() {
        system.get(null, "/api/v1/vehicles");

        String metrics = system.get(null, "/metrics").body();

        assertThat(metrics).contains("carlink_http_rejected_total{reason=\"unauthorized\"}");
        assertThat(metrics).contains("carlink_http_responses_total{status=\"400\"}");
    }

    @Test
    void health_reportsTheDatabase() {
        TestSystem.Reply reply = system.get(null, "/health");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().getString("database")).isEqualTo("UP");
    }

    /**
     * Sends {@code request} as raw bytes (what java.net.http refuses to send) and returns the whole answer as text:
     * status line, headers, body.
     */
    private static String raw(String request) throws IOException {
        return raw(request, false);
    }

    /** The same; {@code leave}: the client hangs up right after sending, without waiting for the answer. */
    private static String raw(String request, boolean leave) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", system.httpPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            if (leave) {
                return "";
            }
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void assertProblem(String answer, int status) {
        assertThat(answer).startsWith("HTTP/1.").contains(" " + status + " ");
        assertThat(answer).containsIgnoringCase("Content-Type: application/problem+json");
        assertThat(answer)
                .contains("\"status\":" + status)
                .contains("\"title\":")
                .contains("\"detail\":");
    }

    @Test
    void badPercentEncodingInPathOrQuery_is400Problem() throws IOException {
        assertProblem(raw("GET /api/v1/vehicles/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 400);
        assertProblem(raw("GET /api/v1/tasks?limit=%&x=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 400);
    }

    @Test
    void formOrMultipartBody_is415Problem_evenOnAGet() throws IOException {
        assertProblem(
                raw("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=b"),
                415);
        assertProblem(
                raw("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                        + "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 2\r\n\r\n{}"),
                415);
    }

    @Test
    void badChunkSize_isCountedAsUnreadable_notAnError_andNothingStored() throws IOException {
        long before = commands();
        double unreadable = rejected("unreadable_body");

        String answer = raw("POST /api/v1/vehicles/" + ALICE_CAR + "/commands HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\nAuthorization: Bearer " + alice + "\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");

        // Netty closes the connection on the broken chunk, often before the 400 is written; either is fine
        if (!answer.isEmpty()) {
            assertProblem(answer, 400);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(rejected("unreadable_body"))
                .isGreaterThan(unreadable));
        assertThat(commands()).isEqualTo(before);
    }

    @Test
    void requestHttpCannotParse_isProblem_400_414_or_431() throws IOException {
        assertProblem(raw("GET /health HTTP/1.1\r\nHost: x\r\nBad Header: v\r\nConnection: close\r\n\r\n"), 400);
        assertProblem(raw("GET /health?q=" + "q".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414);
        assertProblem(raw("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(10_000) + "\r\n\r\n"), 431);
    }

    @Test
    void clientLeavingMidBody_isCounted_notAnError() throws IOException {
        double before = rejected("client_closed");

        raw(
                "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100\r\n\r\n{\"username\":",
                true);

        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(rejected("client_closed"))
                .isGreaterThan(before));
    }

    @Test
    void nulInABodyString_is400NamingTheField_andNothingEnrolled() {
        String staff = system.login("staff");
        long before = system.count("SELECT count(*) FROM command.vehicles");

        TestSystem.Reply reply = system.post(
                staff, "/api/v1/admin/vehicles", "{\"vin\":\"SMCAR000000000199\",\"owner\":\"alice\\u0000\"}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().getString("field")).isEqualTo("owner");
        assertThat(system.count("SELECT count(*) FROM command.vehicles")).isEqualTo(before);
    }

    @Test
    void nulInThePath_is400Problem() throws IOException {
        String staff = system.login("admin");

        assertProblem(
                raw("POST /api/v1/admin/signing-keys/k%00/retire HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                        + "Authorization: Bearer " + staff + "\r\nContent-Length: 0\r\n\r\n"),
                400);
    }

    @Test
    void unknownCharsetOfAJsonBody_isReadAsUtf8() throws IOException {
        String answer = raw("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Type: application/json; charset=nonsense\r\nContent-Length: 37\r\n\r\n"
                + "{\"username\":\"nobody\",\"password\":\"xy\"}");

        assertProblem(answer, 401);
    }

    @Test
    void historyBeyondYear9999_is400NamingTheField() {
        TestSystem.Reply reply =
                system.get(alice, "/api/v1/vehicles/" + ALICE_CAR + "/telemetry?to=%2B999999999-12-31T23:59:59Z");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().getString("field")).isEqualTo("to");
    }

    private static double rejected(String reason) {
        String prefix = "carlink_http_rejected_total{reason=\"" + reason + "\"}";
        return system.get(null, "/metrics")
                .body()
                .lines()
                .filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
