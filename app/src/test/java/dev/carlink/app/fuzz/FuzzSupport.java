package dev.carlink.app.fuzz;

import dev.carlink.app.TestSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;

/** What the fuzz runs share: progress lines, daemon threads, metrics read from /metrics, summary text. */
final class FuzzSupport {

    private FuzzSupport() {}

    /** A progress line of the run, on the console (the test's own output, not the system's log). */
    static void progress(String line) {
        System.out.println("[fuzz] " + line);
    }

    static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    static String heapLine(ResourceWatch.Sample s) {
        return String.format(
                Locale.ROOT,
                "%4d s  %s: heap after a collection %,d MB, %d threads",
                s.second(),
                s.label(),
                s.heapMb(),
                s.threads());
    }

    /** Sums a metric's series in the Prometheus text of /metrics (all its tags). */
    static double metric(TestSystem system, String name) {
        double sum = 0;
        for (String line : system.get(null, "/metrics").body().split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    static void line(StringBuilder out, String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append(System.lineSeparator());
    }

    static String indent(String text) {
        String[] lines = text.split("\\R");
        return lines.length <= 10
                ? String.join(System.lineSeparator() + "      ", lines)
                : String.join(System.lineSeparator() + "      ", Arrays.copyOf(lines, 10)) + " ...";
    }

    /** Live threads by name, digits blanked ({@code vert.x-worker-thread-#}): what a thread count is made of. */
    static java.util.Map<String, Long> threadsByName() {
        return Thread.getAllStackTraces().keySet().stream()
                .collect(java.util.stream.Collectors.groupingBy(
                        t -> t.getName().replaceAll("[0-9]+", "#"),
                        java.util.TreeMap::new,
                        java.util.stream.Collectors.counting()));
    }

    /** Prints a run's summary and writes it to {@code file}. */
    static void writeSummary(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println();
        System.out.println(text);
        System.out.println("written: " + file.toAbsolutePath());
    }

    /** The log section of a summary: counts, then each group of WARN and ERROR events with its first occurrence. */
    static void logSection(StringBuilder out, LogWatch logs) {
        line(
                out,
                "log while fuzzing: %,d ERROR, %,d WARN; %,d with an exception that escaped carlink's code into a"
                        + " library; %,d more on the test's own client threads",
                logs.errors.get(),
                logs.warnings.get(),
                logs.escapedFromCarlink.get(),
                logs.fromTestClients.get());
        List<LogWatch.Group> groups = logs.groups().values().stream()
                .sorted(Comparator.comparingLong((LogWatch.Group g) -> g.count.get())
                        .reversed())
                .toList();
        groups.forEach(g -> line(out, "  %,8d %-5s %s", g.count.get(), g.level, g.summary));
        if (!groups.isEmpty()) {
            line(out, "first occurrence of each:");
            groups.stream().limit(15).forEach(g -> line(out, "  %s", indent(g.first)));
        }
    }
}
