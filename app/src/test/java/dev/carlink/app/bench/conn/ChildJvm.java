package dev.carlink.app.bench.conn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a main class of this build in a JVM of its own, on the benchmark's own class path (passed in an
 * argument file: the path is long). A process of its own is how a benchmark keeps one side's sockets and heap
 * out of the other's: a process may hold at most 20,000 files here, and heap is measured per process.
 */
final class ChildJvm {

    private ChildJvm() {}

    /**
     * @param properties system properties ({@code -Dkey=value})
     * @param log where the child's stdout and stderr go, or null to read stdout from the process (stderr is then
     *     appended to {@code name.err} next to the argument file)
     */
    static Process start(
            String name,
            Path workDir,
            String mainClass,
            List<String> jvmOptions,
            Map<String, String> properties,
            List<String> args,
            Path log) {
        try {
            Files.createDirectories(workDir);
            Path argFile = workDir.resolve(name + ".args");
            Files.writeString(argFile, "-cp\n\"" + System.getProperty("java.class.path") + "\"\n");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("@" + argFile.toAbsolutePath());
            command.addAll(jvmOptions);
            properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
            command.add(mainClass);
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
            if (log != null) {
                builder.redirectErrorStream(true).redirectOutput(log.toFile());
            } else {
                builder.redirectError(workDir.resolve(name + ".err").toFile());
            }
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Stops a child and everything it started (the embedded PostgreSQL of a server): politely, then not. */
    static void stop(Process process, long politeSeconds) {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(politeSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
                descendants.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The resident set size of a process, from {@code /proc/<pid>/status} (Linux). */
    static long residentBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code jcmd <pid> <command>} (from this JDK) and returns what it printed. */
    static String jcmd(long pid, String... command) {
        List<String> line = new ArrayList<>();
        line.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        line.add(String.valueOf(pid));
        line.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", line) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
