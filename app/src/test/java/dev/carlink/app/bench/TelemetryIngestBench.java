package dev.carlink.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.app.TestSystem;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.load.LoadConfig;
import dev.carlink.simulator.load.LoadReport;
import dev.carlink.simulator.load.LoadRun;
import dev.carlink.simulator.load.SourceAddresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * Telemetry end to end, against two baselines in the same run.
 *
 * <ol>
 *   <li><b>carlink</b>: the whole system (gateway, telemetry, PostgreSQL). The simulator's fleet load mode
 *       publishes realistic {@code Telemetry} (about 20 signals) at QoS 1, open-loop at each offered rate; a
 *       PUBACK comes only once the row is committed, so latency is publish-to-commit. Zero loss is checked by
 *       counting the rows stored against the messages acknowledged.
 *   <li><b>Mosquitto</b> (Debian's package) relaying the same stream from the same load generator to one
 *       subscriber: its PUBACK means "received by the broker", nothing is stored. Relayed messages are counted at
 *       the subscriber.
 *   <li><b>raw COPY</b> of the very rows carlink stored, in chunks of the writer's batch size, into a table of
 *       the same shape: PostgreSQL's fastest load.
 * </ol>
 *
 * <p>Every process runs on this machine; CPU is the whole machine's. Memory: for carlink the peak heap of this JVM
 * (the system and the load generator), for Mosquitto the broker's resident size. {@code mvn -B -Pbench verify -pl app -am
 * -Dit.test=TelemetryIngestBench}; properties {@code bench.ingest.cars} (2000), {@code bench.ingest.rates}
 * (2000,5000,10000,15000), {@code bench.ingest.seconds} (20).
 */
class TelemetryIngestBench {

    private static final int WRITER_BATCH = 500;

    private record Run(
            String system,
            int offered,
            double throughput,
            double p50,
            double p99,
            double cpuPercent,
            double heapMb,
            long acked,
            long lost,
            long counted,
            double relayP99) {

        String line() {
            return String.format(
                    Locale.ROOT,
                    "%-9s offered %6d/s  %8.0f msg/s  p50 %7.1f ms  p99 %7.1f ms  cpu %3.0f%%  mem %5.0f MB  acked %d"
                            + "  lost %d  %s %d%s",
                    system,
                    offered,
                    throughput,
                    p50,
                    p99,
                    cpuPercent,
                    heapMb,
                    acked,
                    lost,
                    system.equals("carlink") ? "rows" : "relayed",
                    counted,
                    Double.isNaN(relayP99) ? "" : String.format(Locale.ROOT, "  relay p99 %.0f ms", relayP99));
        }

        JsonObject json() {
            return new JsonObject()
                    .put("system", system)
                    .put("offeredPerSecond", offered)
                    .put("messagesPerSecond", Math.round(throughput))
                    .put("p50Ms", p50)
                    .put("p99Ms", p99)
                    .put("machineCpuPercent", Math.round(cpuPercent))
                    .put(system.equals("carlink") ? "peakHeapMb" : "brokerResidentMb", Math.round(heapMb))
                    .put("acknowledged", acked)
                    .put("lost", lost)
                    .put(system.equals("carlink") ? "rowsStored" : "relayed", counted)
                    .put("relayP99Ms", Double.isNaN(relayP99) ? null : relayP99);
        }
    }

    @Test
    void ingestAgainstMosquittoAndRawCopy() throws Exception {
        int cars = Integer.getInteger("bench.ingest.cars", 2000);
        List<Integer> rates = BenchProperties.ints("bench.ingest.rates", "2000,5000,10000,15000");
        Duration seconds = Duration.ofSeconds(Integer.getInteger("bench.ingest.seconds", 20));
        Path work = BenchFiles.DIR.resolve("telemetry-ingest");
        List<Run> runs = new ArrayList<>();
        double copyRowsPerSecond;
        long storedRows;
        List<VehicleCredentials> credentials;

        try (TestSystem system = TestSystem.start()) {
            progress("enrolling " + cars + " cars");
            credentials = new ArrayList<>();
            for (int i = 1; i <= cars; i++) {
                credentials.add(system.enrollCar(String.format(Locale.ROOT, "SMCAR%012d", 500_000 + i), "alice"));
            }
            URI gateway = URI.create(system.mqttUri());
            for (int rate : rates) {
                long before = system.count("SELECT count(*) FROM telemetry.telemetry");
                Measured m = measure(() -> new LoadRun(
                                config(gateway, rate, seconds, work), credentials, TelemetryIngestBench::progress)
                        .run());
                long rows = system.count("SELECT count(*) FROM telemetry.telemetry") - before;
                Run run = run("carlink", m, rate, rows, Double.NaN);
                progress(run.line());
                runs.add(run);
                assertThat(m.report.lost())
                        .as("messages sent and never acknowledged")
                        .isZero();
                assertThat(rows).as("rows stored for the messages acknowledged").isEqualTo(m.report.acked());
            }
            storedRows = system.count("SELECT count(*) FROM telemetry.telemetry");
            progress("raw COPY of the " + storedRows + " stored rows, " + WRITER_BATCH + " rows per transaction");
            try (Connection c = system.dataSource().getConnection();
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE telemetry.copy_baseline (LIKE telemetry.telemetry INCLUDING ALL)");
                s.execute("CHECKPOINT");
            }
            List<byte[]> chunks = RawCopy.export(system.dataSource(), "telemetry.telemetry", WRITER_BATCH);
            copyRowsPerSecond = RawCopy.load(system.dataSource(), "telemetry.copy_baseline", chunks);
            progress(String.format(Locale.ROOT, "raw COPY %.0f rows/s", copyRowsPerSecond));
        }

        try (Mosquitto broker = Mosquitto.start(work.resolve("mosquitto"));
                RelaySubscriber subscriber = new RelaySubscriber(broker.uri())) {
            for (int rate : rates) {
                long before = subscriber.received();
                subscriber.takeLatency();
                Measured m = measure(() -> new LoadRun(
                                config(broker.uri(), rate, seconds, work), credentials, TelemetryIngestBench::progress)
                        .run());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (subscriber.received() - before < m.report.acked() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                Histogram relay = subscriber.takeLatency();
                Run run = run(
                        "mosquitto",
                        new Measured(m.report(), m.cpuPercent(), broker.residentMb()),
                        rate,
                        subscriber.received() - before,
                        relay.getValueAtPercentile(99) / 1000.0);
                progress(run.line());
                runs.add(run);
            }
        }
        report(runs, copyRowsPerSecond, storedRows, cars, seconds);
    }

    private interface LoadCall {
        LoadReport call() throws Exception;
    }

    private record Measured(LoadReport report, double cpuPercent, double peakHeapMb) {}

    /** Runs a load while sampling the machine's CPU and this JVM's heap (where the carlink system runs). */
    private static Measured measure(LoadCall load) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        AtomicLong peak = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(
                () -> peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max),
                0,
                200,
                TimeUnit.MILLISECONDS);
        MachineCpu start = MachineCpu.read();
        try {
            LoadReport report = load.call();
            return new Measured(report, MachineCpu.read().busyPercentSince(start), peak.get() / 1e6);
        } finally {
            sampler.shutdownNow();
        }
    }

    private static Run run(String system, Measured m, int rate, long counted, double relayP99) {
        LoadReport r = m.report();
        return new Run(
                system,
                rate,
                keptUp(r),
                r.latency().p50(),
                r.latency().p99(),
                m.cpuPercent(),
                m.peakHeapMb(),
                r.acked(),
                r.lost(),
                counted,
                relayP99);
    }

    /**
     * Messages acknowledged per second while the load was offered (the measured seconds, not the drain after):
     * what the system keeps up with. Past saturation it falls below the offered rate, while the backlog grows.
     */
    private static double keptUp(LoadReport r) {
        int seconds = (int) Math.round(r.seconds());
        return r.series().stream()
                        .filter(s -> s.second() >= 1 && s.second() <= seconds)
                        .mapToLong(LoadReport.Second::ackedPerSecond)
                        .sum()
                / (double) Math.max(1, seconds);
    }

    private static LoadConfig config(URI mqtt, int rate, Duration seconds, Path work) {
        return new LoadConfig(
                mqtt,
                rate,
                seconds,
                Duration.ofSeconds(5),
                Duration.ofSeconds(15),
                1,
                500,
                LoadConfig.DEFAULT_MAX_CONNECTING,
                LoadConfig.DEFAULT_MAX_IN_FLIGHT,
                SourceAddresses.count(2),
                work.resolve("load-" + rate),
                null,
                0);
    }

    private static void report(List<Run> runs, double copy, long storedRows, int cars, Duration seconds) {
        StringBuilder text = new StringBuilder(String.format(
                Locale.ROOT,
                "telemetry end to end: %d cars, QoS 1, %d s per rate (after 5 s warm-up), all on this machine%n",
                cars,
                seconds.toSeconds()));
        runs.forEach(r -> text.append(r.line()).append('\n'));
        text.append(String.format(
                Locale.ROOT,
                "raw COPY of the %d stored rows (%d per transaction): %.0f rows/s%n",
                storedRows,
                WRITER_BATCH,
                copy));
        JsonArray ratios = new JsonArray();
        for (Run ours : runs.stream().filter(r -> r.system().equals("carlink")).toList()) {
            Run broker = runs.stream()
                    .filter(r -> r.system().equals("mosquitto") && r.offered() == ours.offered())
                    .findFirst()
                    .orElse(null);
            double vsBroker = broker == null ? Double.NaN : ours.throughput() / broker.throughput();
            text.append(String.format(
                    Locale.ROOT,
                    "offered %6d/s: carlink/mosquitto %.2f, carlink/raw COPY %.2f%n",
                    ours.offered(),
                    vsBroker,
                    ours.throughput() / copy));
            ratios.add(new JsonObject()
                    .put("offeredPerSecond", ours.offered())
                    .put("overMosquitto", Units.round(vsBroker))
                    .put("overRawCopy", Units.round(ours.throughput() / copy)));
        }
        progress("\n" + text);
        JsonObject json = new JsonObject()
                .put("cars", cars)
                .put("secondsPerRate", seconds.toSeconds())
                .put("runs", new JsonArray(runs.stream().map(Run::json).toList()))
                .put("rawCopyRowsPerSecond", Math.round(copy))
                .put("ratios", ratios);
        String html = BenchChart.page(
                "Telemetry end to end",
                text.toString(),
                List.of(
                        BenchChart.chart(
                                "delivered messages/s by offered rate (raw COPY rows/s as a line)",
                                "offered msg/s",
                                "msg/s",
                                false,
                                List.of(),
                                List.of(
                                        series(runs, "carlink", Run::throughput),
                                        series(runs, "mosquitto", Run::throughput),
                                        new BenchChart.Series(
                                                "raw COPY", offered(runs), constant(offered(runs), copy)))),
                        BenchChart.chart(
                                "p99 latency by offered rate (carlink: publish to commit; mosquitto: publish to PUBACK)",
                                "offered msg/s",
                                "ms",
                                true,
                                List.of(),
                                List.of(series(runs, "carlink", Run::p99), series(runs, "mosquitto", Run::p99)))));
        BenchFiles.write("telemetry-ingest", text.toString(), json, html);
    }

    private static double[] offered(List<Run> runs) {
        return runs.stream()
                .filter(r -> r.system().equals("carlink"))
                .mapToDouble(Run::offered)
                .toArray();
    }

    private static double[] constant(double[] x, double value) {
        double[] y = new double[x.length];
        java.util.Arrays.fill(y, value);
        return y;
    }

    private static BenchChart.Series series(List<Run> runs, String system, java.util.function.ToDoubleFunction<Run> y) {
        List<Run> mine = runs.stream().filter(r -> r.system().equals(system)).toList();
        return new BenchChart.Series(
                system,
                mine.stream().mapToDouble(Run::offered).toArray(),
                mine.stream().mapToDouble(y).toArray());
    }

    private static void progress(String line) {
        System.out.println("[bench] " + line);
    }
}
