package dev.carlink.app.fuzz;

import static dev.carlink.app.fuzz.FuzzSupport.line;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The HTTP fuzz run's summary as text: printed, and written to the module's target/fuzz/http-summary.txt. */
record HttpFuzzReport(
        HttpFuzzSettings settings,
        int operations,
        HttpFuzzer fuzzer,
        HttpLegitOwner owner,
        boolean servedAfter,
        Map<String, Long> before,
        Map<String, Long> after,
        ResourceWatch resources,
        LogWatch logs,
        String histogram) {

    static final Path FILE = Path.of("target", "fuzz", "http-summary.txt");

    String text() {
        StringBuilder out = new StringBuilder();
        long shots = fuzzer.tried.values().stream()
                .mapToLong(java.util.concurrent.atomic.AtomicLong::get)
                .sum();
        line(
                out,
                "carlink HTTP fuzz run: seed %d, %.0f s of fuzzing, %d documented operations",
                settings.seed(),
                fuzzer.seconds,
                operations);
        line(out, "settings: %s", settings);
        line(
                out,
                "%,d shots (%,d requests, pipelines counted by their requests), %,.0f per s, %,d TCP connections,"
                        + " %.1f MB sent",
                shots,
                fuzzer.requests.get(),
                shots / Math.max(1e-3, fuzzer.seconds),
                fuzzer.connections.get(),
                fuzzer.bytes.get() / 1e6);
        line(out, "");
        line(out, "%-9s %9s %9s %9s %9s %9s %9s", "kind", "tried", "2xx", "3xx", "4xx", "5xx", "no answer");
        for (HttpFuzzer.Kind k : HttpFuzzer.Kind.values()) {
            int at = k.ordinal() * 6;
            line(
                    out,
                    "%-9s %,9d %,9d %,9d %,9d %,9d %,9d",
                    k.name().toLowerCase(java.util.Locale.ROOT),
                    fuzzer.tried.get(k).get(),
                    fuzzer.answers.get(at + 2),
                    fuzzer.answers.get(at + 3),
                    fuzzer.answers.get(at + 4),
                    fuzzer.answers.get(at + 5),
                    fuzzer.answers.get(at));
        }
        line(
                out,
                "%-9s %,9d %,9d %,9d %,9d %,9d %,9d",
                "all",
                shots,
                fuzzer.answered(2),
                fuzzer.answered(3),
                fuzzer.answered(4),
                fuzzer.answered(5),
                fuzzer.answered(0));
        line(
                out,
                "answers by status: %s",
                new TreeMap<>(fuzzer.byStatus)
                        .entrySet().stream()
                                .map(e -> String.format(
                                        java.util.Locale.ROOT,
                                        "%d: %,d",
                                        e.getKey(),
                                        e.getValue().get()))
                                .collect(Collectors.joining(", ")));
        line(
                out,
                "501 to a request line of an unknown HTTP version (Vert.x core, before any handler): %,d",
                fuzzer.versionRefusals.get());
        line(out, "");
        line(
                out,
                "failures: %,d in all, %d distinct (each with its first example; the exact bytes in %s)",
                fuzzer.failed.get(),
                fuzzer.failures().size(),
                HttpFuzzer.FAILURES);
        for (HttpFuzzer.Failure f : fuzzer.failures()) {
            line(out, "  %,8d  %s: %s", f.count.get(), f.check, f.where);
            line(out, "            first: shot %d, replay: %s", f.shot, f.file);
            line(out, "            sent: %s", f.example);
            line(out, "            answer: %s", f.answer);
        }
        line(out, "");
        line(
                out,
                "legitimate owner (bob, a command and a read of it every %d ms): %,d commands, %,d reads, slowest"
                        + " round %,d ms, %d problems; served after the run: %s",
                settings.legitIntervalMs(),
                owner.commands.get(),
                owner.reads.get(),
                owner.maxMs.get(),
                owner.problems.size(),
                servedAfter ? "yes" : "NO");
        owner.problems.stream().limit(10).forEach(p -> line(out, "    %s", p));
        line(out, "what no fuzz caller may change (before -> after):");
        before.forEach((k, v) -> line(
                out, "  %-90s %,d -> %,d%s", k, v, after.get(k), Objects.equals(v, after.get(k)) ? "" : " (changed)"));
        line(out, "");
        ResourceWatch.Sample start = resources.first();
        ResourceWatch.Sample end = resources.last();
        line(
                out,
                "heap after a forced full collection: start %d MB, end %d MB (bound start + %d MB); the JVM's own"
                        + " collections left at most %d MB; JVM max heap %d MB",
                start.heapMb(),
                end.heapMb(),
                settings.heapSlackMb(),
                resources.maxHeap().heapMb(),
                resources.heapMaxMb());
        line(
                out,
                "collection pauses: %,d, %.1f s in all, the longest %,d ms; machine load average (1 min): highest %.1f"
                        + " on %d cores",
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
        FuzzSupport.logSection(out, logs);
        return out.toString();
    }

    /** Prints the summary and writes it to target/fuzz/http-summary.txt. */
    void write() {
        FuzzSupport.writeSummary(FILE, text());
    }
}
