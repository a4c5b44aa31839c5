package dev.carlink.simulator.load;

import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.CarConfig;
import dev.carlink.simulator.car.SimulatedCar;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Runs a fleet load: connects every car at the connect rate, sends telemetry open-loop at the fixed rate through
 * the warm-up and the measured duration, drains outstanding acknowledgements, prints a progress line a second,
 * and writes {@code report.json} and {@code report.html} to the report directory. All cars share one Vert.x
 * instance with an event loop per core; the calling thread only paces the seconds and reads counters.
 */
public final class LoadRun {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final LoadConfig config;
    private final List<VehicleCredentials> credentials;
    private final Consumer<String> progress;
    private final LoadStats stats = new LoadStats();
    private CoapEndpoints coapEndpoints;

    /**
     * @param progress receives one line a second while connecting and sending (the CLI prints them)
     */
    public LoadRun(LoadConfig config, List<VehicleCredentials> credentials, Consumer<String> progress) {
        if (credentials.isEmpty()) {
            throw new IllegalArgumentException("a load needs at least one car");
        }
        this.config = config;
        this.credentials = List.copyOf(credentials);
        this.progress = progress;
    }

    /** Runs the load to its end and returns the report, also written to the report directory. */
    public LoadReport run() throws IOException, InterruptedException {
        int loops = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), credentials.size()));
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        try (CoapEndpoints coap = new CoapEndpoints()) {
            coapEndpoints = coap;
            List<LoadShard> shards = shards(loops);
            connect(vertx, shards);
            if (stats.connected.get() == 0) {
                return report(List.of());
            }
            return send(shards);
        } finally {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                progress.accept("warning: the load's connections did not all close cleanly: " + e.getMessage());
            }
        }
    }

    private List<LoadShard> shards(int count) {
        List<LoadShard> shards = new ArrayList<>();
        int perShard = (credentials.size() + count - 1) / count;
        boolean coap = "coap".equals(config.mqtt().getScheme());
        String host = config.mqtt().getHost();
        int port = config.mqtt().getPort() >= 0 ? config.mqtt().getPort() : coap ? 5683 : 1883;
        for (int first = 0; first < credentials.size(); first += perShard) {
            List<ShardCar> cars = new ArrayList<>();
            for (int i = first; i < Math.min(first + perShard, credentials.size()); i++) {
                VehicleCredentials c = credentials.get(i);
                SimulatedCar car = new SimulatedCar(CarConfig.of(c.vin()), Clock.systemUTC());
                car.park();
                cars.add(
                        coap
                                ? new CoapLoadCar(c, car, stats, config.maxInFlight(), coapEndpoints, i)
                                : new LoadCar(c, car, stats, config.maxInFlight(), config.qos()));
            }
            double share = (double) cars.size() / credentials.size();
            shards.add(
                    new LoadShard(cars, config.sourceAddresses(), first, host, port, config.connectRate() * share, (int)
                            Math.max(1, Math.round(config.maxConnecting() * share))));
        }
        return shards;
    }

    private void connect(Vertx vertx, List<LoadShard> shards) throws InterruptedException {
        List<Future<String>> deployed =
                shards.stream().map(vertx::deployVerticle).toList();
        CompletableFuture<?> all = Future.join(deployed).toCompletionStage().toCompletableFuture();
        long started = System.nanoTime();
        while (true) {
            try {
                all.get(1, TimeUnit.SECONDS);
                break;
            } catch (TimeoutException e) {
                progress.accept(String.format(
                        Locale.ROOT,
                        "connecting: %5.0fs  %d/%d connected, %d failed",
                        (System.nanoTime() - started) / 1e9,
                        stats.connected.get(),
                        credentials.size(),
                        stats.connectFailed.get()));
            } catch (ExecutionException e) {
                // a car's failure is counted by the car; the ramp itself does not fail
                break;
            }
        }
        progress.accept(String.format(
                Locale.ROOT,
                "connected: %d/%d cars in %.1f s, %d failed",
                stats.connected.get(),
                credentials.size(),
                (System.nanoTime() - started) / 1e9,
                stats.connectFailed.get()));
    }

    private LoadReport send(List<LoadShard> shards) throws IOException, InterruptedException {
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long measureFrom = start + config.warmup().toNanos();
        long end = measureFrom + config.duration().toNanos();
        long drainUntil = end + config.drain().toNanos();
        int active = shards.stream().mapToInt(LoadShard::activeCars).sum();
        int firstActive = 0;
        for (LoadShard shard : shards) {
            shard.startSending(config.rate(), active, firstActive, start, measureFrom, end);
            firstActive += shard.activeCars();
        }
        List<LoadReport.Second> series = new ArrayList<>();
        long lastSent = 0;
        long lastAcked = 0;
        boolean stormed = config.stormAt() == null;
        // seconds are counted from the start of the measured time: the warm-up's are zero or negative
        long second = -(config.warmup().toNanos() / SECOND);
        while (measureFrom + second * SECOND <= start) {
            second++;
        }
        while (true) {
            long tick = measureFrom + second * SECOND;
            waitUntil(tick);
            if (!stormed && tick - measureFrom >= config.stormAt().toNanos()) {
                stormed = true;
                progress.accept(String.format(
                        Locale.ROOT,
                        "reconnect storm: %.0f %% of the cars drop their connections and reconnect",
                        config.stormFraction() * 100));
                shards.forEach(s -> s.reconnectStorm(config.stormFraction()));
            }
            long sent = stats.sent.get();
            long acked = stats.acked.get();
            long outstanding = config.qos() == 1 ? sent - acked : 0;
            int backlog = backlogged(shards);
            String phase = tick <= measureFrom ? "warm-up" : tick <= end ? "measure" : "drain";
            LatencyRecorder.Interval interval =
                    tick <= measureFrom ? new LatencyRecorder.Interval(0, 0, 0) : stats.latency.closeInterval();
            if (tick > measureFrom) {
                series.add(new LoadReport.Second(
                        (int) second,
                        sent - lastSent,
                        acked - lastAcked,
                        interval.p50(),
                        interval.p99(),
                        outstanding,
                        backlog,
                        stats.connected.get()));
            }
            progress.accept(String.format(
                    Locale.ROOT,
                    "t=%4ds %-7s  connected %d  sent %6d/s  acked %6d/s  p50 %8.2f ms  p99 %8.2f ms"
                            + "  outstanding %6d  backlog %6d  errors %d",
                    second,
                    phase,
                    stats.connected.get(),
                    sent - lastSent,
                    acked - lastAcked,
                    interval.p50(),
                    interval.p99(),
                    outstanding,
                    backlog,
                    stats.errorCount()));
            lastSent = sent;
            lastAcked = acked;
            // not at the end's own tick: a message due at the very end may still be on its way to the socket,
            // neither counted sent nor outstanding yet (the report then missed it now and then)
            if (tick > end && (outstanding == 0 && backlog == 0 || tick >= drainUntil)) {
                break;
            }
            second++;
        }
        for (LoadShard shard : shards) {
            int dropped = join(shard.stopSending());
            stats.notSent.addAndGet(dropped);
            if (dropped > 0) {
                stats.error("backlog not sent before the drain ended", dropped);
            }
        }
        return report(series);
    }

    private static void waitUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException("load run interrupted");
            }
        }
    }

    private static int backlogged(List<LoadShard> shards) {
        return shards.stream().mapToInt(s -> join(s.backlogged())).sum();
    }

    private static int join(Future<Integer> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("a load shard did not answer: " + e.getMessage(), e);
        }
    }

    private LoadReport report(List<LoadReport.Second> series) throws IOException {
        long sent = stats.sent.get();
        long acked = stats.acked.get();
        boolean sentAnything = !series.isEmpty();
        LoadReport report = new LoadReport(
                config,
                credentials.size(),
                stats.connected.get(),
                stats.connectFailed.get(),
                stats.reconnects.get(),
                sentAnything ? config.duration().toMillis() / 1000.0 : 0,
                stats.intended.get(),
                sent,
                acked,
                config.qos() == 1 ? Math.max(0, sent - acked) : 0,
                stats.duplicates.get(),
                stats.notSent.get(),
                stats.backlogged.get(),
                stats.measured.get(),
                stats.latency.total(),
                stats.errors(),
                List.copyOf(series));
        Files.createDirectories(config.reportDir());
        Files.writeString(
                config.reportDir().resolve("report.json"), report.toJson().encodePrettily());
        Files.writeString(config.reportDir().resolve("report.html"), LoadChart.html(report));
        return report;
    }
}
