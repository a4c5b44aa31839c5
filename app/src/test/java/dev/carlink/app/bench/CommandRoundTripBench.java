package dev.carlink.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.carlink.app.TestSystem;
import dev.carlink.command.CommandServiceConfig;
import dev.carlink.command.CommandServiceConfig.BootstrapUser;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.CarConfig;
import dev.carlink.simulator.car.SimulatedCar;
import dev.carlink.simulator.mqtt.MqttCar;
import dev.carlink.simulator.mqtt.MqttCarConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.junit.jupiter.api.Test;

/**
 * Command round trip through the whole system on this machine: an owner POSTs a CLIMATE_STOP, the backend
 * stores it, signs it and sends it over MQTT, the simulator's car verifies the signature, executes and
 * answers, and the owner's live stream ({@code /api/v1/vehicles/{vin}/stream}) shows SUCCEEDED. Latency runs
 * from the moment the request was due (open-loop, fixed rate: a slow answer never delays the next request)
 * to that stream event.
 *
 * <p>Each offered rate runs twice: the commands, and then the baseline, an authenticated read of the car
 * ({@code GET /api/v1/vehicles/{vin}}) at the same rate, the floor an API round trip costs here.
 *
 * <p>{@code mvn -B -Pbench verify -pl app -am -Dit.test=CommandRoundTripBench}; properties: {@code
 * bench.rates} (100,200,300,400,500), {@code bench.seconds} (20 per rate), {@code bench.cars} (50), {@code
 * bench.warmup.seconds} (40, at 300 commands/s, not reported).
 */
class CommandRoundTripBench {

    private static final int OWNERS = 10;
    private static final Duration SETTLE = Duration.ofSeconds(15);

    private final Recorder perSecond = new Recorder(3);
    private final List<double[]> series = new ArrayList<>(); // t, offered, completed, p50, p99, cpu
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong streamsEnded = new AtomicLong();
    private volatile Phase current;
    private volatile boolean closing;
    private volatile long runStart;

    @Test
    void roundTrip() throws Exception {
        List<Integer> rates = Arrays.stream(
                        System.getProperty("bench.rates", "100,200,300,400,500").split(","))
                .map(String::trim)
                .map(Integer::parseInt)
                .toList();
        int seconds = Integer.getInteger("bench.seconds", 20);
        int carCount = Integer.getInteger("bench.cars", 50);
        List<BootstrapUser> owners = new ArrayList<>();
        for (int i = 0; i < OWNERS; i++) {
            owners.add(new BootstrapUser("owner" + i, "owner" + i + "-bench-pass", "OWNER", "Owner " + i));
        }
        try (TestSystem system = TestSystem.start(c -> c.withRateLimits(
                        // the per-owner ceiling: ten owners share the offered rate
                        new CommandServiceConfig.RateLimits(10_000, 10_000))
                .withBootstrapUsers(concat(c.bootstrapUsers(), owners)))) {
            List<String> tokens = owners.stream()
                    .map(o -> system.login(o.username(), o.password()))
                    .toList();
            progress("enrolling and connecting " + carCount + " cars");
            List<MqttCar> cars = new ArrayList<>();
            Vertx client = Vertx.vertx();
            try {
                for (int i = 0; i < carCount; i++) {
                    String vin = String.format(Locale.ROOT, "BNCHCAR%010d", i);
                    VehicleCredentials credentials =
                            system.enrollCar(vin, owners.get(i % OWNERS).username());
                    SimulatedCar simulated = new SimulatedCar(CarConfig.of(vin), Clock.systemUTC());
                    simulated.park();
                    MqttCar car = new MqttCar(
                            credentials,
                            simulated,
                            MqttCarConfig.of(URI.create(system.mqttUri()))
                                    .withTelemetryInterval(Duration.ofSeconds(1)));
                    car.connect().get(30, TimeUnit.SECONDS);
                    cars.add(car);
                }
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> system.count(
                                        "SELECT count(*) FROM command.vehicles WHERE online AND vin LIKE 'BNCHCAR%'")
                                == carCount);
                // one connection per stream; held in a variable, as Vert.x closes a client nobody references
                HttpClient streams = client.createHttpClient(
                        new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(carCount));
                for (int i = 0; i < carCount; i++) {
                    openStream(
                            streams,
                            system.httpPort(),
                            tokens.get(i % OWNERS),
                            cars.get(i).vin());
                }
                WebClient web = WebClient.create(
                        client,
                        new WebClientOptions()
                                .setDefaultHost("127.0.0.1")
                                .setDefaultPort(system.httpPort())
                                .setKeepAlive(true),
                        new PoolOptions().setHttp1MaxSize(64));
                runStart = System.nanoTime();
                long sampler = client.setPeriodic(1000, id -> sample());
                List<Phase> phases = new ArrayList<>();
                // long enough for the JIT to finish compiling the hot paths (it takes a core for tens of seconds)
                Phase warmUp = new Phase(
                        "warm-up", 300, true, Duration.ofSeconds(Integer.getInteger("bench.warmup.seconds", 40)));
                run(warmUp, web, cars, tokens);
                for (int rate : rates) {
                    Phase commands = new Phase("commands " + rate + "/s", rate, true, Duration.ofSeconds(seconds));
                    run(commands, web, cars, tokens);
                    phases.add(commands);
                    Phase baseline = new Phase("baseline " + rate + "/s", rate, false, Duration.ofSeconds(seconds));
                    run(baseline, web, cars, tokens);
                    phases.add(baseline);
                }
                client.cancelTimer(sampler);
                long ended = streamsEnded.get();
                closing = true;
                streams.close();
                sample();
                report(warmUp, phases, carCount);
                assertThat(ended).as("live streams that ended mid-run").isZero();
                for (Phase p : phases) {
                    assertThat(p.completed.get())
                            .as("%s: every request answered", p.name)
                            .isGreaterThan(0);
                }
            } finally {
                cars.forEach(MqttCar::close);
                client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }

    // ------------------------------------------------------------------------------------------- load

    /** Sends at the phase's fixed rate for its duration, then waits for the stragglers (up to SETTLE). */
    private void run(Phase phase, WebClient web, List<MqttCar> cars, List<String> tokens) {
        progress("phase " + phase.name + " for " + phase.duration.toSeconds() + " s");
        current = phase;
        long total = phase.rate * phase.duration.toSeconds();
        long period = 1_000_000_000L / phase.rate;
        phase.startNanos = System.nanoTime() + 5_000_000;
        phase.cpuAtStart = cpuNanos();
        phase.machineAtStart = MachineCpu.read();
        for (long i = 0; i < total; i++) {
            long due = phase.startNanos + i * period;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int car = (int) (i % cars.size());
            String vin = cars.get(car).vin();
            String token = tokens.get(car % OWNERS);
            phase.sent.incrementAndGet();
            if (phase.commands) {
                sendCommand(phase, web, vin, token, due);
            } else {
                sendRead(phase, web, vin, token, due);
            }
        }
        phase.sendEndNanos = System.nanoTime();
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (phase.completed.get() + phase.failed() < phase.sent.get() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(20_000_000);
        }
        phase.cpuAtEnd = cpuNanos();
        phase.machineAtEnd = MachineCpu.read();
        phase.endNanos = System.nanoTime();
        progress(phase.name + ": " + phase.summaryLine());
    }

    private void sendCommand(Phase phase, WebClient web, String vin, String token, long due) {
        web.post("/api/v1/vehicles/" + vin + "/commands")
                .bearerTokenAuthentication(token)
                .sendJsonObject(new JsonObject().put("type", "CLIMATE_STOP"))
                .onComplete(ar -> {
                    long now = System.nanoTime();
                    if (ar.failed()) {
                        phase.error("http: " + ar.cause().getClass().getSimpleName());
                        return;
                    }
                    if (ar.result().statusCode() != 201) {
                        phase.error("http " + ar.result().statusCode());
                        return;
                    }
                    phase.accepted.recordValue(micros(now - due));
                    String id = ar.result().bodyAsJsonObject().getString("id");
                    pending.compute(id, (k, p) -> (p == null ? new Pending() : p).accepted(phase, due))
                            .settleIfDone(k -> pending.remove(id));
                });
    }

    private void sendRead(Phase phase, WebClient web, String vin, String token, long due) {
        web.get("/api/v1/vehicles/" + vin)
                .bearerTokenAuthentication(token)
                .send()
                .onComplete(ar -> {
                    long now = System.nanoTime();
                    if (ar.failed()) {
                        phase.error("http: " + ar.cause().getClass().getSimpleName());
                    } else if (ar.result().statusCode() != 200) {
                        phase.error("http " + ar.result().statusCode());
                    } else {
                        phase.done(now - due);
                        perSecond.recordValue(micros(now - due));
                    }
                });
    }

    /** The owner's live stream of one car: every terminal command event settles its pending request. */
    private void openStream(HttpClient http, int port, String token, String vin) throws Exception {
        http.request(HttpMethod.GET, port, "127.0.0.1", "/api/v1/vehicles/" + vin + "/stream")
                .compose(
                        req -> req.putHeader("Authorization", "Bearer " + token).send())
                .onSuccess(response -> {
                    RecordParser events = RecordParser.newDelimited("\n\n", this::onEvent);
                    response.handler(events);
                    response.endHandler(v -> streamEnded(vin, "ended"));
                    response.exceptionHandler(e -> streamEnded(vin, e.toString()));
                })
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    private void streamEnded(String vin, String how) {
        if (streamsEnded.incrementAndGet() == 1 && !closing) {
            Phase p = current;
            progress("live stream of " + vin + " " + how + " during " + (p == null ? "setup" : p.name));
        }
    }

    private void onEvent(Buffer frame) {
        String text = frame.toString();
        if (!text.startsWith("event: command\n")) {
            return;
        }
        JsonObject command = new JsonObject(text.substring(text.indexOf("data: ") + "data: ".length()));
        if (command.getBoolean("final", false)) {
            String id = command.getString("id");
            long now = System.nanoTime();
            String outcome = command.getString("status")
                    + (command.getString("reasonCode") == null ? "" : " " + command.getString("reasonCode"));
            pending.compute(id, (k, p) -> (p == null ? new Pending() : p).finished(outcome, now))
                    .settleIfDone(k -> pending.remove(id));
        }
    }

    /** A command whose POST answer and final stream event may arrive in either order. */
    private final class Pending {
        private volatile Phase phase;
        private volatile long due = -1;
        private volatile String outcome;
        private volatile long finishedAt;
        private boolean settled;

        Pending accepted(Phase p, long dueNanos) {
            phase = p;
            due = dueNanos;
            return this;
        }

        Pending finished(String result, long at) {
            outcome = result;
            finishedAt = at;
            return this;
        }

        synchronized void settleIfDone(Consumer<Pending> remove) {
            if (settled || phase == null || outcome == null) {
                return;
            }
            settled = true;
            remove.accept(this);
            if (outcome.equals("SUCCEEDED")) {
                phase.done(finishedAt - due);
                perSecond.recordValue(micros(finishedAt - due));
            } else {
                phase.error(outcome);
            }
        }
    }

    // ---------------------------------------------------------------------------------------- figures

    private static final class Phase {
        final String name;
        final int rate;
        final boolean commands;
        final Duration duration;
        final AtomicLong sent = new AtomicLong();
        final AtomicLong completed = new AtomicLong();
        final Recorder latency = new Recorder(3);
        final Recorder accepted = new Recorder(3);
        final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
        volatile long startNanos;
        volatile long sendEndNanos;
        volatile long endNanos;
        volatile long firstDone = Long.MAX_VALUE;
        volatile long lastDone;
        long cpuAtStart;
        long cpuAtEnd;
        MachineCpu machineAtStart;
        MachineCpu machineAtEnd;
        Histogram latencyTotal;
        Histogram acceptedTotal;

        Phase(String name, int rate, boolean commands, Duration duration) {
            this.name = name;
            this.rate = rate;
            this.commands = commands;
            this.duration = duration;
        }

        synchronized void done(long latencyNanos) {
            completed.incrementAndGet();
            latency.recordValue(micros(latencyNanos));
            long now = System.nanoTime();
            firstDone = Math.min(firstDone, now);
            lastDone = Math.max(lastDone, now);
        }

        void error(String reason) {
            errors.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
        }

        long failed() {
            return errors.values().stream().mapToLong(AtomicLong::get).sum();
        }

        Histogram latency() {
            if (latencyTotal == null) {
                latencyTotal = latency.getIntervalHistogram();
                acceptedTotal = accepted.getIntervalHistogram();
            }
            return latencyTotal;
        }

        double achievedRate() {
            return sent.get() / seconds(sendEndNanos - startNanos);
        }

        double throughput() {
            return completed.get() / seconds(endOfWork() - startNanos);
        }

        private long endOfWork() {
            return Math.max(sendEndNanos, lastDone);
        }

        /** Share of the machine's cores this process used during the phase (backend, cars and load alike). */
        double cpuPercent() {
            int cores = Runtime.getRuntime().availableProcessors();
            return 100.0 * (cpuAtEnd - cpuAtStart) / ((endNanos - startNanos) * (double) cores);
        }

        /** Share of the whole machine in use during the phase: this JVM and PostgreSQL together. */
        double machinePercent() {
            return machineAtEnd.busyPercentSince(machineAtStart);
        }

        String summaryLine() {
            Histogram h = latency();
            return String.format(
                    Locale.ROOT,
                    "sent %d (%.0f/s), ok %d (%.0f/s), p50 %.1f ms, p99 %.1f ms, max %.1f ms, failed %d, "
                            + "cpu %.0f %% (jvm %.0f %%)",
                    sent.get(),
                    achievedRate(),
                    completed.get(),
                    throughput(),
                    ms(h.getValueAtPercentile(50)),
                    ms(h.getValueAtPercentile(99)),
                    ms(h.getMaxValue()),
                    failed(),
                    machinePercent(),
                    cpuPercent());
        }
    }

    private void sample() {
        Histogram h = perSecond.getIntervalHistogram();
        Phase p = current;
        series.add(new double[] {
            seconds(System.nanoTime() - runStart),
            p == null ? 0 : p.rate,
            h.getTotalCount(),
            h.getTotalCount() == 0 ? Double.NaN : ms(h.getValueAtPercentile(50)),
            h.getTotalCount() == 0 ? Double.NaN : ms(h.getValueAtPercentile(99))
        });
    }

    private void report(Phase warmUp, List<Phase> phases, int carCount) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(
                Locale.ROOT,
                "Command round trip: owner POST (CLIMATE_STOP) to SUCCEEDED on the owner's live stream%n"
                        + "%d simulated cars (Paho, each verifying the Ed25519 signature), %d owners, 1 s telemetry "
                        + "per car; backend, database, cars and load in one JVM on %d cores%n%n",
                carCount,
                OWNERS,
                Runtime.getRuntime().availableProcessors()));
        text.append(String.format(
                Locale.ROOT,
                "%-20s %8s %8s %8s %8s %8s %8s %8s %8s %6s %6s  %s%n",
                "phase",
                "offered",
                "sent/s",
                "ok/s",
                "p50 ms",
                "p90 ms",
                "p99 ms",
                "p99.9",
                "max ms",
                "cpu%",
                "jvm%",
                "not ok"));
        JsonArray json = new JsonArray();
        for (Phase p : phases) {
            Histogram h = p.latency();
            text.append(String.format(
                    Locale.ROOT,
                    "%-20s %8d %8.0f %8.0f %8.1f %8.1f %8.1f %8.1f %8.1f %6.0f %6.0f  %s%n",
                    p.name,
                    p.rate,
                    p.achievedRate(),
                    p.throughput(),
                    ms(h.getValueAtPercentile(50)),
                    ms(h.getValueAtPercentile(90)),
                    ms(h.getValueAtPercentile(99)),
                    ms(h.getValueAtPercentile(99.9)),
                    ms(h.getMaxValue()),
                    p.machinePercent(),
                    p.cpuPercent(),
                    p.failed() == 0 ? "0" : new TreeMap<>(p.errors).toString()));
            JsonObject one = new JsonObject()
                    .put("phase", p.name)
                    .put("kind", p.commands ? "command round trip" : "baseline: GET /api/v1/vehicles/{vin}")
                    .put("offeredPerSecond", p.rate)
                    .put("sentPerSecond", round(p.achievedRate()))
                    .put("succeededPerSecond", round(p.throughput()))
                    .put("sent", p.sent.get())
                    .put("succeeded", p.completed.get())
                    .put("p50Ms", ms(h.getValueAtPercentile(50)))
                    .put("p90Ms", ms(h.getValueAtPercentile(90)))
                    .put("p99Ms", ms(h.getValueAtPercentile(99)))
                    .put("p999Ms", ms(h.getValueAtPercentile(99.9)))
                    .put("maxMs", ms(h.getMaxValue()))
                    .put("machineCpuPercent", round(p.machinePercent()))
                    .put("jvmCpuPercent", round(p.cpuPercent()))
                    .put(
                            "notOk",
                            new JsonObject(new TreeMap<>(p.errors)
                                    .entrySet().stream()
                                            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e ->
                                                    (Object) e.getValue().get()))));
            if (p.commands) {
                one.put("acceptedP50Ms", ms(p.acceptedTotal.getValueAtPercentile(50)))
                        .put("acceptedP99Ms", ms(p.acceptedTotal.getValueAtPercentile(99)));
                text.append(String.format(
                        Locale.ROOT,
                        "%-20s POST answered (201, command stored): p50 %.1f ms, p99 %.1f ms%n",
                        "",
                        ms(p.acceptedTotal.getValueAtPercentile(50)),
                        ms(p.acceptedTotal.getValueAtPercentile(99))));
            }
            json.add(one);
        }
        text.append(String.format(
                Locale.ROOT,
                "%nLatency from the moment a request was due (open loop) to SUCCEEDED on the stream (commands) or "
                        + "to the answer (baseline).%ncpu%%: the whole machine busy (all cores); jvm%%: this JVM's "
                        + "share of it (backend, cars and load); the rest is mostly PostgreSQL.%n"));
        List<BenchChart.Band> bands = new ArrayList<>();
        bands.add(new BenchChart.Band(
                "warm-up (not reported)", seconds(warmUp.startNanos - runStart), seconds(warmUp.endNanos - runStart)));
        for (Phase p : phases) {
            bands.add(new BenchChart.Band(p.name, seconds(p.startNanos - runStart), seconds(p.endNanos - runStart)));
        }
        double[] t = column(0);
        String html = BenchChart.page(
                "Command round trip",
                text.toString(),
                List.of(
                        BenchChart.chart(
                                "Requests per second: offered and completed",
                                "seconds into the run",
                                "per second",
                                false,
                                bands,
                                List.of(
                                        new BenchChart.Series("offered", t, column(1)),
                                        new BenchChart.Series("completed", t, column(2)))),
                        BenchChart.chart(
                                "Latency per second, due to done",
                                "seconds into the run",
                                "ms",
                                true,
                                bands,
                                List.of(
                                        new BenchChart.Series("p50", t, column(3)),
                                        new BenchChart.Series("p99", t, column(4))))));
        BenchFiles.write(
                "command-round-trip",
                text.toString(),
                new JsonObject().put("cars", carCount).put("phases", json),
                html);
    }

    private double[] column(int index) {
        return series.stream().mapToDouble(row -> row[index]).toArray();
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static List<BootstrapUser> concat(List<BootstrapUser> a, List<BootstrapUser> b) {
        List<BootstrapUser> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static void progress(String line) {
        System.out.println("[bench] " + line);
    }

    private static long micros(long nanos) {
        return Math.max(0, nanos / 1000);
    }

    private static double ms(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
