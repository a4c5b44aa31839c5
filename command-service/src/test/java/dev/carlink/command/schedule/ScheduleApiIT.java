package dev.carlink.command.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.command.CommandSchema;
import dev.carlink.command.CommandServiceConfig;
import dev.carlink.command.CommandServiceConfig.BootstrapUser;
import dev.carlink.command.CommandServiceVerticle;
import dev.carlink.command.TestClock;
import dev.carlink.command.secrets.KeyRing;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The schedules API over real HTTP, against the whole command-service and a real PostgreSQL. */
class ScheduleApiIT {

    /** Monday 2026-06-01, 10:00 in Berlin. */
    private static final Instant MONDAY_1000 = Instant.parse("2026-06-01T08:00:00Z");

    private static EmbeddedPostgres postgres;
    private static DataSource dataSource;
    private static Vertx vertx;
    private static FakeTelemetry telemetry;
    private static final TestClock clock = new TestClock(MONDAY_1000);
    private static final HttpClient http = HttpClient.newHttpClient();
    private static int port;
    private static String olga;
    private static String bob;
    private static String staff;

    record Reply(int status, String body, java.net.http.HttpHeaders headers) {
        JsonObject json() {
            return new JsonObject(body);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        dataSource = postgres.getPostgresDatabase();
        CommandSchema.migrate(dataSource);
        vertx = Vertx.vertx();
        telemetry = FakeTelemetry.on(vertx);
        CommandServiceConfig config = CommandServiceConfig.defaults()
                .withHttp("127.0.0.1", 0)
                .withPasswordHashIterations(1_000)
                .withBootstrapUsers(List.of(
                        new BootstrapUser("olga", "olga-test-pass", "OWNER", "Olga"),
                        new BootstrapUser("bob", "bob-test-pass", "OWNER", "Bob"),
                        new BootstrapUser("staff", "staff-test-pass", "STAFF", "Staff")))
                .withSchedules(new CommandServiceConfig.Schedules(
                        Duration.ofMillis(50),
                        Duration.ofMinutes(10),
                        CommandServiceConfig.Schedules.DEFAULT_BATCH_SIZE,
                        CommandServiceConfig.Schedules.DEFAULT_CLAIM_LEASE));
        CommandServiceVerticle verticle = new CommandServiceVerticle(
                dataSource, config, KeyRing.generate(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), clock);
        vertx.deployVerticle(verticle).await();
        port = verticle.actualHttpPort();
    }

    /** Back to Monday morning, with tokens issued then (the clock moves the tokens' expiry too). */
    @BeforeEach
    void mondayMorning() {
        clock.set(MONDAY_1000);
        loginAll();
    }

    private static void loginAll() {
        olga = login("olga", "olga-test-pass");
        bob = login("bob", "bob-test-pass");
        staff = login("staff", "staff-test-pass");
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await();
        postgres.close();
    }

    private static String login(String username, String password) {
        Reply reply = call(
                "POST",
                "/api/v1/auth/login",
                null,
                new JsonObject()
                        .put("username", username)
                        .put("password", password)
                        .encode());
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().getString("token");
    }

    private static Reply call(String method, String path, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response.headers());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A car of Olga's, online and parked with a 35 °C cabin. */
    private static String olgasCar() throws Exception {
        String vin = TestFleet.car(dataSource, "olga", true);
        telemetry.set(vin, FakeTelemetry.parked(clock.instant()).build());
        return vin;
    }

    private static JsonObject weekdays() {
        return new JsonObject()
                .put("readyBy", "07:40")
                .put("timeZone", "Europe/Berlin")
                .put("weekdays", new JsonArray().add("MONDAY").add("TUESDAY"))
                .put("targetTemperatureC", 22);
    }

    private static String schedules(String vin) {
        return "/api/v1/vehicles/" + vin + "/schedules";
    }

    private static JsonObject created(String vin, JsonObject body) {
        Reply reply = call("POST", schedules(vin), olga, body.encode());
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json();
    }

    private static JsonObject listing(String vin) {
        Reply reply = call("GET", schedules(vin), olga, null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json();
    }

    private static void assertProblem(Reply reply, int status, String field, String detail) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.headers().firstValue("Content-Type")).contains("application/problem+json");
        JsonObject problem = reply.json();
        assertThat(problem.getInteger("status")).isEqualTo(status);
        if (field != null) {
            assertThat(problem.getString("field")).isEqualTo(field);
        }
        assertThat(problem.getString("detail")).contains(detail);
    }

    @Test
    void create_read_list_replace_delete_eachChangeBumpsTheCarsVersion() throws Exception {
        String vin = olgasCar();

        Reply post = call("POST", schedules(vin), olga, weekdays().encode());
        assertThat(post.status()).as(post.body()).isEqualTo(201);
        JsonObject schedule = post.json();
        String id = schedule.getString("id");
        assertThat(post.headers().firstValue("Location")).contains(schedules(vin) + "/" + id);
        assertThat(schedule.getString("readyBy")).isEqualTo("07:40");
        assertThat(schedule.getJsonArray("weekdays")).containsExactly("MONDAY", "TUESDAY");
        assertThat(schedule.getString("nextReadyBy")).as("Tuesday 07:40 Berlin").isEqualTo("2026-06-02T05:40:00Z");
        assertThat(schedule.getString("nextRunAt"))
                .as("13 min early for a 35 °C cabin")
                .isEqualTo("2026-06-02T05:27:00Z");
        assertThat(schedule.getLong("leadTimeMinutes")).isEqualTo(13);
        assertThat(schedule.getLong("version")).isEqualTo(1);
        assertThat(schedule.getBoolean("enabled")).isTrue();
        assertThat(schedule.getString("createdBy")).isEqualTo("owner:olga");

        Reply one = call("GET", schedules(vin) + "/" + id, olga, null);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json()).isEqualTo(schedule);
        assertThat(listing(vin).getLong("scheduleVersion")).isEqualTo(1);
        assertThat(listing(vin).getJsonArray("schedules")).containsExactly(schedule);

        JsonObject replacement = weekdays()
                .put("readyBy", "08:15")
                .put("weekdays", new JsonArray().add("FRIDAY"))
                .put(
                        "location",
                        new JsonObject()
                                .put("latitude", 52.52)
                                .put("longitude", 13.41)
                                .put("radiusM", 300))
                .put("enabled", true);
        Reply put = call("PUT", schedules(vin) + "/" + id, olga, replacement.encode());
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json().getString("nextReadyBy"))
                .as("Friday 08:15 Berlin")
                .isEqualTo("2026-06-05T06:15:00Z");
        assertThat(put.json().getJsonObject("location").getDouble("radiusM")).isEqualTo(300);
        assertThat(put.json().getLong("version")).isEqualTo(2);

        Reply disabled = call(
                "PUT",
                schedules(vin) + "/" + id,
                olga,
                replacement.put("enabled", false).encode());
        assertThat(disabled.json().getValue("nextRunAt")).isNull();
        assertThat(disabled.json().getValue("nextReadyBy")).isNull();
        assertThat(disabled.json().getLong("version")).isEqualTo(3);

        Reply delete = call("DELETE", schedules(vin) + "/" + id, olga, null);
        assertThat(delete.status()).isEqualTo(204);
        assertThat(listing(vin).getLong("scheduleVersion")).isEqualTo(4);
        assertThat(listing(vin).getJsonArray("schedules")).isEmpty();
        assertProblem(call("GET", schedules(vin) + "/" + id, olga, null), 404, null, "no schedule " + id);
    }

    @Test
    void everyInvalidField_isA400NamingIt_andStoresNothing() throws Exception {
        String vin = olgasCar();
        record Case(UnaryOperator<JsonObject> change, String field, String detail) {}
        JsonObject fence =
                new JsonObject().put("latitude", 52.5).put("longitude", 13.4).put("radiusM", 200);
        List<Case> cases = List.of(
                new Case(b -> b.put("readyBy", null), "readyBy", "is required"),
                new Case(b -> b.put("readyBy", "7:40"), "readyBy", "must be a local time HH:mm"),
                new Case(b -> b.put("readyBy", "25:00"), "readyBy", "not a time of day"),
                new Case(b -> b.put("timeZone", null), "timeZone", "is required"),
                new Case(b -> b.put("timeZone", "Mars/Olympus"), "timeZone", "unknown time zone Mars/Olympus"),
                new Case(b -> b.put("date", "2026-06-03"), "date", "not both"),
                new Case(b -> b.put("weekdays", null), "weekdays", "give weekdays"),
                new Case(b -> b.put("weekdays", new JsonArray()), "weekdays", "at least one day"),
                new Case(b -> b.put("weekdays", new JsonArray().add("FUNDAY")), "weekdays", "was FUNDAY"),
                new Case(b -> b.put("weekdays", new JsonArray().add("MONDAY").add("MONDAY")), "weekdays", "twice"),
                new Case(b -> b.put("weekdays", null).put("date", "2026-13-01"), "date", "ISO date"),
                new Case(b -> b.put("weekdays", null).put("date", "2026-05-31"), "date", "is in the past"),
                new Case(b -> b.put("weekdays", null).put("date", "2026-06-01"), "readyBy", "has already passed"),
                new Case(b -> b.put("weekdays", null).put("date", "2028-01-01"), "date", "at most 366 days"),
                new Case(b -> b.put("location", fence.copy().put("radiusM", 10)), "location.radiusM", "50..10000"),
                new Case(b -> b.put("location", fence.copy().put("radiusM", 20_000)), "location.radiusM", "50..10000"),
                new Case(b -> b.put("location", fence.copy().put("latitude", -95)), "location.latitude", "-90..90"),
                new Case(b -> b.put("location", fence.copy().put("longitude", 200)), "location.longitude", "-180..180"),
                new Case(
                        b -> b.put("location", fence.copy().put("latitude", null)), "location.latitude", "is required"),
                new Case(b -> b.put("location", 5), "location", "must be an object"),
                new Case(b -> b.put("targetTemperatureC", 35), "targetTemperatureC", "16..30"),
                new Case(b -> b.put("targetTemperatureC", null), "targetTemperatureC", "is required"),
                new Case(b -> b.put("enabled", "no"), "enabled", "true or false"),
                new Case(b -> b.put("colour", "red"), "colour", "not a known field"));

        for (Case c : cases) {
            Reply reply = call(
                    "POST", schedules(vin), olga, c.change().apply(weekdays()).encode());
            assertProblem(reply, 400, c.field(), c.detail());
        }
        assertProblem(call("POST", schedules(vin), olga, "{\"readyBy\": "), 400, null, "not valid JSON");
        assertProblem(call("POST", schedules(vin), olga, "[]"), 400, null, "must be a JSON object");

        JsonObject empty = listing(vin);
        assertThat(empty.getJsonArray("schedules")).isEmpty();
        assertThat(empty.getLong("scheduleVersion")).isZero();
    }

    @Test
    void anInvalidReplacement_isA400_andLeavesTheScheduleAsItWas() throws Exception {
        String vin = olgasCar();
        JsonObject schedule = created(vin, weekdays());
        String path = schedules(vin) + "/" + schedule.getString("id");

        assertProblem(
                call("PUT", path, olga, weekdays().put("timeZone", "Berlin").encode()), 400, "timeZone", "unknown");
        assertProblem(
                call("PUT", schedules(vin) + "/not-a-uuid", olga, weekdays().encode()), 400, "id", "UUID");

        assertThat(call("GET", path, olga, null).json()).isEqualTo(schedule);
        assertThat(listing(vin).getLong("scheduleVersion")).isEqualTo(1);
    }

    @Test
    void anUnknownSchedule_is404_andBumpsNothing() throws Exception {
        String vin = olgasCar();
        String path = schedules(vin) + "/" + java.util.UUID.randomUUID();

        assertProblem(call("GET", path, olga, null), 404, null, "no schedule");
        assertProblem(call("PUT", path, olga, weekdays().encode()), 404, null, "no schedule");
        assertProblem(call("DELETE", path, olga, null), 404, null, "no schedule");
        assertProblem(call("GET", path + "/fires", olga, null), 404, null, "no schedule");

        assertThat(listing(vin).getLong("scheduleVersion")).isZero();
    }

    @Test
    void anotherOwner_cannotSeeOrChangeACarsSchedules_staffMayReadButNotChange() throws Exception {
        String vin = olgasCar();
        String path = schedules(vin) + "/" + created(vin, weekdays()).getString("id");

        assertProblem(call("GET", schedules(vin), bob, null), 403, null, "is not yours");
        assertProblem(call("POST", schedules(vin), bob, weekdays().encode()), 403, null, "is not yours");
        assertProblem(call("GET", path, bob, null), 403, null, "is not yours");
        assertProblem(call("PUT", path, bob, weekdays().encode()), 403, null, "is not yours");
        assertProblem(call("DELETE", path, bob, null), 403, null, "is not yours");
        assertProblem(call("GET", path + "/fires", bob, null), 403, null, "is not yours");
        assertProblem(call("GET", schedules(vin), null, null), 401, null, "missing bearer token");

        assertThat(call("GET", schedules(vin), staff, null).status()).isEqualTo(200);
        assertThat(call("GET", path + "/fires", staff, null).status()).isEqualTo(200);
        assertProblem(call("POST", schedules(vin), staff, weekdays().encode()), 403, null, "is not yours");
        assertProblem(call("DELETE", path, staff, null), 403, null, "is not yours");
        assertProblem(call("GET", schedules("SCHED999999999999"), staff, null), 404, null, "no vehicle");
        assertProblem(call("GET", schedules("NOT-A-VIN"), olga, null), 400, "vin", "");

        assertThat(listing(vin).getLong("scheduleVersion")).isEqualTo(1);
        assertThat(listing(vin).getJsonArray("schedules")).hasSize(1);
    }

    @Test
    void aCarHoldsAtMostTenSchedules_theEleventhIsA409_andNotStored() throws Exception {
        String vin = olgasCar();
        for (int i = 0; i < ScheduleService.MAX_SCHEDULES_PER_VEHICLE; i++) {
            created(vin, weekdays().put("readyBy", String.format("%02d:00", 6 + i)));
        }

        assertProblem(call("POST", schedules(vin), olga, weekdays().encode()), 409, null, "already has 10 schedules");

        assertThat(listing(vin).getJsonArray("schedules")).hasSize(10);
        assertThat(listing(vin).getLong("scheduleVersion")).isEqualTo(10);
    }

    @Test
    void theServicesOwnScheduler_firesADueSchedule_andItsFiresAreListedLatestFirst() throws Exception {
        String vin = olgasCar();
        JsonObject schedule = created(vin, weekdays().put("weekdays", new JsonArray().add("TUESDAY")));
        String fires = schedules(vin) + "/" + schedule.getString("id") + "/fires";
        Instant start = Instant.parse(schedule.getString("nextRunAt"));

        clock.set(start);
        loginAll();
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                        call("GET", fires, olga, null).json().getJsonArray("fires"))
                .hasSize(1));
        JsonObject fired =
                call("GET", fires, olga, null).json().getJsonArray("fires").getJsonObject(0);
        assertThat(fired.getString("outcome")).isEqualTo("FIRED");
        assertThat(fired.getString("occurrence")).isEqualTo(schedule.getString("nextReadyBy"));
        Reply command =
                call("GET", "/api/v1/vehicles/" + vin + "/commands/" + fired.getString("commandId"), olga, null);
        assertThat(command.status()).as(command.body()).isEqualTo(200);
        assertThat(command.json().getString("type")).isEqualTo("CLIMATE_START");
        assertThat(command.json().getString("requestedBy")).isEqualTo("schedule:" + schedule.getString("id"));

        // A week later the car is being driven at its start.
        telemetry.set(
                vin,
                FakeTelemetry.parked(start).setSpeedKmh(50).setSelectedGear(127).build());
        clock.set(start.plus(7, ChronoUnit.DAYS));
        loginAll();
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                        call("GET", fires, olga, null).json().getJsonArray("fires"))
                .hasSize(2));

        JsonArray both = call("GET", fires, staff, null).json().getJsonArray("fires");
        assertThat(both.getJsonObject(0).getString("outcome")).isEqualTo("SKIPPED");
        assertThat(both.getJsonObject(0).getString("reason")).isEqualTo("DRIVING");
        assertThat(both.getJsonObject(0).getValue("commandId")).isNull();
        assertThat(both.getJsonObject(1).getString("outcome")).isEqualTo("FIRED");
        assertThat(call("GET", fires + "?limit=1", olga, null).json().getJsonArray("fires"))
                .hasSize(1);
        assertProblem(call("GET", fires + "?limit=0", olga, null), 400, "limit", "1..500");
        assertProblem(call("GET", fires + "?limit=many", olga, null), 400, "limit", "whole number");
    }
}
