package dev.carlink.app.bench.conn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The all-in-one server ({@code dev.carlink.app.Main}, what {@code carlink.jar} runs) in a JVM of its own, so
 * that its heap, its resident memory and its sockets can be measured without the cars'. Configured through
 * {@code -Dcarlink.*} properties: loopback only, no CoAP, the demo's accounts but no demo cars.
 */
public final class ServerProcess implements AutoCloseable {

    private static final Pattern HEAP_INFO = Pattern.compile("total (\\d+)K, used (\\d+)K");
    private static final Pattern CONNECTIONS = Pattern.compile("(?m)^carlink_gateway_connections\\{[^}]*} (\\S+)");

    /** The demo's staff account, which enrolls cars. */
    public static final String STAFF = "staff";

    public static final String STAFF_PASSWORD = "staff-demo-pass";

    /** The demo's owners. */
    public static final List<String> OWNERS = List.of("alice", "bob");

    /**
     * The heap of a server after a full collection, and its resident size.
     *
     * @param liveBytes the live objects ({@code GC.class_histogram}'s total)
     * @param usedBytes the heap in use right after that collection ({@code GC.heap_info}, whole regions)
     * @param committedBytes the heap the JVM has reserved from the OS
     * @param residentBytes the process's resident set (heap, metaspace, threads, direct buffers, code)
     */
    public record HeapSample(
            long liveBytes, long usedBytes, long committedBytes, long residentBytes, HeapHistogram histogram) {}

    private final String name;
    private final Process process;
    private final int httpPort;
    private final int mqttPort;
    private final int postgresPort;
    private final Path log;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServerProcess(String name, Process process, int httpPort, int mqttPort, int postgresPort, Path log) {
        this.name = name;
        this.process = process;
        this.httpPort = httpPort;
        this.mqttPort = mqttPort;
        this.postgresPort = postgresPort;
        this.log = log;
    }

    /**
     * Starts a server with its own embedded PostgreSQL ({@code sharedPostgresPort} &lt; 0) or on the one another
     * server started, and returns once its API answers and its MQTT port accepts connections.
     *
     * @param hashIterations PBKDF2 iterations for vehicle secrets (each CONNECT pays them once)
     * @param jvmOptions e.g. {@code -Xmx2g}
     */
    public static ServerProcess start(
            String name,
            Path workDir,
            int sharedPostgresPort,
            int poolSize,
            int hashIterations,
            List<String> jvmOptions) {
        int http = freePort();
        int mqtt = freePort();
        int postgres = sharedPostgresPort < 0 ? freePort() : sharedPostgresPort;
        Path dir = workDir.resolve(name);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("carlink.data-dir", dir.resolve("data").toAbsolutePath().toString());
        if (sharedPostgresPort < 0) {
            p.put("carlink.db.embedded-port", String.valueOf(postgres));
        } else {
            p.put("carlink.db.url", "jdbc:postgresql://127.0.0.1:" + postgres + "/postgres");
        }
        // one key-encryption key for every server of the run: the ones on another's database need the same
        p.put("carlink.secrets.kek-file", sharedKek(workDir).toString());
        p.put("carlink.db.pool-size", String.valueOf(poolSize));
        p.put("carlink.http.host", "127.0.0.1");
        p.put("carlink.http.port", String.valueOf(http));
        p.put("carlink.mqtt.host", "127.0.0.1");
        p.put("carlink.mqtt.port", String.valueOf(mqtt));
        p.put("carlink.coap.enabled", "false");
        p.put("carlink.coap.dtls-enabled", "false");
        p.put("carlink.mqtt.tls.enabled", "false");
        p.put("carlink.demo.enabled", "true");
        p.put("carlink.demo.fleet-size", "0");
        p.put("carlink.auth.hash-iterations", String.valueOf(hashIterations));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path log = dir.resolve("server.log");
        Process process = ChildJvm.start(name, dir, "dev.carlink.app.Main", jvmOptions, p, List.of(), log);
        ServerProcess server = new ServerProcess(name, process, http, mqtt, postgres, log);
        try {
            server.awaitReady(Duration.ofSeconds(180));
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The run's key-encryption key file in {@code workDir}, written by the first server's start. */
    private static synchronized Path sharedKek(Path workDir) {
        Path file = workDir.resolve("kek.key").toAbsolutePath();
        try {
            Files.createDirectories(workDir);
            if (!Files.exists(file)) {
                Files.writeString(
                        file,
                        dev.carlink.command.secrets.KeyEncryptionKey.generate(new java.security.SecureRandom())
                                .toBase64());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * The baseline: a bare vertx-mqtt server ({@link BareMqttServerMain}) that accepts every car and keeps
     * nothing of its own; no API, no database. {@link #connections()} is not available on it.
     */
    public static ServerProcess bare(String name, Path workDir, List<String> jvmOptions) {
        int mqtt = freePort();
        Path dir = workDir.resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path log = dir.resolve("server.log");
        Process process = ChildJvm.start(
                name,
                dir,
                BareMqttServerMain.class.getName(),
                jvmOptions,
                Map.of(),
                List.of(String.valueOf(mqtt)),
                log);
        ServerProcess server = new ServerProcess(name, process, -1, mqtt, -1, log);
        try {
            server.awaitReady(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log: " + logTail());
            }
            if ((httpPort < 0 || healthy()) && mqttListening()) {
                return;
            }
            sleep(250);
        }
        throw new IllegalStateException(name + " did not start within " + timeout + "; log: " + logTail());
    }

    private boolean healthy() {
        try {
            return get("/health").statusCode() == 200;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private boolean mqttListening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", mqttPort), 1000);
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public int mqttPort() {
        return mqttPort;
    }

    public int postgresPort() {
        return postgresPort;
    }

    public URI api() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    /** The gateway's count of connected cars ({@code carlink_gateway_connections} on {@code /metrics}). */
    public int connections() {
        HttpResponse<String> r = get("/metrics");
        Matcher m = CONNECTIONS.matcher(r.body());
        if (!m.find()) {
            throw new IllegalStateException(name + ": no carlink_gateway_connections in /metrics");
        }
        return (int) Double.parseDouble(m.group(1));
    }

    /** CPU time the server's JVM has used so far. */
    public long cpuNanos() {
        return ProcessCpu.nanos(process.pid());
    }

    /**
     * CPU time the server's embedded PostgreSQL (postmaster and backends) has used so far; 0 for a server
     * without one of its own.
     */
    public long databaseCpuNanos() {
        return ProcessCpu.postgres(postgresDirectory());
    }

    private Path postgresDirectory() {
        return log.getParent().resolve("data").resolve("postgres-17");
    }

    public long residentBytes() {
        return ChildJvm.residentBytes(process.pid());
    }

    /** Runs a full collection (through the class histogram) and reads what is left; saves the histogram. */
    public HeapSample heap(Path histogramFile) {
        String histogram = ChildJvm.jcmd(process.pid(), "GC.class_histogram");
        String info = ChildJvm.jcmd(process.pid(), "GC.heap_info");
        try {
            Files.createDirectories(histogramFile.getParent());
            Files.writeString(histogramFile, histogram);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher m = HEAP_INFO.matcher(info);
        if (!m.find()) {
            throw new IllegalStateException(name + ": unexpected GC.heap_info: " + info);
        }
        HeapHistogram parsed = HeapHistogram.parse(histogram);
        return new HeapSample(
                parsed.bytes(),
                Long.parseLong(m.group(2)) * 1024,
                Long.parseLong(m.group(1)) * 1024,
                residentBytes(),
                parsed);
    }

    private HttpResponse<String> get(String path) {
        try {
            return http.send(
                    HttpRequest.newBuilder(api().resolve(path))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(name + ": GET " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log) : new ArrayList<>();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stops the server (its shutdown hook closes the gateway and its PostgreSQL), forcibly after 60 s; a
     * PostgreSQL the server left running (it runs detached) is stopped too.
     */
    @Override
    public void close() {
        ChildJvm.stop(process, 60);
        ProcessCpu.postmaster(postgresDirectory()).ifPresent(postmaster -> {
            postmaster.destroy();
            postmaster
                    .onExit()
                    .orTimeout(30, java.util.concurrent.TimeUnit.SECONDS)
                    .exceptionally(e -> {
                        postmaster.destroyForcibly();
                        return postmaster;
                    })
                    .join();
        });
    }
}
