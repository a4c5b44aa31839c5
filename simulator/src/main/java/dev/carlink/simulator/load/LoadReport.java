package dev.carlink.simulator.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a load run measured: totals, latency percentiles, errors by reason, and a per-second series; rendered as
 * text for the terminal and as JSON for {@code report.json}.
 *
 * @param config the run's settings
 * @param cars cars in the fleet
 * @param connected cars connected at the end
 * @param connectFailed cars that never connected
 * @param reconnects connections lost and taken up again
 * @param seconds the measured time (after the warm-up); 0 when nothing was sent
 * @param intended messages due, warm-up included
 * @param sent messages written to a connection
 * @param acked messages acknowledged (QoS 1)
 * @param lost messages sent but never acknowledged (QoS 1)
 * @param duplicates acknowledgements for a packet that was not outstanding
 * @param notSent messages due but never written
 * @param backlogged messages that found their car's in-flight window full when due, and waited
 * @param measured messages due in the measured time and acknowledged (QoS 1) or sent (QoS 0)
 * @param latency intended send time to PUBACK of the measured messages
 * @param errors errors by reason
 * @param series one entry per second from the start of the measured time, drain included
 */
public record LoadReport(
        LoadConfig config,
        int cars,
        int connected,
        int connectFailed,
        int reconnects,
        double seconds,
        long intended,
        long sent,
        long acked,
        long lost,
        long duplicates,
        long notSent,
        long backlogged,
        long measured,
        Latency latency,
        Map<String, Long> errors,
        List<Second> series) {

    public LoadReport {
        errors = Collections.unmodifiableMap(new TreeMap<>(errors));
        series = List.copyOf(series);
    }

    /** Latency percentiles in milliseconds, from the intended send time to the PUBACK. */
    public record Latency(long count, double p50, double p90, double p99, double p999, double max) {}

    /**
     * One second of the run: messages sent and acknowledged in it, its latency p50 and p99 (ms), and at its end
     * the messages awaiting a PUBACK, the due messages waiting for room in a car's in-flight window, and the
     * connected cars.
     */
    public record Second(
            int second,
            long sentPerSecond,
            long ackedPerSecond,
            double p50,
            double p99,
            long outstanding,
            long backlogged,
            int connected) {}

    /** Messages per second over the measured time: acknowledged ones at QoS 1, sent ones at QoS 0. */
    public double throughput() {
        return seconds > 0 ? measured / seconds : 0;
    }

    /** The run is clean: every car connected, every message sent and acknowledged once, no errors. */
    public boolean passed() {
        return connectFailed == 0 && lost == 0 && duplicates == 0 && notSent == 0 && errors.isEmpty();
    }

    /** Why {@link #passed()} is false, one reason per entry. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (connectFailed > 0) {
            out.add(connectFailed + " car(s) could not connect");
        }
        if (connected == 0 && connectFailed == cars) {
            out.add("no car could connect to " + config.mqtt() + ", so nothing was sent");
        }
        if (lost > 0) {
            out.add(lost + " message(s) sent but never acknowledged");
        }
        if (duplicates > 0) {
            out.add(duplicates + " duplicate acknowledgement(s)");
        }
        if (notSent > 0) {
            out.add(notSent + " due message(s) never sent");
        }
        errors.forEach((reason, count) -> out.add(count + " x " + reason));
        return out;
    }

    public String toText() {
        StringBuilder b = new StringBuilder();
        int qos = config.qos();
        b.append(String.format(Locale.ROOT, "load report: %s%n", config.mqtt()));
        b.append(String.format(
                Locale.ROOT,
                "  cars         %d (%d connected, %d failed, %d reconnects), QoS %d%n",
                cars,
                connected,
                connectFailed,
                reconnects,
                qos));
        b.append(String.format(
                Locale.ROOT,
                "  rate         target %.0f msg/s, achieved %.0f msg/s %s over %.1f s (after %.1f s warm-up)%n",
                config.rate(),
                throughput(),
                qos == 1 ? "acknowledged" : "sent",
                seconds,
                config.warmup().toMillis() / 1000.0));
        b.append(String.format(
                Locale.ROOT,
                "  messages     %d due, %d sent, %d acknowledged, %d lost, %d duplicated, %d never sent"
                        + " (%d waited for the in-flight window)%n",
                intended,
                sent,
                acked,
                lost,
                duplicates,
                notSent,
                backlogged));
        if (config.qos() == 1 && latency.count() == 0) {
            b.append("  latency      nothing acknowledged to measure\n");
        } else if (config.qos() == 1) {
            b.append(String.format(
                    Locale.ROOT,
                    "  latency ms   p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  (intended send -> PUBACK)%n",
                    latency.p50(),
                    latency.p90(),
                    latency.p99(),
                    latency.p999(),
                    latency.max()));
        } else {
            b.append("  latency      not measured at QoS 0 (no acknowledgement)\n");
        }
        if (errors.isEmpty()) {
            b.append("  errors       none\n");
        } else {
            errors.forEach(
                    (reason, count) -> b.append(String.format(Locale.ROOT, "  error        %d x %s%n", count, reason)));
        }
        b.append(passed() ? "  result       PASS\n" : "  result       FAIL: " + String.join("; ", problems()) + "\n");
        return b.toString();
    }

    public JsonObject toJson() {
        JsonArray seconds = new JsonArray();
        series.forEach(s -> seconds.add(new JsonObject()
                .put("second", s.second())
                .put("sentPerSecond", s.sentPerSecond())
                .put("ackedPerSecond", s.ackedPerSecond())
                .put("p50Ms", s.p50())
                .put("p99Ms", s.p99())
                .put("outstanding", s.outstanding())
                .put("backlogged", s.backlogged())
                .put("connected", s.connected())));
        JsonObject errorsJson = new JsonObject();
        errors.forEach(errorsJson::put);
        return new JsonObject()
                .put("config", config.toJson())
                .put(
                        "cars",
                        new JsonObject()
                                .put("total", cars)
                                .put("connected", connected)
                                .put("connectFailed", connectFailed)
                                .put("reconnects", reconnects))
                .put("seconds", this.seconds)
                .put(
                        "throughput",
                        new JsonObject()
                                .put("targetPerSecond", config.rate())
                                .put("achievedPerSecond", throughput())
                                .put("measuredMessages", measured))
                .put(
                        "messages",
                        new JsonObject()
                                .put("due", intended)
                                .put("sent", sent)
                                .put("acknowledged", acked)
                                .put("lost", lost)
                                .put("duplicated", duplicates)
                                .put("neverSent", notSent)
                                .put("backlogged", backlogged))
                .put(
                        "latencyMs",
                        new JsonObject()
                                .put("count", latency.count())
                                .put("p50", latency.p50())
                                .put("p90", latency.p90())
                                .put("p99", latency.p99())
                                .put("p99.9", latency.p999())
                                .put("max", latency.max()))
                .put("errors", errorsJson)
                .put("passed", passed())
                .put("problems", new JsonArray(problems()))
                .put("series", seconds);
    }
}
