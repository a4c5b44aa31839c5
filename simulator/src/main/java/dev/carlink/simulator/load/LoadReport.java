package dev.carlink.simulator.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a load run measured: totals, latency percentiles, errors by reason, and a per-second series. */
public record LoadReport(
        String target,
        int cars,
        int connected,
        int connectFailed,
        int reconnects,
        int qos,
        double targetRate,
        double seconds,
        long intended,
        long sent,
        long acked,
        long lost,
        long duplicates,
        long notSent,
        Latency latency,
        Map<String, Long> errors,
        List<Second> series) {

    /** Latency percentiles in milliseconds, from the intended send time to the PUBACK. */
    public record Latency(long count, double p50, double p90, double p99, double p999, double max) {}

    /** One second of the run. */
    public record Second(
            int second,
            long sentPerSecond,
            long ackedPerSecond,
            double p50,
            double p99,
            long outstanding,
            int connected) {}

    /** Acknowledged messages per second over the measured time. */
    public double throughput() {
        return seconds > 0 ? (qos == 1 ? acked : sent) / seconds : 0;
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
        b.append(String.format(Locale.ROOT, "load report: %s%n", target));
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
                "  rate         target %.0f msg/s, achieved %.0f msg/s %s over %.1f s%n",
                targetRate,
                throughput(),
                qos == 1 ? "acknowledged" : "sent",
                seconds));
        b.append(String.format(
                Locale.ROOT,
                "  messages     %d due, %d sent, %d acknowledged, %d lost, %d duplicated, %d never sent%n",
                intended,
                sent,
                acked,
                lost,
                duplicates,
                notSent));
        if (qos == 1) {
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
                .put("connected", s.connected())));
        JsonObject errorsJson = new JsonObject();
        errors.forEach(errorsJson::put);
        return new JsonObject()
                .put("target", target)
                .put("cars", cars)
                .put("connected", connected)
                .put("connectFailed", connectFailed)
                .put("reconnects", reconnects)
                .put("qos", qos)
                .put("targetRate", targetRate)
                .put("seconds", this.seconds)
                .put("throughput", throughput())
                .put(
                        "messages",
                        new JsonObject()
                                .put("due", intended)
                                .put("sent", sent)
                                .put("acknowledged", acked)
                                .put("lost", lost)
                                .put("duplicated", duplicates)
                                .put("neverSent", notSent))
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
                .put("series", seconds);
    }
}
