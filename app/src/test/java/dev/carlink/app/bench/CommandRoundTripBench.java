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
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    /** One row a second, from a timer thread: seconds into the run, offered rate, completed, p50, p99. */
    private final List<double[]> series = java.util.Collections.synchronizedList(new ArrayList<>());

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong streamsEnded = new AtomicLong();
    private volatile RoundTripPhase current;
    private volatile boolean closing;
    private volatile long runStart;

    @Test
    void roundTrip() throws Exception {
        List<Integer> rates = BenchProperties.ints("bench.rates", "100,200,300,400,500");
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
                                    .withTelemetryInterval(Duration.ofSeconds(1))
                                    .withTcpNoDelay(true));
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
                List<RoundTripPhase> phases = new ArrayList<>();
                // long enough for the JIT to finish compiling the hot paths (it takes a core for tens of seconds)
                RoundTripPhase warmUp = new RoundTripPhase(
                        "warm-up", 300, true, Duration.ofSeconds(Integer.getInteger("bench.warmup.seconds", 40)));
                run(warmUp, web, cars, tokens);
                for (int rate : rates) {
                    RoundTripPhase commands =
                            new RoundTripPhase("commands " + rate + "/s", rate, true, Duration.ofSeconds(seconds));
                    run(commands, web, cars, tokens);
                    phases.add(commands);
                    RoundTripPhase baseline =
                            new RoundTripPhase("baseline " + rate + "/s", rate, false, Duration.ofSeconds(seconds));
                    run(baseline, web, cars, tokens);
                    phases.add(baseline);
                }
                client.cancelTimer(sampler);
                long ended = streamsEnded.get();
                closing = true;
                streams.close();
                sample();
                RoundTripReport.write(warmUp, phases, carCount, OWNERS, series, runStart);
                assertThat(ended).as("live streams that ended mid-run").isZero();
                for (RoundTripPhase p : phases) {
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
    private void run(RoundTripPhase phase, WebClient web, List<MqttCar> cars, List<String> tokens) {
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

    private void sendCommand(RoundTripPhase phase, WebClient web, String vin, String token, long due) {
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
                    phase.accepted.recordValue(Units.micros(now - due));
                    String id = ar.result().bodyAsJsonObject().getString("id");
                    pending.compute(id, (k, p) -> (p == null ? new Pending() : p).accepted(phase, due))
                            .settleIfDone(k -> pending.remove(id));
                });
    }

    private void sendRead(RoundTripPhase phase, WebClient web, String vin, String token, long due) {
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
                        perSecond.recordValue(Units.micros(now - due));
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
            RoundTripPhase p = current;
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
        private volatile RoundTripPhase phase;
        private volatile long due = -1;
        private volatile String outcome;
        private volatile long finishedAt;
        private boolean settled;

        Pending accepted(RoundTripPhase p, long dueNanos) {
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
                perSecond.recordValue(Units.micros(finishedAt - due));
            } else {
                phase.error(outcome);
            }
        }
    }

    // ---------------------------------------------------------------------------------------- figures

    private void sample() {
        Histogram h = perSecond.getIntervalHistogram();
        RoundTripPhase p = current;
        series.add(new double[] {
            Units.seconds(System.nanoTime() - runStart),
            p == null ? 0 : p.rate,
            h.getTotalCount(),
            h.getTotalCount() == 0 ? Double.NaN : Units.ms(h.getValueAtPercentile(50)),
            h.getTotalCount() == 0 ? Double.NaN : Units.ms(h.getValueAtPercentile(99))
        });
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
}
