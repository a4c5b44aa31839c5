package dev.carlink.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * The embedded PostgreSQL of a {@link TestSystem}, stopped, killed and started again the way an operator or a
 * crash would: {@code pg_ctl} from the embedded installation, on the same data directory, with the options the
 * server was started with (read from {@code postmaster.opts}).
 */
public final class PostgresControl {

    private final Path data;
    private final List<String> startOptions;

    public PostgresControl(TestSystem system) {
        this.data = system.embeddedDataDirectory();
        this.startOptions = startOptions(data);
    }

    /** A fast shutdown (open transactions are rolled back), waiting until it is down. */
    public void stop() {
        pgCtl("stop", "-m", "fast", "-w");
    }

    /** SIGKILL to the postmaster, then waits until every one of its processes is gone, as after a crash. */
    public void kill() {
        long pid;
        try {
            pid = Long.parseLong(
                    Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessHandle postmaster =
                ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no postmaster " + pid));
        List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
        all.add(postmaster);
        postmaster.destroyForcibly();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> all.stream().noneMatch(ProcessHandle::isAlive));
    }

    /** Starts the server again (crash recovery first, after {@link #kill()}), waiting until it accepts. */
    public void start() {
        pgCtl("start", "-w", "-t", "120", "-o", String.join(" ", startOptions));
    }

    /** The options PostgreSQL was started with, from postmaster.opts (without the program and data directory). */
    private static List<String> startOptions(Path data) {
        String opts;
        try {
            opts = Files.readString(data.resolve("postmaster.opts")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> args = new ArrayList<>();
        Matcher quoted = Pattern.compile("\"([^\"]*)\"").matcher(opts);
        while (quoted.find()) {
            args.add(quoted.group(1));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) { // the program itself is not quoted
            if (args.get(i).equals("-D")) {
                i++;
                continue;
            }
            out.add(args.get(i).contains(" ") ? "'" + args.get(i) + "'" : args.get(i));
        }
        return out;
    }

    private void pgCtl(String... args) {
        Path pgCtl;
        try (Stream<Path> installs = Files.list(Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg"))) {
            pgCtl = installs.map(p -> p.resolve("bin").resolve("pg_ctl"))
                    .filter(Files::isExecutable)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no embedded pg_ctl under java.io.tmpdir"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("unshare", "-U")); // as the embedded server does: pg_ctl refuses to run as root
        }
        command.addAll(List.of(pgCtl.toString(), "-D", data.toString()));
        command.addAll(List.of(args));
        Path log = data.resolveSibling("pg_ctl.log");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(150, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("pg_ctl " + String.join(" ", args) + " did not finish");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        "pg_ctl " + String.join(" ", args) + " failed: " + Files.readString(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
