package dev.carlink.command.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The open live streams, by car. The routes subscribe to the bus once and hand each update to the streams
 * of its car only, so the cost of an update does not grow with the number of streams open for other cars.
 *
 * <p>Confined to the event loop of the verticle that created it (its bus consumers and its HTTP requests
 * run there), so it needs no locking.
 */
final class LiveStreams {

    private final Map<String, List<HttpServerResponse>> byVin = new HashMap<>();

    void open(String vin, HttpServerResponse response) {
        byVin.computeIfAbsent(vin, v -> new ArrayList<>(1)).add(response);
    }

    void close(String vin, HttpServerResponse response) {
        List<HttpServerResponse> open = byVin.get(vin);
        if (open != null && open.remove(response) && open.isEmpty()) {
            byVin.remove(vin);
        }
    }

    /** Whether any stream is open for {@code vin}, so an update nobody watches is not even encoded. */
    boolean watching(String vin) {
        return byVin.containsKey(vin);
    }

    /** Sends one event to every stream open for {@code vin}; a closed or saturated stream misses it. */
    void send(String vin, String event, JsonObject data) {
        List<HttpServerResponse> open = byVin.get(vin);
        if (open == null) {
            return;
        }
        String frame = "event: " + event + "\ndata: " + data.encode() + "\n\n";
        for (HttpServerResponse response : open) {
            if (!response.closed() && !response.ended() && !response.writeQueueFull()) {
                response.write(frame);
            }
        }
    }
}
