package dev.carlink.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.app.TestSystem;
import dev.carlink.app.bench.conn.Enrollment;
import dev.carlink.app.bench.conn.FleetProcess;
import dev.carlink.app.bench.conn.ProcessCpu;
import dev.carlink.command.CommandServiceConfig;
import dev.carlink.command.CommandServiceConfig.BootstrapUser;
import dev.carlink.command.account.PasswordHasher;
import dev.carlink.simulator.VehicleCredentials;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Reconnect storm: every car reconnecting at once after a gateway restart, each with a command waiting.
 *
 * <p>The backend runs in this JVM ({@code TestSystem}: gateway, services, embedded PostgreSQL; its log goes to
 * a file), the cars in a process of their own ({@code FleetMain}: Vert.x MQTT 3.1.1 clients, keep-alive 60 s,
 * subscribed to their commands topic at QoS 1, acknowledging every command). Once every car is connected and
 * online, only the MQTT gateway is stopped: every car loses its connection and starts reconnecting with a
 * randomized back-off (attempt k waits a uniform random time in [0, min(cap, 250 ms * 2^k)], cap {@code
 * bench.storm.backoff.cap.ms}). While it is down, each car's owner requests one CLIMATE_START through the API
 * (POST /api/v1/vehicles/{vin}/commands, ten owners); each waits QUEUED. Then the gateway is started again on
 * the same port, and the clock runs from that moment until every car is connected again and every command
 * was received by its car (and recorded DELIVERED: the car's PUBACK). Goal: within 15 s. A command may reach its
 * car twice (delivery is at least once; the car executes an id once): such duplicates are counted, not refused.
 *
 * <p>Each CONNECT is authenticated with PBKDF2 at the test system's 1,000 iterations; the run also times one
 * check at 1,000 and at the default 210,000 iterations, for what the storm would cost with the default. From
 * the restart to the last DELIVERED it counts the CPU time of the backend's JVM, of PostgreSQL and of the cars'
 * JVM, and samples where the backend's goes (Flight Recorder).
 *
 * <p>{@code mvn -B -Pbench verify -pl app -am -Dit.test=ReconnectStormBench}; properties {@code
 * bench.storm.cars} (10000), {@code bench.storm.backoff.cap.ms} (2000), {@code bench.storm.timeout.seconds}
 * (180).
 */
class ReconnectStormBench {

    private static final Path WORK = BenchFiles.DIR.resolve("reconnect-storm");
    private static final int OWNERS = 10;
    private static final long FIRST_VIN = 2_000_001;
    private static final double GOAL_SECONDS = 15;
    private static final int KEEP_ALIVE = 60;
    private static final int MAX_CONNECTING = 200;
    private static final int REQUEST_THREADS = 16;
    private static final String COMMAND = "{\"type\":\"CLIMATE_START\",\"targetTemperatureC\":21}";

    private final int cars = Integer.getInteger("bench.storm.cars", 10_000);
    private final int backoffCapMs = Integer.getInteger("bench.storm.backoff.cap.ms", 2000);
    private final Duration timeout = Duration.ofSeconds(Integer.getInteger("bench.storm.timeout.seconds", 180));

    /** The fleet's counters, polled while it reconnects; seconds since the gateway was started again. */
    private record Sample(double seconds, int connected, int subscribed, int delivered, long failedAttempts) {}

    @Test
    void storm() throws Exception {
        Files.createDirectories(WORK);
        List<BootstrapUser> owners = new ArrayList<>();
        for (int i = 0; i < OWNERS; i++) {
            owners.add(new BootstrapUser("owner" + i, "owner" + i + "-bench-pass", "OWNER", "Owner " + i));
        }
        try (LogToFile log = LogToFile.start(WORK.resolve("backend.log"));
                TestSystem system = TestSystem.start(c -> c.withRateLimits(
                                // ten owners request 10,000 commands within a minute
                                new CommandServiceConfig.RateLimits(10_000, 10_000))
                        .withBootstrapUsers(concat(c.bootstrapUsers(), owners)))) {
            progress("enrolling " + cars + " cars through the API (16 at once, PBKDF2 at 1000 iterations)");
            Enrollment.Result enrolled = Enrollment.enroll(
                    URI.create(system.api("")),
                    "staff",
                    "staff-test-pass",
                    owners.stream().map(BootstrapUser::username).toList(),
                    FIRST_VIN,
                    cars,
                    16,
                    ReconnectStormBench::progress);
            progress(String.format(
                    Locale.ROOT,
                    "enrolled %d cars in %.1f s (%.0f/s)",
                    cars,
                    enrolled.seconds(),
                    enrolled.perSecond()));
            List<String> tokens = owners.stream()
                    .map(o -> system.login(o.username(), o.password()))
                    .toList();

            try (FleetProcess fleet = FleetProcess.start(
                    "storm-fleet",
                    WORK,
                    enrolled.cars(),
                    "127.0.0.1",
                    system.mqttPort(),
                    KEEP_ALIVE,
                    MAX_CONNECTING,
                    backoffCapMs,
                    List.of("-Xmx2g"),
                    ReconnectStormBench::progress)) {
                progress("connecting " + cars + " cars");
                JsonObject first = fleet.connect(cars, Duration.ofMinutes(10));
                assertThat(first.getInteger("connected"))
                        .as("first connections: " + first)
                        .isEqualTo(cars);
                awaitOnline(system, cars);
                progress(String.format(
                        Locale.ROOT,
                        "%d cars connected and online (%.0f connects/s)",
                        cars,
                        cars / first.getDouble("connackSeconds")));

                progress("stopping the gateway");
                system.stopGateway();
                long offline = awaitOnline(system, 0);
                progress(offline + " cars still online in the database after the gateway stopped; fleet: "
                        + fleet.status().getInteger("connected") + " connected");

                progress("requesting one CLIMATE_START per car while the gateway is down");
                double requestSeconds = requestCommands(system, enrolled.cars(), tokens);
                long queued = system.count("SELECT count(*) FROM command.commands WHERE status = 'QUEUED'");
                progress(String.format(
                        Locale.ROOT,
                        "%d commands requested in %.1f s (%.0f/s); %d QUEUED",
                        cars,
                        requestSeconds,
                        cars / requestSeconds,
                        queued));
                assertThat(queued).as("commands waiting for their cars").isEqualTo(cars);
                // Flight Recorder starts before the clock: its start-up is not the gateway's
                CpuProfile profile = new CpuProfile(WORK.resolve("backend-storm.jfr"));
                Path postgres = dataDirectory(system);
                String loadBefore = MachineCpu.loadAverage();
                JsonObject beforeRestart = fleet.status();
                MachineCpu cpu = MachineCpu.read();
                long[] processCpu = {ProcessCpu.self(), ProcessCpu.postgres(postgres), fleet.cpuNanos()};
                long restartedAt = System.currentTimeMillis();
                system.startGateway();
                long listeningAfterMs = System.currentTimeMillis() - restartedAt;
                progress("gateway started again on port " + system.mqttPort() + " (" + listeningAfterMs + " ms)");
                List<Sample> samples = watch(fleet, restartedAt);
                long deliveredInDb = awaitDeliveredInDatabase(system);
                double machineCpu = MachineCpu.read().busyPercentSince(cpu);
                double[] cpuMsPerCar = {
                    (ProcessCpu.self() - processCpu[0]) / 1e6 / cars,
                    (ProcessCpu.postgres(postgres) - processCpu[1]) / 1e6 / cars,
                    (fleet.cpuNanos() - processCpu[2]) / 1e6 / cars
                };
                String loadAfter = MachineCpu.loadAverage();
                Map<String, Double> backendProfile = profile.shares();
                profile.close();
                List<String> dump = fleet.dump();
                JsonObject after = fleet.status();
                List<Double> dbDelivered = deliveredTimes(system, restartedAt);
                double[] authMs = {authenticationMs(1_000, 200), authenticationMs(210_000, 10)};
                report(
                        enrolled,
                        requestSeconds,
                        beforeRestart,
                        restartedAt,
                        listeningAfterMs,
                        samples,
                        dump,
                        after,
                        deliveredInDb,
                        dbDelivered,
                        machineCpu,
                        loadBefore + " before, " + loadAfter + " after",
                        cpuMsPerCar,
                        backendProfile,
                        authMs);

                assertThat(after.getInteger("connected"))
                        .as("cars connected at the end")
                        .isEqualTo(cars);
                assertThat(after.getInteger("delivered"))
                        .as("cars that received their command")
                        .isEqualTo(cars);
                assertThat(deliveredInDb)
                        .as("commands DELIVERED in the database")
                        .isEqualTo(cars);
            }
        }
    }

    /** The embedded PostgreSQL's data directory, where its postmaster's pid file is. */
    private static Path dataDirectory(TestSystem system) throws SQLException {
        try (Connection c = system.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW data_directory")) {
            rs.next();
            return Path.of(rs.getString(1));
        }
    }

    /** Each car's owner requests one command, on a few threads; returns the seconds it took. */
    private double requestCommands(TestSystem system, List<VehicleCredentials> fleet, List<String> tokens)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(REQUEST_THREADS);
        AtomicInteger done = new AtomicInteger();
        Map<String, Integer> refused = new TreeMap<>();
        long started = System.nanoTime();
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < REQUEST_THREADS; t++) {
                int firstIndex = t;
                jobs.add(pool.submit(() -> {
                    for (int i = firstIndex; i < fleet.size(); i += REQUEST_THREADS) {
                        TestSystem.Reply reply = system.post(
                                tokens.get(i % OWNERS),
                                "/api/v1/vehicles/" + fleet.get(i).vin() + "/commands",
                                COMMAND);
                        String status = reply.status() == 201
                                ? reply.json().getString("status")
                                : String.valueOf(reply.status());
                        if (!"QUEUED".equals(status)) {
                            synchronized (refused) {
                                refused.merge(status + " " + reply.body(), 1, Integer::sum);
                            }
                        }
                        int n = done.incrementAndGet();
                        if (n % 2000 == 0) {
                            progress(String.format(
                                    Locale.ROOT,
                                    "requested %d/%d (%.0f/s)",
                                    n,
                                    fleet.size(),
                                    n / ((System.nanoTime() - started) / 1e9)));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> job : jobs) {
                job.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(refused).as("commands not QUEUED").isEmpty();
        return (System.nanoTime() - started) / 1e9;
    }

    /** Polls the fleet every 200 ms until every car is back with its command, or the timeout. */
    private List<Sample> watch(FleetProcess fleet, long restartedAt) throws InterruptedException {
        List<Sample> samples = new ArrayList<>();
        long lastPrint = 0;
        while (true) {
            JsonObject s = fleet.status();
            double seconds = (s.getLong("atMs") - restartedAt) / 1000.0;
            Sample sample = new Sample(
                    seconds,
                    s.getInteger("connected"),
                    s.getInteger("subscribed"),
                    s.getInteger("delivered"),
                    s.getLong("failedAttempts"));
            samples.add(sample);
            if (s.getLong("atMs") - lastPrint >= 1000) {
                lastPrint = s.getLong("atMs");
                progress(String.format(
                        Locale.ROOT,
                        "t=%5.1fs  connected %5d  subscribed %5d  command received %5d  failed attempts %d",
                        seconds,
                        sample.connected(),
                        sample.subscribed(),
                        sample.delivered(),
                        sample.failedAttempts()));
            }
            if (sample.connected() == cars && sample.delivered() == cars) {
                return samples;
            }
            if (seconds > timeout.toSeconds()) {
                progress("timed out after " + timeout.toSeconds() + " s");
                return samples;
            }
            Thread.sleep(200);
        }
    }

    /** Waits until {@code expected} cars are online in the database (at most a minute); returns how many are. */
    private static long awaitOnline(TestSystem system, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long online;
        while ((online = system.count("SELECT count(*) FROM command.vehicles WHERE online")) != expected
                && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        return online;
    }

    /** Waits (at most 30 s) until every command is DELIVERED, as the car's PUBACK makes it. */
    private long awaitDeliveredInDatabase(TestSystem system) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long delivered;
        while ((delivered = system.count("SELECT count(*) FROM command.commands WHERE status = 'DELIVERED'")) < cars
                && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        return delivered;
    }

    /** When each command was recorded DELIVERED, in seconds since the gateway was started again. */
    private static List<Double> deliveredTimes(TestSystem system, long restartedAt) throws SQLException {
        List<Double> out = new ArrayList<>();
        try (Connection c = system.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT extract(epoch FROM at) * 1000 FROM command.command_transitions"
                        + " WHERE to_status = 'DELIVERED'")) {
            while (rs.next()) {
                out.add((rs.getDouble(1) - restartedAt) / 1000.0);
            }
        }
        out.sort(Double::compare);
        return out;
    }

    /** CPU time of one secret check (what each CONNECT costs the command-service) at {@code iterations}. */
    private static double authenticationMs(int iterations, int checks) {
        PasswordHasher hasher = new PasswordHasher(iterations);
        String secret = hasher.newSecret();
        String stored = hasher.hash(secret);
        long warm = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < warm) {
            hasher.matches(secret, stored); // compiled before it is timed
        }
        long started = System.nanoTime();
        for (int i = 0; i < checks; i++) {
            assertThat(hasher.matches(secret, stored)).isTrue();
        }
        return (System.nanoTime() - started) / 1e6 / checks;
    }

    // ------------------------------------------------------------------------------------------- report

    private void report(
            Enrollment.Result enrolled,
            double requestSeconds,
            JsonObject beforeRestart,
            long restartedAt,
            long listeningAfterMs,
            List<Sample> samples,
            List<String> dump,
            JsonObject after,
            long deliveredInDb,
            List<Double> dbDelivered,
            double machineCpu,
            String load,
            double[] cpuMsPerCar,
            Map<String, Double> backendProfile,
            double[] authMs) {
        // only what happened after the restart counts: a car whose last CONNACK is older did not come back
        List<Double> connackList = new ArrayList<>();
        List<Double> subackList = new ArrayList<>();
        List<Double> receivedList = new ArrayList<>();
        for (String line : dump) {
            String[] f = line.split(",");
            addIfAfter(connackList, Long.parseLong(f[1]), restartedAt);
            addIfAfter(subackList, Long.parseLong(f[2]), restartedAt);
            addIfAfter(receivedList, Long.parseLong(f[3]), restartedAt);
        }
        double[] connack = sorted(connackList);
        double[] suback = sorted(subackList);
        double[] received = sorted(receivedList);
        double[] db = sorted(dbDelivered);
        long failedAfter = after.getLong("failedAttempts") - beforeRestart.getLong("failedAttempts");
        StringBuilder text = new StringBuilder();
        text.append(String.format(
                Locale.ROOT,
                "Reconnect storm: %d cars reconnecting after a gateway restart, one CLIMATE_START waiting for each%n"
                        + "backend in one JVM (log to a file), cars in another (Vert.x MQTT 3.1.1, keep-alive %d s);"
                        + " %d cores; PBKDF2 at 1000 iterations%n"
                        + "back-off after a lost connection: attempt k waits uniform [0, min(%d ms, 250 ms * 2^k)]%n"
                        + "enrollment: %d cars in %.1f s (%.0f/s); commands requested while the gateway was down: %d"
                        + " in %.1f s (%.0f/s), all QUEUED%n"
                        + "gateway listening %d ms after its start began (the clock starts at the start)%n%n",
                cars,
                KEEP_ALIVE,
                Runtime.getRuntime().availableProcessors(),
                backoffCapMs,
                cars,
                enrolled.seconds(),
                enrolled.perSecond(),
                cars,
                requestSeconds,
                cars / requestSeconds,
                listeningAfterMs));
        text.append(String.format(
                Locale.ROOT,
                "%-34s %8s %8s %8s %8s %8s%n",
                "seconds after the restart",
                "p50",
                "p90",
                "p99",
                "all",
                "goal"));
        text.append(line("connected (CONNACK)", connack, cars));
        text.append(line("subscribed to commands (SUBACK)", suback, cars));
        text.append(line("command received by the car", received, cars));
        text.append(line("command DELIVERED in the database", db, cars));
        double allConnected = connack.length == cars ? connack[cars - 1] : Double.NaN;
        double allReceived = received.length == cars ? received[cars - 1] : Double.NaN;
        double allDelivered = db.length == cars ? db[cars - 1] : Double.NaN;
        double allDone = Math.max(allConnected, Math.max(allReceived, allDelivered));
        text.append(String.format(
                Locale.ROOT,
                "%nall %d cars connected after %.1f s; all commands received after %.1f s, DELIVERED after %.1f s:"
                        + " the goal (%.0f s) is %s%n",
                cars,
                allConnected,
                allReceived,
                allDelivered,
                GOAL_SECONDS,
                allDone <= GOAL_SECONDS ? "met" : "not met"));
        text.append(String.format(
                Locale.ROOT,
                "connection attempts refused or failed after the restart: %d (%s); connections lost again: %d;"
                        + " duplicates: %d; machine CPU %.0f %% while reconnecting (load average %s: the machine is"
                        + " shared)%n",
                failedAfter,
                errorsSince(beforeRestart, after).encode(),
                after.getLong("lost") - beforeRestart.getLong("lost"),
                after.getLong("duplicates"),
                machineCpu,
                load));
        text.append(String.format(
                Locale.ROOT,
                "CPU per car from the restart to the last DELIVERED: backend JVM %.2f ms, PostgreSQL %.2f ms, cars'"
                        + " JVM %.2f ms%n",
                cpuMsPerCar[0],
                cpuMsPerCar[1],
                cpuMsPerCar[2]));
        text.append(String.format(
                Locale.ROOT,
                "where the backend JVM's CPU went meanwhile (%.0f execution samples, by the innermost concern on the"
                        + " stack):%n",
                backendProfile.get("samples")));
        text.append(CpuProfile.format(backendProfile));
        text.append(String.format(
                Locale.ROOT,
                "one secret check (each CONNECT): %.2f ms of CPU at 1,000 PBKDF2 iterations, %.0f ms at the default"
                        + " 210,000: %d reconnects need %.0f CPU-seconds with the default, %.0f s on %d cores before"
                        + " anything else%n",
                authMs[0],
                authMs[1],
                cars,
                cars * authMs[1] / 1000,
                cars * authMs[1] / 1000 / Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().availableProcessors()));

        JsonArray curve = new JsonArray();
        double[] x = new double[samples.size()];
        double[] connected = new double[samples.size()];
        double[] subscribed = new double[samples.size()];
        double[] delivered = new double[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            x[i] = s.seconds();
            connected[i] = s.connected();
            subscribed[i] = s.subscribed();
            delivered[i] = s.delivered();
            curve.add(new JsonObject()
                    .put("seconds", Units.round(s.seconds()))
                    .put("connected", s.connected())
                    .put("subscribed", s.subscribed())
                    .put("commandReceived", s.delivered())
                    .put("failedAttempts", s.failedAttempts()));
        }
        double[] dbCount = cumulative(db, x);
        JsonObject json = new JsonObject()
                .put("cars", cars)
                .put("backoffCapMs", backoffCapMs)
                .put("hashIterations", 1000)
                .put("enrolledPerSecond", Math.round(enrolled.perSecond()))
                .put("commandsRequestedPerSecond", Math.round(cars / requestSeconds))
                .put("listeningAfterMs", listeningAfterMs)
                .put("secondsToAllConnected", allConnected)
                .put("secondsToAllCommandsReceived", allReceived)
                .put("secondsToAllDelivered", allDelivered)
                .put("goalSeconds", GOAL_SECONDS)
                .put("connected", percentiles(connack))
                .put("subscribed", percentiles(suback))
                .put("commandReceived", percentiles(received))
                .put("deliveredInDatabase", percentiles(db))
                .put("deliveredInDatabaseCount", deliveredInDb)
                .put("failedAttemptsAfterRestart", failedAfter)
                .put("errorsAfterRestart", errorsSince(beforeRestart, after))
                .put("duplicates", after.getLong("duplicates"))
                .put("machineCpuPercent", Math.round(machineCpu))
                .put("loadAverage", load)
                .put("backendCpuMsPerCar", round2(cpuMsPerCar[0]))
                .put("postgresCpuMsPerCar", round2(cpuMsPerCar[1]))
                .put("fleetCpuMsPerCar", round2(cpuMsPerCar[2]))
                .put("backendCpuProfilePercent", new JsonObject(new java.util.LinkedHashMap<>(backendProfile)))
                .put("authenticationMsAt1000", authMs[0])
                .put("authenticationMsAt210000", authMs[1])
                .put("curve", curve);
        String html = BenchChart.page(
                "Reconnect storm",
                text.toString(),
                List.of(BenchChart.chart(
                        "cars connected and commands received after the gateway restart (polled every 200 ms)",
                        "seconds after the gateway was started again",
                        "cars",
                        false,
                        List.of(new BenchChart.Band("goal: " + (int) GOAL_SECONDS + " s", 0, GOAL_SECONDS)),
                        List.of(
                                new BenchChart.Series("connected", x, connected),
                                new BenchChart.Series("subscribed", x, subscribed),
                                new BenchChart.Series("command received", x, delivered),
                                new BenchChart.Series("DELIVERED in the database", x, dbCount)))));
        BenchFiles.write("reconnect-storm", text.toString(), json, html);
    }

    /** The fleet's errors by reason that happened between two status answers. */
    private static JsonObject errorsSince(JsonObject before, JsonObject after) {
        JsonObject out = new JsonObject();
        JsonObject earlier = before.getJsonObject("errors");
        after.getJsonObject("errors").forEach(e -> {
            long n = ((Number) e.getValue()).longValue() - earlier.getLong(e.getKey(), 0L);
            if (n > 0) {
                out.put(e.getKey(), n);
            }
        });
        return out;
    }

    private static String line(String what, double[] sorted, int expected) {
        if (sorted.length == 0) {
            return String.format(Locale.ROOT, "%-34s (none)%n", what);
        }
        return String.format(
                Locale.ROOT,
                "%-34s %8.2f %8.2f %8.2f %8.2f %8.0f%s%n",
                what,
                percentile(sorted, 50),
                percentile(sorted, 90),
                percentile(sorted, 99),
                sorted[sorted.length - 1],
                GOAL_SECONDS,
                sorted.length == expected ? "" : "  (" + sorted.length + " of " + expected + ")");
    }

    private static JsonObject percentiles(double[] sorted) {
        if (sorted.length == 0) {
            return new JsonObject();
        }
        return new JsonObject()
                .put("count", sorted.length)
                .put("p50", round2(percentile(sorted, 50)))
                .put("p90", round2(percentile(sorted, 90)))
                .put("p99", round2(percentile(sorted, 99)))
                .put("max", round2(sorted[sorted.length - 1]));
    }

    private static double percentile(double[] sorted, double p) {
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** How many of the sorted times fall at or before each x. */
    private static double[] cumulative(double[] sorted, double[] x) {
        double[] out = new double[x.length];
        int j = 0;
        for (int i = 0; i < x.length; i++) {
            while (j < sorted.length && sorted[j] <= x[i]) {
                j++;
            }
            out[i] = j;
        }
        return out;
    }

    private static void addIfAfter(List<Double> out, long epochMs, long restartedAt) {
        if (epochMs >= restartedAt) {
            out.add((epochMs - restartedAt) / 1000.0);
        }
    }

    private static double[] sorted(List<Double> values) {
        double[] out = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(out);
        return out;
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static List<BootstrapUser> concat(List<BootstrapUser> a, List<BootstrapUser> b) {
        List<BootstrapUser> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static void progress(String line) {
        System.out.println("[bench] " + line);
    }
}
