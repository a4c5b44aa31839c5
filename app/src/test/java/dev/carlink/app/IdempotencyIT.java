package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The same Idempotency-Key returns the same command and never creates a second one. */
class IdempotencyIT {

    private static final String VIN = "SMCAR000000000501";
    private static final String STOP = "{\"type\":\"CLIMATE_STOP\"}";
    private static TestSystem system;
    private static String alice;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        system = TestSystem.start();
        system.enroll(VIN, "alice");
        alice = system.login("alice");
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    private HttpResponse<String> post(String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(system.api("/api/v1/vehicles/" + VIN + "/commands")))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + alice)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private long commands() {
        return system.count("SELECT count(*) FROM command.commands WHERE vin = ?", VIN);
    }

    @Test
    void aRetriedRequest_withTheSameKey_returnsTheSameCommand_andCreatesNoSecond() throws Exception {
        long before = commands();

        HttpResponse<String> first = post("tap-1", STOP);
        HttpResponse<String> again = post("tap-1", STOP);

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(new io.vertx.core.json.JsonObject(again.body()).getString("id"))
                .isEqualTo(new io.vertx.core.json.JsonObject(first.body()).getString("id"));
        assertThat(commands()).isEqualTo(before + 1);
    }

    @Test
    void theSameKey_forADifferentRequest_isRefused_andCreatesNothing() throws Exception {
        post("tap-2", STOP);
        long before = commands();

        HttpResponse<String> other = post("tap-2", "{\"type\":\"STERILIZATION_CANCEL\"}");

        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(other.body()).contains("different request");
        assertThat(commands()).isEqualTo(before);
    }

    @Test
    void withoutAKey_eachRequestIsANewCommand() throws Exception {
        long before = commands();

        post(null, STOP);
        post(null, STOP);

        assertThat(commands()).isEqualTo(before + 2);
    }

    @Test
    void aMalformedKey_is400_andCreatesNothing() throws Exception {
        long before = commands();

        HttpResponse<String> reply = post("x".repeat(201), STOP);

        assertThat(reply.statusCode()).isEqualTo(400);
        assertThat(reply.body()).contains("Idempotency-Key");
        assertThat(commands()).isEqualTo(before);
    }
}
