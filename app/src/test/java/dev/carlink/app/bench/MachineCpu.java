package dev.carlink.app.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's CPU counters from {@code /proc/stat} (Linux): busy and total jiffies over all cores. */
record MachineCpu(long busy, long total) {

    static MachineCpu read() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]); // idle + iowait
            return new MachineCpu(total - idle, total);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The 1-minute load average ({@code /proc/loadavg}): how much else this shared machine is running. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    double busyPercentSince(MachineCpu start) {
        long total = this.total - start.total;
        return total <= 0 ? 0 : 100.0 * (busy - start.busy) / total;
    }
}
