package dev.carlink.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.app.TestSystem;
import dev.carlink.app.bench.BenchChart;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The soak: the fleet load at half the measured peak (10,000 msg/s on this machine, README) for 30 minutes,
 * with the owner's commands running throughout, sampling every 10 s live threads, open file descriptors, the
 * gateway's connections and the database pool's, and once a minute the live heap after a full collection. Passes
 * when nothing is lost or run twice (as in {@link FaultsChaos}) and each of them is flat: the last five
 * minutes against the five after the first five. Draws them all to {@code target/chaos/soak.html}.
 */
class FleetSoak {

    private static final Logger log = LoggerFactory.getLogger(FleetSoak.class);
    private static final Path OUT = Path.of("target", "chaos");

    /**
     * One sample: besides the gauges, the longest pause of a collection the soak did not force itself since the
     * sample before, and the checkpoints PostgreSQL has completed, to tell a pause of the JVM from a stall of the
     * database when the rows stored per second dip.
     */
    private record Sample(
            double minute,
            double heapMb,
            int threads,
            long fds,
            double connections,
            double dbActive,
            long rows,
            long pauseMs,
            long checkpoints) {}

    @Test
    void halfPeakRateForThirtyMinutes_keepsMemoryThreadsAndConnectionsFlat_andLosesNothing() throws Exception {
        Duration length = Duration.ofMinutes(Long.getLong("soak.minutes", 30));
        double rate = Double.parseDouble(System.getProperty("soak.rate", "5000"));
        int cars = Integer.getInteger("soak.cars", 1000);
        ChaosFleet.Shape shape = new ChaosFleet.Shape(cars, rate, length, 6, Duration.ofMillis(2500));
        List<Sample> samples = new ArrayList<>();
        java.util.concurrent.atomic.AtomicLong sampled = new java.util.concurrent.atomic.AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        ChaosTable table = new ChaosTable(OUT.resolve("soak-results.md"));
        GcPauses pauses = GcPauses.watch();
        try (TestSystem system = TestSystem.start()) {
            long start = System.nanoTime();
            ChaosFleet.Counts counts;
            try (ChaosFleet fleet = new ChaosFleet(
                    system,
                    "SKSK",
                    URI.create(system.mqttUri()),
                    shape,
                    Files.createDirectories(OUT.resolve("soak")),
                    () -> "http://127.0.0.1:" + system.httpPort())) {
                sampler.scheduleAtFixedRate(
                        () -> {
                            Sample s = sample(
                                    system,
                                    fleet,
                                    pauses,
                                    (System.nanoTime() - start) / 60e9,
                                    sampled.getAndIncrement() % 6 == 0);
                            synchronized (samples) {
                                samples.add(s);
                            }
                            log.info(
                                    "soak {} min: live heap {} MB, threads {}, fds {}, cars connected {},"
                                            + " db connections in use {}, rows {}, longest GC pause {} ms,"
                                            + " checkpoints {}",
                                    String.format(Locale.ROOT, "%.1f", s.minute()),
                                    String.format(Locale.ROOT, "%.0f", s.heapMb()),
                                    s.threads(),
                                    s.fds(),
                                    (long) s.connections(),
                                    (long) s.dbActive(),
                                    s.rows(),
                                    s.pauseMs(),
                                    s.checkpoints());
                        },
                        0,
                        10,
                        TimeUnit.SECONDS);
                Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> fleet.storedRows() > 0);
                counts = fleet.finish(Duration.ofMinutes(3));
            } finally {
                sampler.shutdownNow();
            }
            List<Sample> all;
            synchronized (samples) {
                all = List.copyOf(samples);
            }
            double minutes = length.toMinutes();
            Window early = window(all, 5, Math.min(10, minutes / 2));
            Window late = window(all, minutes - 5, minutes);
            String flatness = String.format(
                    Locale.ROOT,
                    "live heap %.0f -> %.0f MB, threads %.0f -> %.0f, fds %.0f -> %.0f, connections %.0f -> %.0f",
                    early.heapMb,
                    late.heapMb,
                    early.threads,
                    late.threads,
                    early.fds,
                    late.fds,
                    early.connections,
                    late.connections);
            table.add(
                    "SOAK",
                    String.format(Locale.ROOT, "%.0f msg/s for %d min, %d cars", rate, length.toMinutes(), cars),
                    length,
                    Duration.ZERO,
                    counts);
            table.addNote("SOAK", flatness + " (minutes 5-10 against the last 5)");
            table.addNote("SOAK", pauses.summary());
            draw(all, table.render());
            log.info("soak results\n{}", table.render());

            assertThat(counts.telemetryLost()).as("telemetry lost").isZero();
            assertThat(counts.telemetryDuplicated()).as("telemetry duplicated").isZero();
            assertThat(counts.telemetryUnacknowledged())
                    .as("telemetry never acknowledged")
                    .isZero();
            assertThat(counts.commands().lost())
                    .as("commands lost " + counts.commands().examples())
                    .isZero();
            assertThat(counts.commands().executedTwice())
                    .as("commands executed twice")
                    .isZero();
            assertThat(late.heapMb).as(flatness).isLessThanOrEqualTo(early.heapMb * 1.25 + 64);
            assertThat(late.threads).as(flatness).isLessThanOrEqualTo(early.threads + 8);
            assertThat(late.fds).as(flatness).isLessThanOrEqualTo(early.fds + 32);
            assertThat(late.connections).as(flatness).isEqualTo(early.connections);
        }
    }

    /** Means over a stretch of the run, in minutes from its start. */
    private record Window(double heapMb, double threads, double fds, double connections) {}

    private static Window window(List<Sample> samples, double from, double to) {
        List<Sample> in = samples.stream()
                .filter(s -> s.minute() >= from && s.minute() <= to)
                .toList();
        if (in.isEmpty()) {
            throw new AssertionError("no samples between minute " + from + " and " + to);
        }
        return new Window(
                in.stream()
                        .mapToDouble(Sample::heapMb)
                        .filter(v -> !Double.isNaN(v))
                        .average()
                        .orElseThrow(),
                in.stream().mapToDouble(Sample::threads).average().orElseThrow(),
                in.stream().mapToDouble(Sample::fds).average().orElseThrow(),
                in.stream().mapToDouble(Sample::connections).average().orElseThrow());
    }

    private static Sample sample(TestSystem system, ChaosFleet fleet, GcPauses pauses, double minute, boolean collect) {
        // the live heap, after a full collection once a minute: what a pool says its last collection left is
        // stale for the old generation (a young collection does not update it), which read 21 MB for 20 minutes
        // and then jumped to 166 MB at the first mixed collection in the first soak
        double liveMb = Double.NaN;
        if (collect) {
            System.gc();
            liveMb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6;
        }
        long fds;
        try (Stream<Path> open = Files.list(Path.of("/proc/self/fd"))) {
            fds = open.count();
        } catch (IOException e) {
            fds = -1;
        }
        String metrics = system.get(null, "/metrics").body();
        long rows;
        try {
            rows = fleet.storedRows();
        } catch (RuntimeException e) {
            rows = -1;
        }
        long checkpoints;
        try {
            // PostgreSQL 17's view; -1 on an external server without it
            checkpoints = system.count("SELECT num_timed + num_requested FROM pg_stat_checkpointer");
        } catch (RuntimeException e) {
            checkpoints = -1;
        }
        return new Sample(
                minute,
                liveMb,
                ManagementFactory.getThreadMXBean().getThreadCount(),
                fds,
                metric(metrics, "carlink_gateway_connections"),
                metric(metrics, "hikaricp_connections_active"),
                rows,
                pauses.longestSinceLastAsked(),
                checkpoints);
    }

    /** The sum of a metric's series in the Prometheus text, NaN when it is absent. */
    private static double metric(String text, String name) {
        return text.lines()
                .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .reduce(Double::sum)
                .orElse(Double.NaN);
    }

    /** The rows stored per second since the sample before; NaN where either count failed. */
    private static double[] rowsPerSecond(List<Sample> samples) {
        double[] y = new double[samples.size()];
        java.util.Arrays.fill(y, Double.NaN);
        for (int i = 1; i < y.length; i++) {
            Sample a = samples.get(i - 1);
            Sample b = samples.get(i);
            y[i] = a.rows() < 0 || b.rows() < 0 ? Double.NaN : (b.rows() - a.rows()) / ((b.minute() - a.minute()) * 60);
        }
        return y;
    }

    private static void draw(List<Sample> samples, String summary) throws IOException {
        double[] x = samples.stream().mapToDouble(Sample::minute).toArray();
        List<String> charts = List.of(
                BenchChart.chart(
                        "Live heap, after a full collection once a minute",
                        "minutes",
                        "MB",
                        false,
                        List.of(),
                        List.of(new BenchChart.Series(
                                "live heap",
                                x,
                                samples.stream().mapToDouble(Sample::heapMb).toArray()))),
                BenchChart.chart(
                        "Threads, open files, connections",
                        "minutes",
                        "",
                        false,
                        List.of(),
                        List.of(
                                new BenchChart.Series(
                                        "live threads",
                                        x,
                                        samples.stream()
                                                .mapToDouble(Sample::threads)
                                                .toArray()),
                                new BenchChart.Series(
                                        "open file descriptors",
                                        x,
                                        samples.stream()
                                                .mapToDouble(Sample::fds)
                                                .toArray()),
                                new BenchChart.Series(
                                        "cars connected",
                                        x,
                                        samples.stream()
                                                .mapToDouble(Sample::connections)
                                                .toArray()),
                                new BenchChart.Series(
                                        "database connections in use",
                                        x,
                                        samples.stream()
                                                .mapToDouble(Sample::dbActive)
                                                .toArray()))),
                BenchChart.chart(
                        "Telemetry rows stored per second, between samples",
                        "minutes",
                        "rows/s",
                        false,
                        List.of(),
                        List.of(new BenchChart.Series("rows/s", x, rowsPerSecond(samples)))),
                BenchChart.chart(
                        "Longest pause of a collection the soak did not force, between samples",
                        "minutes",
                        "ms",
                        false,
                        List.of(),
                        List.of(new BenchChart.Series(
                                "pause",
                                x,
                                samples.stream().mapToDouble(Sample::pauseMs).toArray()))),
                BenchChart.chart(
                        "PostgreSQL checkpoints completed",
                        "minutes",
                        "",
                        false,
                        List.of(),
                        List.of(new BenchChart.Series(
                                "checkpoints",
                                x,
                                samples.stream()
                                        .mapToDouble(s -> s.checkpoints() < 0 ? Double.NaN : s.checkpoints())
                                        .toArray()))));
        Files.writeString(OUT.resolve("soak.html"), BenchChart.page("carlink soak", summary, charts));
    }
}
