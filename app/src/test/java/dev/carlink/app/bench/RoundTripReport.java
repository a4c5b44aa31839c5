package dev.carlink.app.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/** The round-trip benchmark's figures: a table per phase, JSON, and charts of rate and latency over time. */
final class RoundTripReport {

    private RoundTripReport() {}

    static void write(
            RoundTripPhase warmUp,
            List<RoundTripPhase> phases,
            int carCount,
            int owners,
            List<double[]> series,
            long runStart) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(
                Locale.ROOT,
                "Command round trip: owner POST (CLIMATE_STOP) to SUCCEEDED on the owner's live stream%n"
                        + "%d simulated cars (Paho, each verifying the Ed25519 signature), %d owners, 1 s telemetry "
                        + "per car; backend, database, cars and load in one JVM on %d cores%n%n",
                carCount,
                owners,
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
        for (RoundTripPhase p : phases) {
            Histogram h = p.latency();
            text.append(String.format(
                    Locale.ROOT,
                    "%-20s %8d %8.0f %8.0f %8.1f %8.1f %8.1f %8.1f %8.1f %6.0f %6.0f  %s%n",
                    p.name,
                    p.rate,
                    p.achievedRate(),
                    p.throughput(),
                    Units.ms(h.getValueAtPercentile(50)),
                    Units.ms(h.getValueAtPercentile(90)),
                    Units.ms(h.getValueAtPercentile(99)),
                    Units.ms(h.getValueAtPercentile(99.9)),
                    Units.ms(h.getMaxValue()),
                    p.machinePercent(),
                    p.cpuPercent(),
                    p.failed() == 0 ? "0" : new TreeMap<>(p.errors).toString()));
            JsonObject one = new JsonObject()
                    .put("phase", p.name)
                    .put("kind", p.commands ? "command round trip" : "baseline: GET /api/v1/vehicles/{vin}")
                    .put("offeredPerSecond", p.rate)
                    .put("sentPerSecond", Units.round(p.achievedRate()))
                    .put("succeededPerSecond", Units.round(p.throughput()))
                    .put("sent", p.sent.get())
                    .put("succeeded", p.completed.get())
                    .put("p50Ms", Units.ms(h.getValueAtPercentile(50)))
                    .put("p90Ms", Units.ms(h.getValueAtPercentile(90)))
                    .put("p99Ms", Units.ms(h.getValueAtPercentile(99)))
                    .put("p999Ms", Units.ms(h.getValueAtPercentile(99.9)))
                    .put("maxMs", Units.ms(h.getMaxValue()))
                    .put("machineCpuPercent", Units.round(p.machinePercent()))
                    .put("jvmCpuPercent", Units.round(p.cpuPercent()))
                    .put(
                            "notOk",
                            new JsonObject(new TreeMap<>(p.errors)
                                    .entrySet().stream()
                                            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e ->
                                                    (Object) e.getValue().get()))));
            if (p.commands) {
                one.put("acceptedP50Ms", Units.ms(p.acceptedTotal.getValueAtPercentile(50)))
                        .put("acceptedP99Ms", Units.ms(p.acceptedTotal.getValueAtPercentile(99)));
                text.append(String.format(
                        Locale.ROOT,
                        "%-20s POST answered (201, command stored): p50 %.1f ms, p99 %.1f ms%n",
                        "",
                        Units.ms(p.acceptedTotal.getValueAtPercentile(50)),
                        Units.ms(p.acceptedTotal.getValueAtPercentile(99))));
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
                "warm-up (not reported)",
                Units.seconds(warmUp.startNanos - runStart),
                Units.seconds(warmUp.endNanos - runStart)));
        for (RoundTripPhase p : phases) {
            bands.add(new BenchChart.Band(
                    p.name, Units.seconds(p.startNanos - runStart), Units.seconds(p.endNanos - runStart)));
        }
        double[] t = column(series, 0);
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
                                        new BenchChart.Series("offered", t, column(series, 1)),
                                        new BenchChart.Series("completed", t, column(series, 2)))),
                        BenchChart.chart(
                                "Latency per second, due to done",
                                "seconds into the run",
                                "ms",
                                true,
                                bands,
                                List.of(
                                        new BenchChart.Series("p50", t, column(series, 3)),
                                        new BenchChart.Series("p99", t, column(series, 4))))));
        BenchFiles.write(
                "command-round-trip",
                text.toString(),
                new JsonObject().put("cars", carCount).put("phases", json),
                html);
    }

    private static double[] column(List<double[]> series, int index) {
        return series.stream().mapToDouble(row -> row[index]).toArray();
    }
}
