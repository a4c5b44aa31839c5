package dev.carlink.app.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The results of a chaos run, one row per fault, as a Markdown table (printed, and written after every row so
 * that a run cut short still leaves what it measured).
 */
final class ChaosTable {

    private static final String HEADER =
            "| fault | lasted s | stream back s | telemetry due | stored | lost | duplicated"
                    + " | unacked | commands asked | final | lost | run twice | no reason | outcomes | verdict |\n"
                    + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n";

    private final Path file;
    private final List<String> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    ChaosTable(Path file) {
        this.file = file;
    }

    synchronized void add(String code, String fault, Duration lasted, Duration recovered, ChaosFleet.Counts c) {
        CommandDriver.Tally t = c.commands();
        boolean pass = c.telemetryLost() == 0
                && c.telemetryDuplicated() == 0
                && c.telemetryUnacknowledged() == 0
                && t.lost() == 0
                && t.executedTwice() == 0
                && t.withoutReason() == 0;
        String outcomes =
                t.byStatus().entrySet().stream().map(Map.Entry::toString).collect(Collectors.joining(" "));
        rows.add(String.format(
                Locale.ROOT,
                "| %s: %s | %.1f | %.1f | %,d | %,d | %d | %d | %d | %d | %d | %d | %d | %d | %s | %s |",
                code,
                fault,
                lasted.toMillis() / 1000.0,
                recovered.toMillis() / 1000.0,
                c.load().intended(),
                c.rows(),
                c.telemetryLost(),
                c.telemetryDuplicated(),
                c.telemetryUnacknowledged(),
                t.requested(),
                t.created() - t.notFinal(),
                t.lost(),
                t.executedTwice(),
                t.withoutReason(),
                outcomes,
                pass ? "pass" : "FAIL"));
        write();
    }

    synchronized void addNote(String code, String note) {
        notes.add("- " + code + ": " + note);
        write();
    }

    synchronized String render() {
        StringBuilder out = new StringBuilder("Chaos run, ")
                .append(Instant.now())
                .append("\n\n")
                .append(HEADER);
        rows.forEach(r -> out.append(r).append('\n'));
        if (!notes.isEmpty()) {
            out.append('\n');
            notes.forEach(n -> out.append(n).append('\n'));
        }
        return out.toString();
    }

    private void write() {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, render());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
