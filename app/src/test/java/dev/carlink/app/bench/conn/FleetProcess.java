package dev.carlink.app.bench.conn;

import dev.carlink.simulator.VehicleCredentials;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The benchmark's end of a {@link FleetMain} process: starts it, sends it commands and reads the answers. */
public final class FleetProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final PrintWriter commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

    private FleetProcess(String name, Process process, Consumer<String> progress, Path log) {
        this.name = name;
        this.process = process;
        this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> read(progress, log), name + "-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a fleet of {@code cars} (written to a credentials file of its own) for the gateway at {@code
     * host:port}, and waits until it is ready.
     *
     * @param maxConnecting CONNECTs awaiting their CONNACK at once
     * @param backoffCapMs the largest random wait before a reconnection ({@link FleetCar})
     * @param jvmOptions e.g. {@code -Xmx2g}
     * @param progress receives the fleet's progress lines
     */
    public static FleetProcess start(
            String name,
            Path workDir,
            List<VehicleCredentials> cars,
            String host,
            int port,
            int keepAliveSeconds,
            int maxConnecting,
            int backoffCapMs,
            List<String> jvmOptions,
            Consumer<String> progress) {
        Path dir = workDir.resolve(name);
        Path credentials = dir.resolve("credentials.csv");
        try {
            Files.createDirectories(dir);
            List<String> lines = new ArrayList<>(cars.size());
            cars.forEach(c -> lines.add(c.vin() + "," + c.secret()));
            Files.write(credentials, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> options = new ArrayList<>(jvmOptions);
        // the test class path's logging setup prints to the console; the fleet's console is its protocol
        options.add("-Dlogback.configurationFile=" + logback(dir));
        Process process = ChildJvm.start(
                name,
                dir,
                FleetMain.class.getName(),
                options,
                java.util.Map.of(),
                List.of(
                        host,
                        String.valueOf(port),
                        credentials.toAbsolutePath().toString(),
                        String.valueOf(keepAliveSeconds),
                        String.valueOf(maxConnecting),
                        String.valueOf(backoffCapMs)),
                null);
        FleetProcess fleet = new FleetProcess(name, process, progress, dir.resolve("fleet.log"));
        fleet.await("@ready", Duration.ofSeconds(60));
        return fleet;
    }

    private static Path logback(Path dir) {
        Path file = dir.resolve("logback.xml").toAbsolutePath();
        try {
            Files.writeString(
                    file,
                    "<configuration><appender name=\"F\" class=\"ch.qos.logback.core.FileAppender\"><file>"
                            + dir.resolve("fleet-logback.log").toAbsolutePath()
                            + "</file><encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{0} %msg%n</pattern>"
                            + "</encoder></appender><root level=\"WARN\"><appender-ref ref=\"F\"/></root>"
                            + "</configuration>");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private void read(Consumer<String> progress, Path log) {
        try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                Writer other = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("@progress ")) {
                    progress.accept(name + ": " + line.substring("@progress ".length()));
                } else if (line.startsWith("@")) {
                    answers.add(line);
                } else {
                    other.write(line + "\n");
                    other.flush();
                }
            }
        } catch (IOException e) {
            answers.add("@error " + e);
        }
        answers.add("@exited");
    }

    public long pid() {
        return process.pid();
    }

    /** CPU time the fleet process has used so far. */
    public long cpuNanos() {
        return ProcessCpu.nanos(process.pid());
    }

    /** The fleet process's resident set (0 once it has ended). */
    public long residentBytes() {
        return process.isAlive() ? ChildJvm.residentBytes(process.pid()) : 0;
    }

    /** Connects the next {@code count} cars; the answer has {@code connected}, {@code failed}, {@code connackSeconds}. */
    public synchronized JsonObject connect(int count, Duration timeout) {
        commands.println("connect " + count);
        return json(await("@connected", timeout));
    }

    /**
     * The fleet's counters: {@code connected}, {@code subscribed}, {@code delivered} (commands received, each
     * id once), {@code duplicates}, {@code lost}, {@code failedAttempts}, {@code errors} by reason, ...
     */
    public synchronized JsonObject status() {
        commands.println("status");
        return json(await("@status", Duration.ofSeconds(30)));
    }

    /** A line per car: {@code vin,connackMs,subackMs,newCommandMs,commands,lost} ({@link FleetMain}). */
    public synchronized List<String> dump() {
        Path file = Path.of(System.getProperty("java.io.tmpdir"), name + "-" + process.pid() + ".csv");
        commands.println("dump " + file.toAbsolutePath());
        await("@dumped", Duration.ofSeconds(60));
        try {
            List<String> lines = Files.readAllLines(file);
            Files.delete(file);
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonObject json(String answer) {
        return new JsonObject(answer.substring(answer.indexOf(' ') + 1));
    }

    private String await(String tag, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                String answer = answers.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (answer == null) {
                    throw new IllegalStateException(name + ": no " + tag + " within " + timeout);
                }
                if (answer.equals(tag) || answer.startsWith(tag + " ")) {
                    return answer;
                }
                if (answer.startsWith("@error") || answer.equals("@exited")) {
                    throw new IllegalStateException(name + ": " + answer + " (waiting for " + tag + ")");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Disconnects every car and ends the process (forcibly if it does not end within a minute). */
    @Override
    public void close() {
        if (process.isAlive()) {
            commands.println("quit");
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    ChildJvm.stop(process, 5);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ChildJvm.stop(process, 5);
            }
        }
    }
}
