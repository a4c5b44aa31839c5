package dev.carlink.simulator.enroll;

import com.google.protobuf.ByteString;
import dev.carlink.proto.CommandSignatures;
import dev.carlink.proto.v1.SigningKey;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.Vins;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enrolls simulated cars through the backend's HTTP API: logs in as staff, registers each VIN for its owner and
 * returns the secret the car connects with. A VIN that is already enrolled (409, e.g. a demo restarted on kept
 * data) gets a new secret through the rotate endpoint instead. Blocking: call it off any event loop.
 */
public final class EnrollmentClient {

    private static final Logger LOG = LoggerFactory.getLogger(EnrollmentClient.class);

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private final URI apiBase;
    private final HttpClient http;
    private final Duration requestTimeout;

    /** A client for the API at {@code apiBase} (e.g. {@code http://localhost:8080}) with default timeouts. */
    public EnrollmentClient(URI apiBase) {
        this(
                apiBase,
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
                DEFAULT_REQUEST_TIMEOUT);
    }

    public EnrollmentClient(URI apiBase, HttpClient http, Duration requestTimeout) {
        Objects.requireNonNull(apiBase, "apiBase");
        String scheme = apiBase.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme) || apiBase.getHost() == null) {
            throw new IllegalArgumentException("apiBase must be an http(s)://host[:port] URL, was " + apiBase);
        }
        String base = apiBase.toString();
        this.apiBase = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.http = Objects.requireNonNull(http, "http");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    /**
     * Logs in and returns the bearer token.
     *
     * @throws EnrollmentException on bad credentials (401) or any other failure
     */
    public String login(String username, String password) {
        JsonObject body = new JsonObject().put("username", username).put("password", password);
        JsonObject answer = expect(200, post("/api/v1/auth/login", null, body), "login as " + username);
        String token = answer.getString("token");
        if (token == null || token.isBlank()) {
            throw new EnrollmentException(200, "login as " + username + " answered without a token");
        }
        LOG.debug("logged in [user: {}, role: {}]", username, answer.getString("role"));
        return token;
    }

    /**
     * Enrolls {@code vin} for {@code owner}; when the VIN is already enrolled, rotates its secret instead.
     *
     * @param token a staff or admin token from {@link #login}
     * @param name display name, or {@code null}
     */
    public VehicleCredentials enroll(String token, String vin, String owner, String name) {
        Vins.requireValid(vin);
        Objects.requireNonNull(owner, "owner");
        JsonObject body = new JsonObject().put("vin", vin).put("owner", owner);
        if (name != null) {
            body.put("name", name);
        }
        HttpResponse<String> response = post("/api/v1/admin/vehicles", token, body);
        if (response.statusCode() == 409) {
            LOG.info("vehicle already enrolled, rotating its secret [vin: {}]", vin);
            return rotateSecret(token, vin);
        }
        JsonObject answer = expect(201, response, "enroll " + vin);
        LOG.debug("vehicle enrolled [vin: {}, owner: {}]", vin, owner);
        return credentials(vin, answer, "enroll " + vin);
    }

    /**
     * As the car's owner, opts the car in to (or out of) the cloud fatigue service, which is off until the owner
     * chooses it: driver monitoring is personal data.
     *
     * @param ownerToken the owner's token from {@link #login}
     */
    public void fatigueService(String ownerToken, String vin, boolean optedIn) {
        Vins.requireValid(vin);
        expect(
                200,
                send(
                        "PUT",
                        "/api/v1/vehicles/" + vin + "/fatigue-service",
                        ownerToken,
                        new JsonObject().put("optedIn", optedIn)),
                "fatigue service of " + vin);
    }

    /** Sets how the service team reaches the logged-in user. */
    public void contact(String token, String phone, String email) {
        expect(
                200,
                send(
                        "PUT",
                        "/api/v1/account/contact",
                        token,
                        new JsonObject().put("phone", phone).put("email", email)),
                "contact details");
    }

    /** Gives {@code vin} a new secret (the old one stops working). */
    public VehicleCredentials rotateSecret(String token, String vin) {
        Vins.requireValid(vin);
        JsonObject answer =
                expect(200, post("/api/v1/admin/vehicles/" + vin + "/secret", token, null), "rotate secret of " + vin);
        return credentials(vin, answer, "rotate secret of " + vin);
    }

    /**
     * Logs in once and enrolls {@code count} simulated cars numbered from {@code firstNumber} (VINs
     * {@code SMCAR} + 12 digits), assigning {@code owners} round-robin and naming them "Simulated car N".
     */
    public List<VehicleCredentials> enrollFleet(
            String staffUser, String staffPassword, List<String> owners, long firstNumber, int count) {
        if (owners == null || owners.isEmpty()) {
            throw new IllegalArgumentException("owners must name at least one owner");
        }
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, was " + count);
        }
        Vins.simulatorVin(firstNumber);
        Vins.simulatorVin(firstNumber + count - 1);
        String token = login(staffUser, staffPassword);
        List<VehicleCredentials> enrolled = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long number = firstNumber + i;
            String owner = owners.get(i % owners.size());
            enrolled.add(enroll(token, Vins.simulatorVin(number), owner, "Simulated car " + number));
        }
        LOG.info("fleet enrolled [cars: {}, owners: {}, api: {}]", count, owners.size(), apiBase);
        return enrolled;
    }

    private HttpResponse<String> post(String path, String token, JsonObject body) {
        return send("POST", path, token, body);
    }

    private HttpResponse<String> send(String method, String path, String token, JsonObject body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiBase + path))
                .timeout(requestTimeout)
                .header("Accept", "application/json, application/problem+json");
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new EnrollmentException(method + " " + apiBase + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnrollmentException(method + " " + apiBase + path + " interrupted", e);
        }
    }

    private static JsonObject expect(int status, HttpResponse<String> response, String what) {
        if (response.statusCode() != status) {
            throw new EnrollmentException(response.statusCode(), what + " failed: " + problem(response));
        }
        try {
            return new JsonObject(response.body());
        } catch (DecodeException e) {
            throw new EnrollmentException(response.statusCode(), what + " answered with a body that is not JSON");
        }
    }

    private static VehicleCredentials credentials(String vin, JsonObject answer, String what) {
        String secret = answer.getString("secret");
        if (secret == null || secret.isBlank()) {
            throw new EnrollmentException(200, what + " answered without a secret");
        }
        String answeredVin = answer.getString("vin", vin);
        if (!vin.equals(answeredVin)) {
            throw new EnrollmentException(200, what + " answered for another vin: " + answeredVin);
        }
        return new VehicleCredentials(vin, secret, signingKeys(answer.getJsonArray("signingKeys"), what));
    }

    /** The backend's public signing keys from an enrollment answer ({@code keyId}, base64 X.509 {@code publicKey}). */
    public static List<SigningKey> signingKeys(JsonArray keys, String what) {
        if (keys == null || keys.isEmpty()) {
            throw new EnrollmentException(
                    200, what + " answered without signingKeys: the car could not verify commands");
        }
        List<SigningKey> out = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            JsonObject key = keys.getJsonObject(i);
            try {
                byte[] publicKey = Base64.getDecoder().decode(key.getString("publicKey", ""));
                CommandSignatures.publicKey(publicKey);
                out.add(SigningKey.newBuilder()
                        .setKeyId(key.getString("keyId", ""))
                        .setPublicKey(ByteString.copyFrom(publicKey))
                        .build());
            } catch (IllegalArgumentException | ClassCastException e) {
                throw new EnrollmentException(200, what + " answered an unusable signing key: " + e.getMessage());
            }
        }
        return out;
    }

    /** "status title: detail" from an RFC 9457 problem body, or the status alone. */
    static String problem(HttpResponse<String> response) {
        String text = "HTTP " + response.statusCode();
        String body = response.body();
        if (body == null || body.isBlank()) {
            return text;
        }
        try {
            JsonObject problem = new JsonObject(body);
            String title = problem.getString("title");
            String detail = problem.getString("detail");
            if (title != null) {
                text += " " + title;
            }
            if (detail != null) {
                text += ": " + detail;
            }
            return text;
        } catch (DecodeException | ClassCastException e) {
            return text;
        }
    }
}
