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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * Runs a fleet load: connects every car at the connect rate, sends telemetry open-loop at the fixed rate for
 * the duration, drains outstanding acknowledgements, prints a progress line a second, and writes
 * {@code report.json} and {@code report.html} to the report directory.
 */
public final class LoadRun {

    private final LoadConfig config;
    private final List<VehicleCredentials> credentials;
    private final Consumer<String> progress;
    private final LoadStats stats = new LoadStats();

    public LoadRun(LoadConfig config, List<VehicleCredentials> credentials, Consumer<String> progress) {
        if (credentials.isEmpty()) {
            throw new IllegalArgumentException("a load needs at least one car");
        }
        this.config = config;
        this.credentials = List.copyOf(credentials);
        this.progress = progress;
    }

    public LoadReport run() throws IOException, InterruptedException {
        int loops = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), credentials.size()));
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        try {
            List<LoadShard> shards = shards(loops);
            connect(vertx, shards);
            if (stats.connected.get() == 0) {
                return report(0, List.of(), new Histogram(3));
            }
            return send(shards);
        } finally {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                progress.accept("warning: the load's connections did not all close cleanly: " + e.getMessage());
            }
        }
    }

    private List<LoadShard> shards(int count) {
        List<LoadShard> shards = new ArrayList<>();
        int perShard = (credentials.size() + count - 1) / count;
        String host = config.mqtt().getHost();
        int port = config.mqtt().getPort() < 0 ? 1883 : config.mqtt().getPort();
        for (int first = 0; first < credentials.size(); first += perShard) {
            List<LoadCar> cars = new ArrayList<>();
            for (VehicleCredentials c : credentials.subList(first, Math.min(first + perShard, credentials.size()))) {
                SimulatedCar car = new SimulatedCar(CarConfig.of(c.vin()), Clock.systemUTC());
                car.park();
                cars.add(new LoadCar(c, car, stats, config.maxInFlight(), config.qos()));
            }
            double share = (double) cars.size() / credentials.size();
            shards.add(new LoadShard(
                    cars,
                    config.sourceAddresses(),
                    first,
                    host,
                    port,
                    config.connectRate() * share,
                    config.rate() * share));
        }
        return shards;
    }

    private void connect(Vertx vertx, List<LoadShard> shards) throws InterruptedException {
        List<Future<String>> deployed =
                shards.stream().map(vertx::deployVerticle).toList();
        var all = Future.join(deployed).toCompletionStage().toCompletableFuture();
        while (!all.isDone()) {
            Thread.sleep(1000);
            progress.accept(String.format(
                    Locale.ROOT,
                    "connecting: %d/%d connected, %d failed",
                    stats.connected.get(),
                    credentials.size(),
                    stats.connectFailed.get()));
        }
        progress.accept(String.format(
                Locale.ROOT,
                "connected: %d/%d cars, %d failed",
                stats.connected.get(),
                credentials.size(),
                stats.connectFailed.get()));
    }

    private LoadReport send(List<LoadShard> shards) throws IOException, InterruptedException {
        long start = System.nanoTime() + Duration.ofMillis(100).toNanos();
        long end = start + config.duration().toNanos();
        shards.forEach(s -> s.startSending(start, end));
        stats.interval();
        Histogram total = new Histogram(3);
        List<LoadReport.Second> series = new ArrayList<>();
        long lastSent = 0;
        long lastAcked = 0;
        long drainUntil = end + config.drain().toNanos();
        int second = 0;
        boolean stormed = config.stormAt() == null;
        while (true) {
            Thread.sleep(1000);
            second++;
            if (!stormed && System.nanoTime() - start >= config.stormAt().toNanos()) {
                stormed = true;
                progress.accept(String.format(
                        Locale.ROOT,
                        "reconnect storm: %.0f %% of the cars drop their connections and reconnect",
                        config.stormFraction() * 100));
                shards.forEach(s -> s.reconnectStorm(config.stormFraction()));
            }
            Histogram interval = stats.interval();
            total.add(interval);
            long sent = stats.sent.get();
            long acked = stats.acked.get();
            long outstanding = config.qos() == 1 ? sent - acked : 0;
            series.add(new LoadReport.Second(
                    second,
                    sent - lastSent,
                    acked - lastAcked,
                    millis(interval.getValueAtPercentile(50)),
                    millis(interval.getValueAtPercentile(99)),
                    outstanding,
                    stats.connected.get()));
            progress.accept(String.format(
                    Locale.ROOT,
                    "t=%3ds  sent %6d/s  acked %6d/s  p50 %7.2f ms  p99 %7.2f ms  outstanding %5d  connected %d  errors %d",
                    second,
                    sent - lastSent,
                    acked - lastAcked,
                    millis(interval.getValueAtPercentile(50)),
                    millis(interval.getValueAtPercentile(99)),
                    outstanding,
                    stats.connected.get(),
                    stats.errors().values().stream().mapToLong(Long::longValue).sum()));
            lastSent = sent;
            lastAcked = acked;
            long now = System.nanoTime();
            if (now >= end && (outstanding == 0 && backlogged(shards) == 0 || now >= drainUntil)) {
                break;
            }
        }
        for (LoadShard shard : shards) {
            int dropped = join(shard.stopSending());
            stats.notSent.addAndGet(dropped);
            if (dropped > 0) {
                stats.error("backlog not sent before the drain ended");
            }
        }
        total.add(stats.interval());
        return report(config.duration().toNanos() / 1e9, series, total);
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

    private LoadReport report(double seconds, List<LoadReport.Second> series, Histogram total) throws IOException {
        long sent = stats.sent.get();
        long acked = stats.acked.get();
        LoadReport report = new LoadReport(
                config.mqtt().toString(),
                credentials.size(),
                stats.connected.get(),
                stats.connectFailed.get(),
                stats.reconnects.get(),
                config.qos(),
                config.rate(),
                seconds,
                stats.intended.get(),
                sent,
                acked,
                config.qos() == 1 ? Math.max(0, sent - acked) : 0,
                stats.duplicates.get(),
                stats.notSent.get(),
                new LoadReport.Latency(
                        total.getTotalCount(),
                        millis(total.getValueAtPercentile(50)),
                        millis(total.getValueAtPercentile(90)),
                        millis(total.getValueAtPercentile(99)),
                        millis(total.getValueAtPercentile(99.9)),
                        millis(total.getMaxValue())),
                stats.errors(),
                List.copyOf(series));
        Files.createDirectories(config.reportDir());
        Files.writeString(
                config.reportDir().resolve("report.json"), report.toJson().encodePrettily());
        Files.writeString(config.reportDir().resolve("report.html"), LoadChart.html(report));
        return report;
    }

    private static double millis(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }
}
