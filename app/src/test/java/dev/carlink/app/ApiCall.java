package dev.carlink.app;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One HTTP call with any method, any {@code Authorization} header and a JSON body, and its answer. The body of
 * an event stream is not read (it does not end), only its headers.
 */
record ApiCall(int status, HttpHeaders headers, String body) {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** {@code authorization} is the whole header value ({@code Bearer ...}, {@code Basic ...}), or null for none. */
    static ApiCall send(TestSystem system, String method, String path, String authorization, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(system.api(path)))
                .timeout(Duration.ofSeconds(10))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                boolean stream =
                        response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
                String text = stream ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return new ApiCall(response.statusCode(), response.headers(), text);
            }
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** With a bearer token, or none when {@code token} is null. */
    static ApiCall bearer(TestSystem system, String method, String path, String token, String body) {
        return send(system, method, path, token == null ? null : "Bearer " + token, body);
    }
}
