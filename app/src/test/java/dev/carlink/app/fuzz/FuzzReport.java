package dev.carlink.app.fuzz;

import static dev.carlink.app.fuzz.FuzzSupport.line;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The fuzz run's summary as text: printed, and written to the module's target/fuzz/summary.txt. */
record FuzzReport(
        FuzzSettings settings,
        double seconds,
        MqttFuzzer mqtt,
        CoapFuzzer coap,
        List<LegitCar> cars,
        Map<String, Long> rows,
        Map<String, Boolean> online,
        Probes probes,
        ResourceWatch resources,
        LogWatch logs,
        Map<String, Double> metrics,
        long mqttSessionsAfter,
        long udpReceiveDrops,
        String histogram) {

    static final Path FILE = Path.of("target", "fuzz", "summary.txt");

    String text() {
        StringBuilder out = new StringBuilder();
        line(out, "carlink fuzz run: seed %d, %.0f s of fuzzing", settings.seed(), seconds);
        line(out, "settings: %s", settings);
        line(out, "");
        line(out, "%-8s %12s %9s %9s %12s %10s", "protocol", "tried", "seconds", "per s", "carriers", "MB sent");
        line(
                out,
                "%-8s %,12d %9.0f %,9.0f %,12d %,10.1f   (TCP connections)",
                "MQTT",
                mqtt.packets.get(),
                mqtt.seconds,
                mqtt.packets.get() / Math.max(1e-3, mqtt.seconds),
                mqtt.connections.get(),
                mqtt.bytes.get() / 1e6);
        line(
                out,
                "%-8s %,12d %9.0f %,9.0f %,12d %,10.1f   (UDP source ports)",
                "CoAP",
                coap.datagrams.get(),
                coap.seconds,
                coap.datagrams.get() / Math.max(1e-3, coap.seconds),
                coap.sockets.get(),
                coap.bytes.get() / 1e6);
        line(out, "%-8s %,12d %9.0f", "total", mqtt.packets.get() + coap.datagrams.get(), seconds);
        line(out, "");
        line(
                out,
                "MQTT connections: %,d opened; %,d accepted (CONNACK 0), %,d refused, %,d closed before a CONNACK,"
                        + " %,d without a CONNACK in 5 s; after the CONNACK %,d closed by the gateway, %,d sent all"
                        + " their packets, %,d stalled 3 s; %,d TCP connects failed; %.1f MB received",
                mqtt.connections.get(),
                mqtt.accepted.get(),
                mqtt.refused.get(),
                mqtt.closedBeforeConnAck.get(),
                mqtt.noConnAck.get(),
                mqtt.closedByGateway.get(),
                mqtt.ranToEnd.get(),
                mqtt.stalled.get(),
                mqtt.connectFailures.get(),
                mqtt.bytesReceived.get() / 1e6);
        line(
                out,
                "CoAP answers: %,d (empty ACK or RST %,d, of them RST %,d; 2.xx %,d; 4.xx %,d; 5.xx %,d; other %,d);"
                        + " send buffer full %,d times; kernel UDP receive-buffer drops during the run: %s",
                coap.answers.get(),
                coap.answersByClass.get(0),
                coap.resets.get(),
                coap.answersByClass.get(2),
                coap.answersByClass.get(4),
                coap.answersByClass.get(5),
                coap.answers.get()
                        - coap.answersByClass.get(0)
                        - coap.answersByClass.get(2)
                        - coap.answersByClass.get(4)
                        - coap.answersByClass.get(5),
                coap.sendBufferFull.get(),
                udpReceiveDrops < 0 ? "unknown" : String.format(Locale.ROOT, "%,d", udpReceiveDrops));
        line(out, "");
        line(out, "legitimate cars, sending throughout the run");
        line(
                out,
                "%-18s %-10s %7s %7s %7s %12s %7s %9s",
                "vin",
                "protocol",
                "sent",
                "acked",
                "stored",
                "max latency",
                "online",
                "problems");
        for (LegitCar car : cars) {
            line(
                    out,
                    "%-18s %-10s %,7d %,7d %,7d %9d ms %7s %9d",
                    car.vin,
                    car.protocol,
                    car.sent.get(),
                    car.acked.get(),
                    rows.getOrDefault(car.vin, -1L),
                    car.maxLatencyMs.get(),
                    online.getOrDefault(car.vin, false) ? "yes" : "NO",
                    car.problems.size());
            car.problems.stream().limit(5).forEach(p -> line(out, "    %s", p));
        }
        line(
                out,
                "%-18s %-10s %,7d %,7d %,7d",
                "all",
                "",
                cars.stream().mapToLong(c -> c.sent.get()).sum(),
                cars.stream().mapToLong(c -> c.acked.get()).sum(),
                rows.values().stream().mapToLong(Long::longValue).sum());
        line(
                out,
                "newcomers (a fresh MQTT connection and a fresh CoAP login every 5 s): MQTT %d ok (slowest %d ms),"
                        + " CoAP %d ok (slowest %d ms), %d failed",
                probes.mqttOk.get(),
                probes.mqttMaxMs.get(),
                probes.coapOk.get(),
                probes.coapMaxMs.get(),
                probes.failures.size());
        probes.failures.stream().limit(5).forEach(f -> line(out, "    %s", f));
        line(out, "");
        ResourceWatch.Sample start = resources.first();
        ResourceWatch.Sample end = resources.last();
        ResourceWatch.Sample max = resources.maxHeap();
        line(
                out,
                "heap after a collection: start %d MB, max %d MB (at %d s), end %d MB; bound start + %d MB + the CoAP"
                        + " duplicate store (%,.0f requests at %d bytes: %d MB); JVM max heap %d MB (start and end after"
                        + " a forced full collection, the samples in between after the JVM's own latest)",
                start.heapMb(),
                max.heapMb(),
                max.second(),
                end.heapMb(),
                settings.heapSlackMb(),
                dedupEntries(),
                GatewayFuzz.DEDUP_ENTRY_BYTES,
                GatewayFuzz.dedupMb(dedupEntries()),
                resources.heapMaxMb());
        line(
                out,
                "  series: %s",
                resources.samples.stream()
                        .map(s -> String.format(Locale.ROOT, "%d s %d MB", s.second(), s.heapMb()))
                        .collect(Collectors.joining(" | ")));
        line(
                out,
                "collection pauses the JVM took by itself: %,d, %.1f s in all, the longest %,d ms; machine load average"
                        + " (1 min): highest %.1f on %d cores",
                resources.pauses(),
                resources.pauseMillis() / 1e3,
                resources.longestPauseMillis(),
                resources.maxLoad(),
                Runtime.getRuntime().availableProcessors());
        line(
                out,
                "threads: start %d, peak %d, end %d; bound start + %d",
                start.threads(),
                resources.peakThreads(),
                end.threads(),
                settings.threadSlack());
        if (!histogram.isEmpty()) {
            line(out, "what the heap holds at the end (live objects, largest classes first):");
            line(out, "%s", histogram);
        }
        line(out, "what carlink logged about the legitimate cars (INFO and below, during the run):");
        logs.aboutWatchedCars.forEach(l -> line(out, "  %s", l));
        line(out, "gateway after the run: %d MQTT sessions open (the legitimate cars')", mqttSessionsAfter);
        line(
                out,
                "gateway metrics: %s",
                metrics.entrySet().stream()
                        .map(e -> String.format(Locale.ROOT, "%s %,.0f", e.getKey(), e.getValue()))
                        .collect(Collectors.joining(", ")));
        FuzzSupport.logSection(out, logs);
        return out.toString();
    }

    private double dedupEntries() {
        return metrics.getOrDefault("carlink_gateway_coap_dedup_size", 0.0);
    }

    /** Prints the summary and writes it to target/fuzz/summary.txt. */
    void write() {
        FuzzSupport.writeSummary(FILE, text());
    }
}
