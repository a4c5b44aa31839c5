package dev.carlink.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.app.TestSystem;
import dev.carlink.proto.v1.FatigueCause;
import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.CarConfig;
import dev.carlink.simulator.car.SimulatedCar;
import dev.carlink.simulator.load.LoadConfig;
import dev.carlink.simulator.load.LoadReport;
import dev.carlink.simulator.load.LoadRun;
import dev.carlink.simulator.load.SourceAddresses;
import dev.carlink.simulator.mqtt.MqttCar;
import dev.carlink.simulator.mqtt.MqttCarConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * From a car's L3 fatigue event to the task in the staff console's live queue, with the fleet load running.
 *
 * <p>The whole system runs in this JVM. A fleet of load cars streams telemetry ({@link LoadRun}, the simulator's
 * load mode) the whole time. Meanwhile a few simulated cars, their owners opted in to the fatigue service, raise a
 * critical fatigue alert each in turn; the latency runs from the moment the car publishes the event (its MQTT
 * publish, QoS 1) to the moment the console's stream ({@code /api/v1/tasks/stream}, the page's own source) shows
 * the task with that occurrence. A repeat appends to the car's open task, so every alert is one more occurrence on
 * the stream. The baseline, in the same run: the same cars' telemetry samples from their sampling time to the
 * owner's live stream ({@code /api/v1/vehicles/{vin}/stream}), the floor of a message through gateway, storage and
 * server-sent events here.
 *
 * <p>{@code mvn -B -Pbench verify -pl app -am -Dit.test=TaskLatencyBench}; properties {@code bench.alerts} (400),
 * {@code bench.cars} (8, alerting), {@code bench.load.cars} (200) and {@code bench.load.rate} (1000 messages/s).
 */
class TaskLatencyBench {

    private static final Duration ALERT_GAP = Duration.ofMillis(250);

    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final Map<String, Integer> occurrence = new ConcurrentHashMap<>();
    private final Histogram tasks = new Histogram(60_000_000_000L, 3);
    private final Histogram states = new Histogram(60_000_000_000L, 3);
    private final List<double[]> timeline = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile long start;

    @Test
    void fatigueEventToConsoleQueue() throws Exception {
        int alerts = Integer.getInteger("bench.alerts", 400);
        int alertCars = Integer.getInteger("bench.cars", 8);
        int loadCars = Integer.getInteger("bench.load.cars", 200);
        int loadRate = Integer.getInteger("bench.load.rate", 1000);
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        try (TestSystem system = TestSystem.start()) {
            progress("enrolling " + loadCars + " load cars and " + alertCars + " alerting cars");
            List<VehicleCredentials> fleet = new ArrayList<>();
            for (int i = 0; i < loadCars; i++) {
                fleet.add(system.enrollCar(String.format(Locale.ROOT, "FLEETCAR%09d", i), "bob", false));
            }
            String staff = system.login("staff");
            String alice = system.login("alice");
            List<MqttCar> cars = new ArrayList<>();
            List<SimulatedCar> simulated = new ArrayList<>();
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < alertCars; i++) {
                String vin = String.format(Locale.ROOT, "TASKCAR%010d", i);
                VehicleCredentials credentials = system.enrollCar(vin, "alice");
                SimulatedCar car = new SimulatedCar(CarConfig.of(vin), Clock.systemUTC());
                car.park();
                MqttCar mqtt = new MqttCar(
                        credentials,
                        car,
                        MqttCarConfig.of(URI.create(system.mqttUri()))
                                .withTelemetryInterval(Duration.ofMillis(500))
                                .withTcpNoDelay(true),
                        scheduler);
                mqtt.connect().get(30, TimeUnit.SECONDS);
                cars.add(mqtt);
                simulated.add(car);
                http.sendAsync(
                                HttpRequest.newBuilder(URI.create(system.api("/api/v1/vehicles/" + vin + "/stream")))
                                        .header("Authorization", "Bearer " + alice)
                                        .build(),
                                HttpResponse.BodyHandlers.ofLines())
                        .thenAccept(r -> r.body().forEach(this::onStateLine));
            }
            http.sendAsync(
                            HttpRequest.newBuilder(URI.create(system.api("/api/v1/tasks/stream?access_token=" + staff)))
                                    .build(),
                            HttpResponse.BodyHandlers.ofLines())
                    .thenAccept(r -> r.body().forEach(this::onQueueLine));

            LoadConfig load = new LoadConfig(
                    URI.create(system.mqttUri()),
                    loadRate,
                    Duration.ofSeconds(alerts * ALERT_GAP.toMillis() / 1000 + 40),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(60),
                    1,
                    200,
                    LoadConfig.DEFAULT_MAX_CONNECTING,
                    LoadConfig.DEFAULT_MAX_IN_FLIGHT,
                    SourceAddresses.count(1),
                    Path.of("target", "bench", "task-latency-load"),
                    null,
                    0);
            CompletableFuture<LoadReport> fleetRun = CompletableFuture.supplyAsync(() -> {
                try {
                    return new LoadRun(load, fleet, line -> {}).run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            progress("fleet load: " + loadCars + " cars at " + loadRate + " messages/s; warming up 20 s");
            Thread.sleep(20_000);
            tasks.reset();
            states.reset();
            start = System.nanoTime();
            for (int i = 0; i < alerts; i++) {
                int c = i % alertCars;
                String vin = cars.get(c).vin();
                awaitSettled(vin);
                int next = occurrence.getOrDefault(vin, 0) + 1;
                occurrence.put(vin, next);
                sentAt.put(vin + "#" + next, System.nanoTime());
                simulated
                        .get(c)
                        .raiseFatigueAlert(FatigueLevel.FATIGUE_LEVEL_CRITICAL, FatigueCause.FATIGUE_CAUSE_EYES_CLOSED);
                Thread.sleep(ALERT_GAP.toMillis() / alertCars);
                if (i % 50 == 49) {
                    progress(String.format(
                            Locale.ROOT,
                            "%d alerts, task p50 %.1f ms p99 %.1f ms; telemetry p50 %.1f ms p99 %.1f ms",
                            i + 1,
                            ms(tasks, 50),
                            ms(tasks, 99),
                            ms(states, 50),
                            ms(states, 99)));
                }
            }
            for (MqttCar car : cars) {
                awaitSettled(car.vin());
            }
            LoadReport fleetReport = fleetRun.get(5, TimeUnit.MINUTES);
            cars.forEach(MqttCar::close);
            report(alerts, alertCars, loadCars, loadRate, fleetReport);
            assertThat(tasks.getTotalCount())
                    .as("alerts that reached the console's queue")
                    .isEqualTo(alerts);
        } finally {
            scheduler.shutdownNow();
        }
    }

    /** Waits until the car's last alert reached the queue (one in flight per car, so occurrences match). */
    private void awaitSettled(String vin) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int last = occurrence.getOrDefault(vin, 0);
        while (sentAt.containsKey(vin + "#" + last) && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }

    private void onQueueLine(String line) {
        if (!line.startsWith("data: ")) {
            return;
        }
        long now = System.nanoTime();
        JsonObject data = new JsonObject(line.substring(6));
        if (data.containsKey("tasks")) {
            return;
        }
        Long sent = sentAt.remove(data.getString("vin") + "#" + data.getInteger("occurrences"));
        if (sent != null) {
            tasks.recordValue(now - sent);
            timeline.add(new double[] {(now - start) / 1e9, (now - sent) / 1e6});
        }
    }

    private void onStateLine(String line) {
        if (!line.startsWith("data: ") || start == 0) {
            return;
        }
        JsonObject data = new JsonObject(line.substring(6));
        String sampled = data.getString("sampledAt");
        if (sampled != null) {
            long ms = Duration.between(Instant.parse(sampled), Instant.now()).toNanos();
            if (ms >= 0) {
                states.recordValue(ms);
            }
        }
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e6;
    }

    private void report(int alerts, int alertCars, int loadCars, int loadRate, LoadReport fleet) {
        String text = String.format(
                Locale.ROOT,
                "L3 fatigue event -> task in the console's live queue, with the fleet load running%n"
                        + "fleet: %d cars offered %d telemetry messages/s for the run (%s)%n"
                        + "alerts: %d from %d cars, one in flight per car%n%n"
                        + "                                  count     p50     p90     p99     max (ms)%n"
                        + "event -> task on the queue stream %6d %7.1f %7.1f %7.1f %7.1f%n"
                        + "baseline: sample -> owner stream  %6d %7.1f %7.1f %7.1f %7.1f%n"
                        + "(the baseline runs from the car's sampling time, in ms, to the state event)%n",
                loadCars,
                loadRate,
                String.format(
                        Locale.ROOT,
                        "%d connected, %.0f messages/s acknowledged",
                        fleet.connected(),
                        fleet.throughput()),
                tasks.getTotalCount(),
                alertCars,
                tasks.getTotalCount(),
                ms(tasks, 50),
                ms(tasks, 90),
                ms(tasks, 99),
                tasks.getMaxValue() / 1e6,
                states.getTotalCount(),
                ms(states, 50),
                ms(states, 90),
                ms(states, 99),
                states.getMaxValue() / 1e6);
        double[] x = timeline.stream().mapToDouble(p -> p[0]).toArray();
        double[] y = timeline.stream().mapToDouble(p -> p[1]).toArray();
        String chart = BenchChart.chart(
                "L3 event to the console's queue, each alert",
                "seconds into the run",
                "ms",
                true,
                List.of(),
                List.of(new BenchChart.Series("latency", x, y)));
        JsonObject json = new JsonObject()
                .put("alerts", alerts)
                .put("loadCars", loadCars)
                .put("loadRate", loadRate)
                .put("task", percentiles(tasks))
                .put("baseline", percentiles(states));
        BenchFiles.write(
                "task-latency",
                text,
                json,
                BenchChart.page("L3 fatigue event to the staff console", text, List.of(chart)));
    }

    private static JsonObject percentiles(Histogram h) {
        JsonArray points = new JsonArray();
        for (double p : new double[] {50, 90, 99, 99.9, 100}) {
            points.add(new JsonObject().put("percentile", p).put("ms", h.getValueAtPercentile(p) / 1e6));
        }
        return new JsonObject().put("count", h.getTotalCount()).put("percentiles", points);
    }

    private static void progress(String line) {
        System.out.println("[bench] " + line);
    }
}
