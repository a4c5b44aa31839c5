package dev.carlink.app.bench;

import dev.carlink.app.bench.conn.ProcessCpu;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * This JVM's CPU time by kind of thread, from {@code /proc/self/task} (Linux): Vert.x workers (blocking work:
 * JDBC, hashing, signing), event loops (sockets, MQTT, event bus), the JIT compilers, the garbage collector,
 * and the rest. Unlike execution samples it also sees the JVM's own threads. A thread that ends between two
 * snapshots is not counted.
 */
final class ThreadCpu {

    private static final List<String> KINDS = List.of(
            "Vert.x worker threads",
            "Vert.x event loops",
            "JIT compilers",
            "garbage collector and VM thread",
            "other threads");

    /** One thread's kind and its user and system nanoseconds so far. */
    record Used(String kind, long user, long system) {}

    private ThreadCpu() {}

    /** Every live thread of this JVM, by thread id. */
    static Map<Long, Used> now() {
        Map<Long, Used> out = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            tasks.forEach(task -> {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    long[] used = ProcessCpu.userAndSystem(task.resolve("stat"));
                    out.put(Long.parseLong(task.getFileName().toString()), new Used(kind(name), used[0], used[1]));
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static String kind(String name) {
        if (name.startsWith("vert.x-worker")) {
            return KINDS.get(0);
        }
        if (name.startsWith("vert.x-eventloo") || name.startsWith("vert.x-acceptor")) {
            return KINDS.get(1);
        }
        if (name.startsWith("C2 Compiler") || name.startsWith("C1 Compiler")) {
            return KINDS.get(2);
        }
        if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread")) {
            return KINDS.get(3);
        }
        return KINDS.get(4);
    }

    /** CPU used between two snapshots per kind, in ms per unit (e.g. per car), and how much in the kernel. */
    static String perUnit(Map<Long, Used> before, Map<Long, Used> after, int units) {
        Map<String, long[]> sums = new LinkedHashMap<>();
        KINDS.forEach(k -> sums.put(k, new long[2]));
        after.forEach((tid, used) -> {
            Used earlier = before.getOrDefault(tid, new Used(used.kind(), 0, 0));
            long[] sum = sums.get(used.kind());
            sum[0] += used.user() - earlier.user();
            sum[1] += used.system() - earlier.system();
        });
        StringBuilder b = new StringBuilder();
        sums.forEach((kind, used) -> b.append(String.format(
                Locale.ROOT,
                "%8.2f ms  %s (%.2f ms of it in the kernel)%n",
                (used[0] + used[1]) / 1e6 / units,
                kind,
                used[1] / 1e6 / units)));
        return b.toString();
    }
}
