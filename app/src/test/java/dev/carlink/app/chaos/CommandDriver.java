package dev.carlink.app.chaos;

import dev.carlink.proto.v1.CommandOutcome;
import dev.carlink.proto.v1.CommandResult;
import dev.carlink.simulator.mqtt.MqttCar;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner's side of the chaos workload: asks for an A/C command for one of its cars every interval, as an app
 * does, with an {@code Idempotency-Key}, and when the answer does not come (a refused connection, a 5xx, a
 * timeout) asks again with the same key until it does. At the end it reads every command it created and compares
 * the backend's account with the cars': each command final with a reason, none executed twice, none the car
 * decided differently from what the backend says.
 */
final class CommandDriver implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CommandDriver.class);
    /** How long one request is asked again before it counts as lost. */
    private static final Duration REQUEST_PATIENCE = Duration.ofSeconds(180);

    private final Supplier<String> apiBase;
    private final Supplier<String> token;
    private final List<MqttCar> cars;
    private final Duration interval;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3))
            .build();
    /** Idempotency key to the command the backend created for it (null while not answered). */
    private final Map<String, Request> requests = new ConcurrentHashMap<>();

    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicInteger retries = new AtomicInteger();
    private final AtomicInteger differentIdForSameKey = new AtomicInteger();
    private Thread thread;

    private static final class Request {
        final String vin;
        final String body;
        volatile String commandId;

        Request(String vin, String body) {
            this.vin = vin;
            this.body = body;
        }
    }

    /**
     * @param apiBase the API's base address ({@code http://127.0.0.1:port}), asked again on every call
     * @param token the owner's bearer token, asked again on every call
     */
    CommandDriver(Supplier<String> apiBase, Supplier<String> token, List<MqttCar> cars, Duration interval) {
        this.apiBase = apiBase;
        this.token = token;
        this.cars = List.copyOf(cars);
        this.interval = interval;
    }

    void start() {
        thread = new Thread(this::run, "chaos-owner");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        int next = 0;
        while (!stopped.get()) {
            MqttCar car = cars.get(next % cars.size());
            String body = next / cars.size() % 2 == 0
                    ? "{\"type\":\"CLIMATE_START\",\"targetTemperatureC\":21}"
                    : "{\"type\":\"CLIMATE_STOP\"}";
            next++;
            String key = UUID.randomUUID().toString();
            Request request = new Request(car.vin(), body);
            requests.put(key, request);
            ask(key, request);
            sleep(interval.toMillis());
        }
    }

    /** Asks until the backend answers with the command it created for the key, or patience runs out. */
    private void ask(String key, Request request) {
        long giveUp = System.nanoTime() + REQUEST_PATIENCE.toNanos();
        while (System.nanoTime() < giveUp) {
            try {
                HttpResponse<String> reply = http.send(
                        HttpRequest.newBuilder(
                                        URI.create(apiBase.get() + "/api/v1/vehicles/" + request.vin + "/commands"))
                                .timeout(Duration.ofSeconds(10))
                                .header("Authorization", "Bearer " + token.get())
                                .header("Content-Type", "application/json")
                                .header("Idempotency-Key", key)
                                .POST(HttpRequest.BodyPublishers.ofString(request.body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (reply.statusCode() == 201 || reply.statusCode() == 200 || reply.statusCode() == 422) {
                    JsonObject json = new JsonObject(reply.body());
                    String id = reply.statusCode() == 422
                            ? json.getJsonObject("command").getString("id")
                            : json.getString("id");
                    if (request.commandId != null && !request.commandId.equals(id)) {
                        differentIdForSameKey.incrementAndGet();
                    }
                    request.commandId = id;
                    return;
                }
                log.info(
                        "command request answered {} [vin: {}, body: {}]",
                        reply.statusCode(),
                        request.vin,
                        reply.body());
                long wait = reply.headers().firstValueAsLong("Retry-After").orElse(0);
                if (wait > 0) {
                    retries.incrementAndGet();
                    sleep(Math.min(wait, 10) * 1000);
                    continue;
                }
            } catch (IOException e) {
                log.info("command request failed [vin: {}, cause: {}]", request.vin, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            retries.incrementAndGet();
            sleep(500);
        }
    }

    /** Stops asking for new commands (the one being asked is finished first). */
    void stop() throws InterruptedException {
        stopped.set(true);
        thread.join(REQUEST_PATIENCE.toMillis() + 15_000);
    }

    /** What the two ends say about the commands, once every one of them is final (or the patience is out). */
    Tally tally(Duration patience) throws InterruptedException {
        long giveUp = System.nanoTime() + patience.toNanos();
        Map<String, JsonObject> latest = new LinkedHashMap<>();
        List<Request> created =
                requests.values().stream().filter(r -> r.commandId != null).collect(Collectors.toList());
        while (true) {
            for (Request r : created) {
                JsonObject known = latest.get(r.commandId);
                if (known != null && known.getBoolean("final", false)) {
                    continue;
                }
                try {
                    HttpResponse<String> reply = http.send(
                            HttpRequest.newBuilder(URI.create(
                                            apiBase.get() + "/api/v1/vehicles/" + r.vin + "/commands/" + r.commandId))
                                    .timeout(Duration.ofSeconds(10))
                                    .header("Authorization", "Bearer " + token.get())
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (reply.statusCode() == 200) {
                        latest.put(r.commandId, new JsonObject(reply.body()));
                    }
                } catch (IOException e) {
                    // read again on the next round
                }
            }
            boolean allFinal = created.stream()
                    .allMatch(r -> latest.containsKey(r.commandId)
                            && latest.get(r.commandId).getBoolean("final", false));
            if (allFinal || System.nanoTime() > giveUp) {
                break;
            }
            Thread.sleep(1_000);
        }
        return tally(created, latest);
    }

    private Tally tally(List<Request> created, Map<String, JsonObject> latest) {
        Map<String, Long> byStatus = new TreeMap<>();
        int notFinal = 0;
        int withoutReason = 0;
        List<String> examples = new ArrayList<>();
        Map<String, List<CommandResult>> decidedByCar = new LinkedHashMap<>();
        for (MqttCar car : cars) {
            for (CommandResult result : car.car().results()) {
                decidedByCar
                        .computeIfAbsent(result.getCommandId(), id -> new ArrayList<>())
                        .add(result);
            }
        }
        int executedTwice = 0;
        int successTheCarNeverReported = 0;
        for (List<CommandResult> results : decidedByCar.values()) {
            long finals = results.stream()
                    .filter(r -> r.getStatus() != CommandOutcome.COMMAND_OUTCOME_IN_PROGRESS)
                    .count();
            if (finals > 1) {
                executedTwice++;
            }
        }
        for (Request r : created) {
            JsonObject command = latest.get(r.commandId);
            String status = command == null ? "UNREAD" : command.getString("status");
            String reason = command == null ? null : command.getString("reasonCode");
            byStatus.merge(reason == null ? status : status + "/" + reason, 1L, Long::sum);
            if (command == null || !command.getBoolean("final", false)) {
                notFinal++;
                if (examples.size() < 5) {
                    examples.add("not final: " + (command == null ? r.commandId : command.encode()));
                }
                continue;
            }
            if (!"SUCCEEDED".equals(status)
                    && command.getString("reasonCode") == null
                    && command.getString("detail") == null) {
                withoutReason++;
                if (examples.size() < 5) {
                    examples.add("no reason: " + command.encode());
                }
            }
            if ("SUCCEEDED".equals(status) && !decidedByCar.containsKey(r.commandId)) {
                successTheCarNeverReported++;
                if (examples.size() < 5) {
                    examples.add("succeeded without the car: " + command.encode());
                }
            }
        }
        long unanswered =
                requests.values().stream().filter(r -> r.commandId == null).count();
        return new Tally(
                requests.size(),
                created.size(),
                unanswered,
                retries.get(),
                byStatus,
                notFinal,
                withoutReason,
                executedTwice + differentIdForSameKey.get(),
                successTheCarNeverReported,
                examples);
    }

    /**
     * The commands' account.
     *
     * @param requested commands the owner asked for (one idempotency key each)
     * @param created requests the backend answered with a command
     * @param unanswered requests never answered within the patience (lost at the API)
     * @param retries requests asked again after no answer
     * @param byStatus final (or last seen) status of the created commands
     * @param notFinal created commands not final at the end (lost)
     * @param withoutReason final commands other than SUCCEEDED with neither a reason code nor a detail
     * @param executedTwice commands a car decided twice, or keys that got two different commands
     * @param phantom commands the backend calls SUCCEEDED that no car decided
     */
    record Tally(
            int requested,
            int created,
            long unanswered,
            int retries,
            Map<String, Long> byStatus,
            int notFinal,
            int withoutReason,
            int executedTwice,
            int phantom,
            List<String> examples) {

        long lost() {
            return unanswered + notFinal + phantom;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stopped.set(true);
    }
}
