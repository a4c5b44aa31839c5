package dev.carlink.app.bench.conn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** CPU time processes have used, from {@code /proc} (Linux): what a step cost each process on a shared machine. */
public final class ProcessCpu {

    private ProcessCpu() {}

    /** User and system time of one process so far (100 ticks a second); 0 once it is gone. */
    public static long nanos(long pid) {
        return fromStat(Path.of("/proc", String.valueOf(pid), "stat"));
    }

    /** User and system time from a {@code stat} file: a process's, or a thread's ({@code /proc/<pid>/task/<tid>}). */
    public static long fromStat(Path statFile) {
        long[] userSystem = userAndSystem(statFile);
        return userSystem[0] + userSystem[1];
    }

    /** User time and system (kernel) time, in nanoseconds, from a {@code stat} file; zeros once it is gone. */
    public static long[] userAndSystem(Path statFile) {
        try {
            String stat = Files.readString(statFile);
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command: the state is field 3, utime field 14 and stime field 15 (100 ticks a second)
            return new long[] {Long.parseLong(f[11]) * 10_000_000L, Long.parseLong(f[12]) * 10_000_000L};
        } catch (IOException e) {
            return new long[2];
        }
    }

    /** This JVM's CPU time so far. */
    public static long self() {
        return nanos(ProcessHandle.current().pid());
    }

    /**
     * A PostgreSQL cluster's CPU time so far: its postmaster and every process it started (backends,
     * writers). The postmaster runs detached from whoever started it, so it is found through its pid file.
     */
    public static long postgres(Path dataDirectory) {
        return postmaster(dataDirectory)
                .map(p -> nanos(p.pid())
                        + p.descendants().mapToLong(d -> nanos(d.pid())).sum())
                .orElse(0L);
    }

    /** The running postmaster of a data directory, if any. */
    static Optional<ProcessHandle> postmaster(Path dataDirectory) {
        try {
            Path pidFile = dataDirectory.resolve("postmaster.pid");
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }
}
