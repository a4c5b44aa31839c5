package dev.carlink.simulator.scenario;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The few HTTP API calls a scenario makes as the owner and as staff. Blocking; call off any event loop. */
final class BackendApi {

    /** A status code and a JSON body (empty when the body is not JSON). */
    record Reply(int status, JsonObject body) {}

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final URI base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    BackendApi(URI base) {
        this.base = base;
    }

    String login(String username, String password) {
        Reply reply = send(
                "POST",
                "/api/v1/auth/login",
                null,
                new JsonObject().put("username", username).put("password", password));
        if (reply.status() != 200) {
            throw new IllegalStateException("login of " + username + " failed with HTTP " + reply.status() + ": "
                    + reply.body().getString("detail", ""));
        }
        return reply.body().getString("token");
    }

    Reply postCommand(String token, String vin, JsonObject command) {
        return send("POST", "/api/v1/vehicles/" + vin + "/commands", token, command);
    }

    Reply command(String token, String vin, String id) {
        return send("GET", "/api/v1/vehicles/" + vin + "/commands/" + id, token, null);
    }

    Reply state(String token, String vin) {
        return send("GET", "/api/v1/vehicles/" + vin + "/state", token, null);
    }

    Reply postSchedule(String token, String vin, JsonObject schedule) {
        return send("POST", "/api/v1/vehicles/" + vin + "/schedules", token, schedule);
    }

    Reply scheduleFires(String token, String vin, String scheduleId) {
        return send("GET", "/api/v1/vehicles/" + vin + "/schedules/" + scheduleId + "/fires", token, null);
    }

    Reply tasks(String token, String vin) {
        return send("GET", "/api/v1/tasks?vin=" + vin, token, null);
    }

    private Reply send(String method, String path, String token, JsonObject body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.encode()));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonObject json;
            try {
                json = response.body().isBlank() ? new JsonObject() : new JsonObject(response.body());
            } catch (DecodeException e) {
                json = new JsonObject();
            }
            return new Reply(response.statusCode(), json);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "the backend at " + base + " did not answer " + method + " " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
