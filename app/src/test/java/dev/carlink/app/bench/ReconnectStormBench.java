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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
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
 * <p>The storm runs {@code bench.storm.rounds} times on the same backend: the first is the first time this JVM
 * does the work at this scale (its JIT compilers are still at it, on the same two cores), the next ones are
 * what a warm backend does. The cars answer no results: a command stays DELIVERED until its result timeout,
 * shortened to 40 s so that one storm's commands are settled (TIMED_OUT) before the next storm's are requested.
 *
 * <p>Each CONNECT is authenticated with PBKDF2 at the test system's 1,000 iterations; the run also times one
 * check at 1,000 and at the default 210,000 iterations, for what a storm would cost with the default. From
 * the restart to the last DELIVERED it counts the CPU time of the backend's JVM (by kind of thread), of
 * PostgreSQL and of the cars' JVM, the secret checks and signatures done, and samples where the backend's Java
 * code spends its time (Flight Recorder).
 *
 * <p>{@code mvn -B -Pbench verify -pl app -am -Dit.test=ReconnectStormBench}; properties {@code
 * bench.storm.cars} (10000), {@code bench.storm.rounds} (2), {@code bench.storm.backoff.cap.ms} (2000), {@code
 * bench.storm.timeout.seconds} (180).
 */
class ReconnectStormBench {

    private static final Path WORK = BenchFiles.DIR.resolve("reconnect-storm");
    private static final int OWNERS = 10;
    private static final long FIRST_VIN = 2_000_001;
    private static final double GOAL_SECONDS = 15;
    private static final int KEEP_ALIVE = 60;
    private static final int MAX_CONNECTING = 200;
    private static final int REQUEST_THREADS = 16;
    private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(40);
    private static final String COMMAND = "{\"type\":\"CLIMATE_START\",\"targetTemperatureC\":21}";

    private final int cars = Integer.getInteger("bench.storm.cars", 10_000);
    private final int rounds = Integer.getInteger("bench.storm.rounds", 2);
    private final int backoffCapMs = Integer.getInteger("bench.storm.backoff.cap.ms", 2000);
    private final Duration timeout = Duration.ofSeconds(Integer.getInteger("bench.storm.timeout.seconds", 180));

    /** The fleet's counters, polled while it reconnects; seconds since the gateway was started again. */
    private record Sample(double seconds, int connected, int subscribed, int received, long failedAttempts) {}

    /**
     * One storm, times in seconds after the gateway was started again (sorted): each car's CONNACK and SUBACK,
     * when it received its command, when the command was recorded DELIVERED.
     */
    private record Storm(
            int round,
            double requestSeconds,
            long listeningAfterMs,
            List<Sample> samples,
            double[] connack,
            double[] suback,
            double[] received,
            double[] delivered,
            long failedAttempts,
            JsonObject errors,
            long lostAgain,
            long duplicates,
            double machineCpu,
            String load,
            double[] cpuMsPerCar,
            String threads,
            long[] work,
            Map<String, Double> profile) {

        double last(double[] times, int expected) {
            return times.length == expected ? times[expected - 1] : Double.NaN;
        }
    }

    @Test
    void storm() throws Exception {
        Files.createDirectories(WORK);
        List<BootstrapUser> owners = new ArrayList<>();
        for (int i = 0; i < OWNERS; i++) {
            owners.add(new BootstrapUser("owner" + i, "owner" + i + "-bench-pass", "OWNER", "Owner " + i));
        }
        List<Storm> storms = new ArrayList<>();
        try (LogToFile log = LogToFile.start(WORK.resolve("backend.log"));
                TestSystem system = TestSystem.start(c -> c.withRateLimits(
                                // ten owners request 10,000 commands within a minute
                                new CommandServiceConfig.RateLimits(10_000, 10_000))
                        .withResultTimeout(RESULT_TIMEOUT)
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
                double firstConnects = cars / first.getDouble("connackSeconds");
                progress(String.format(
                        Locale.ROOT, "%d cars connected and online (%.0f connects/s)", cars, firstConnects));
                for (int round = 1; round <= rounds; round++) {
                    if (round > 1) {
                        awaitNoOpenCommand(system);
                    }
                    storms.add(storm(round, system, fleet, enrolled.cars(), tokens));
                }
                double[] authMs = {authenticationMs(1_000, 200), authenticationMs(210_000, 10)};
                report(enrolled, firstConnects, storms, authMs);
            }
        }
        for (Storm storm : storms) {
            assertThat(storm.connack())
                    .as("storm %d: cars connected again", storm.round())
                    .hasSize(cars);
            assertThat(storm.received())
                    .as("storm %d: cars that received their command", storm.round())
                    .hasSize(cars);
            assertThat(storm.delivered())
                    .as("storm %d: commands DELIVERED in the database", storm.round())
                    .hasSize(cars);
        }
    }

    /** Stops the gateway, requests a command per car, starts the gateway again and watches the cars come back. */
    private Storm storm(
            int round, TestSystem system, FleetProcess fleet, List<VehicleCredentials> fleetCars, List<String> tokens)
            throws Exception {
        progress("storm " + round + ": stopping the gateway");
        Instant roundStart = Instant.now();
        system.stopGateway();
        long stillOnline = awaitOnline(system, 0);
        progress(stillOnline + " cars still online in the database after the gateway stopped; fleet: "
                + fleet.status().getInteger("connected") + " connected");

        progress("requesting one CLIMATE_START per car while the gateway is down");
        double requestSeconds = requestCommands(system, fleetCars, tokens);
        long queued = system.count(
                "SELECT count(*) FROM command.commands WHERE status = 'QUEUED' AND created_at >= ?",
                Timestamp.from(roundStart));
        progress(String.format(
                Locale.ROOT,
                "%d commands requested in %.1f s (%.0f/s); %d QUEUED",
                cars,
                requestSeconds,
                cars / requestSeconds,
                queued));
        assertThat(queued).as("commands waiting for their cars").isEqualTo(cars);

        // Flight Recorder starts before the clock: its start-up is not the gateway's
        CpuProfile profile = new CpuProfile(WORK.resolve("backend-storm-" + round + ".jfr"));
        Path postgres = dataDirectory(system);
        String loadBefore = MachineCpu.loadAverage();
        JsonObject before = fleet.status();
        long[] workBefore = {authentications(system), signatures(system)};
        MachineCpu cpu = MachineCpu.read();
        long[] processCpu = {ProcessCpu.self(), ProcessCpu.postgres(postgres), fleet.cpuNanos()};
        Map<Long, ThreadCpu.Used> threadsBefore = ThreadCpu.now();
        long restartedAt = System.currentTimeMillis();
        system.startGateway();
        long listeningAfterMs = System.currentTimeMillis() - restartedAt;
        progress("gateway started again on port " + system.mqttPort() + " (" + listeningAfterMs + " ms)");
        List<Sample> samples = watch(fleet, restartedAt, before.getInteger("delivered"));
        awaitDeliveredInDatabase(system, roundStart);
        double machineCpu = MachineCpu.read().busyPercentSince(cpu);
        String threads = ThreadCpu.perUnit(threadsBefore, ThreadCpu.now(), cars);
        double[] cpuMsPerCar = {
            (ProcessCpu.self() - processCpu[0]) / 1e6 / cars,
            (ProcessCpu.postgres(postgres) - processCpu[1]) / 1e6 / cars,
            (fleet.cpuNanos() - processCpu[2]) / 1e6 / cars
        };
        long[] work = {authentications(system) - workBefore[0], signatures(system) - workBefore[1]};
        String load = loadBefore + " before, " + MachineCpu.loadAverage() + " after";
        Map<String, Double> shares = profile.shares();
        profile.close();

        JsonObject after = fleet.status();
        // only what happened after the restart counts: a car whose last CONNACK is older did not come back
        List<Double> connack = new ArrayList<>();
        List<Double> suback = new ArrayList<>();
        List<Double> received = new ArrayList<>();
        for (String line : fleet.dump()) {
            String[] f = line.split(",");
            addIfAfter(connack, Long.parseLong(f[1]), restartedAt);
            addIfAfter(suback, Long.parseLong(f[2]), restartedAt);
            addIfAfter(received, Long.parseLong(f[3]), restartedAt);
        }
        return new Storm(
                round,
                requestSeconds,
                listeningAfterMs,
                samples,
                sorted(connack),
                sorted(suback),
                sorted(received),
                sorted(deliveredTimes(system, restartedAt, roundStart)),
                after.getLong("failedAttempts") - before.getLong("failedAttempts"),
                errorsSince(before, after),
                after.getLong("lost") - before.getLong("lost"),
                after.getLong("duplicates") - before.getLong("duplicates"),
                machineCpu,
                load,
                cpuMsPerCar,
                threads,
                work,
                shares);
    }

    /** Secret checks the command-service answered so far, from its metrics ({@code carlink.vehicle.auth}). */
    private static long authentications(TestSystem system) {
        long sum = 0;
        for (String line : system.get(null, "/metrics").body().split("\n")) {
            if (line.startsWith("carlink_vehicle_auth_total")) {
                sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** Commands signed so far: each signature takes the car's next counter. */
    private static long signatures(TestSystem system) {
        return system.count("SELECT coalesce(sum(command_counter), 0) FROM command.vehicles");
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

    /**
     * Polls the fleet every 200 ms until every car is back and has its command (the fleet had received {@code
     * receivedBefore} commands before), or the timeout.
     */
    private List<Sample> watch(FleetProcess fleet, long restartedAt, int receivedBefore) throws InterruptedException {
        List<Sample> samples = new ArrayList<>();
        long lastPrint = 0;
        while (true) {
            JsonObject s = fleet.status();
            double seconds = (s.getLong("atMs") - restartedAt) / 1000.0;
            Sample sample = new Sample(
                    seconds,
                    s.getInteger("connected"),
                    s.getInteger("subscribed"),
                    s.getInteger("delivered") - receivedBefore,
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
                        sample.received(),
                        sample.failedAttempts()));
            }
            if (sample.connected() == cars && sample.received() == cars) {
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

    /** Waits (at most 30 s) until every command of the storm was recorded DELIVERED (the car's PUBACK). */
    private void awaitDeliveredInDatabase(TestSystem system, Instant roundStart) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (system.count(
                                "SELECT count(DISTINCT t.command_id) FROM command.command_transitions t JOIN"
                                        + " command.commands c ON c.id = t.command_id WHERE t.to_status = 'DELIVERED'"
                                        + " AND c.created_at >= ?",
                                Timestamp.from(roundStart))
                        < cars
                && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
    }

    /** Waits until no command is open any more (the last storm's timed out: the cars answer none). */
    private static void awaitNoOpenCommand(TestSystem system) throws InterruptedException {
        progress("waiting for the last storm's commands to time out (result timeout " + RESULT_TIMEOUT.toSeconds()
                + " s)");
        long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
        long open;
        while ((open = system.count("SELECT count(*) FROM command.commands WHERE status IN ('QUEUED', 'SENT',"
                                + " 'DELIVERED', 'IN_PROGRESS')"))
                        > 0
                && System.nanoTime() < deadline) {
            Thread.sleep(1000);
        }
        assertThat(open).as("commands still open from the last storm").isZero();
    }

    /** When each of the storm's commands was recorded DELIVERED, in seconds since the gateway was started again. */
    private static List<Double> deliveredTimes(TestSystem system, long restartedAt, Instant roundStart)
            throws SQLException {
        List<Double> out = new ArrayList<>();
        try (Connection c = system.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT extract(epoch FROM min(t.at)) * 1000 FROM"
                        + " command.command_transitions t JOIN command.commands c ON c.id = t.command_id"
                        + " WHERE t.to_status = 'DELIVERED' AND c.created_at >= ? GROUP BY t.command_id")) {
            ps.setTimestamp(1, Timestamp.from(roundStart));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add((rs.getDouble(1) - restartedAt) / 1000.0);
                }
            }
        }
        return out;
    }

    /**
     * CPU time of one secret check (what each CONNECT costs the command-service) at {@code iterations}: this
     * thread's CPU time, which a busy machine does not stretch as it stretches the wall clock.
     */
    private static double authenticationMs(int iterations, int checks) {
        PasswordHasher hasher = new PasswordHasher(iterations);
        String secret = hasher.newSecret();
        String stored = hasher.hash(secret);
        long warm = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < warm) {
            hasher.matches(secret, stored); // compiled before it is timed
        }
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long started = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < checks; i++) {
            assertThat(hasher.matches(secret, stored)).isTrue();
        }
        return (threads.getCurrentThreadCpuTime() - started) / 1e6 / checks;
    }

    // ------------------------------------------------------------------------------------------- report

    private void report(Enrollment.Result enrolled, double firstConnects, List<Storm> storms, double[] authMs) {
        StringBuilder text = new StringBuilder(String.format(
                Locale.ROOT,
                "Reconnect storm: %d cars reconnecting after a gateway restart, one CLIMATE_START waiting for each%n"
                        + "backend in one JVM (log to a file), cars in another (Vert.x MQTT 3.1.1, keep-alive %d s);"
                        + " %d cores; PBKDF2 at 1000 iterations%n"
                        + "back-off after a lost connection: attempt k waits uniform [0, min(%d ms, 250 ms * 2^k)]%n"
                        + "enrollment: %d cars in %.1f s (%.0f/s); first connection of all cars: %.0f connects/s%n",
                cars,
                KEEP_ALIVE,
                Runtime.getRuntime().availableProcessors(),
                backoffCapMs,
                cars,
                enrolled.seconds(),
                enrolled.perSecond(),
                firstConnects));
        text.append(String.format(
                Locale.ROOT,
                "%n%-6s %10s %10s %10s %9s %9s %11s %9s %9s %11s %8s %8s %8s  %s%n",
                "storm",
                "connected",
                "received",
                "DELIVERED",
                "goal",
                "refused",
                "duplicates",
                "checks/c",
                "signs/c",
                "backend ms",
                "db ms",
                "cars ms",
                "machine",
                "load average"));
        for (Storm s : storms) {
            double done = Math.max(
                    s.last(s.connack(), cars), Math.max(s.last(s.received(), cars), s.last(s.delivered(), cars)));
            text.append(String.format(
                    Locale.ROOT,
                    "%-6d %9.1fs %9.1fs %9.1fs %9s %9d %11d %9.2f %9.2f %11.2f %8.2f %8.2f %7.0f%%  %s%n",
                    s.round(),
                    s.last(s.connack(), cars),
                    s.last(s.received(), cars),
                    s.last(s.delivered(), cars),
                    done <= GOAL_SECONDS ? "met" : "not met",
                    s.failedAttempts(),
                    s.duplicates(),
                    s.work()[0] / (double) cars,
                    s.work()[1] / (double) cars,
                    s.cpuMsPerCar()[0],
                    s.cpuMsPerCar()[1],
                    s.cpuMsPerCar()[2],
                    s.machineCpu(),
                    s.load()));
        }
        text.append(String.format(
                Locale.ROOT,
                "(seconds after the gateway was started again until every car was connected, had received its"
                        + " command, and the command was DELIVERED in the database; goal %.0f s. refused: connection"
                        + " attempts refused or failed after the restart; checks/c and signs/c: secret checks answered"
                        + " and commands signed per car; ms: CPU per car of the backend's JVM, PostgreSQL and the cars'"
                        + " JVM; machine: the whole machine's CPU; the load average includes this run's own"
                        + " threads)%n",
                GOAL_SECONDS));
        JsonArray stormJson = new JsonArray();
        List<String> charts = new ArrayList<>();
        for (Storm s : storms) {
            text.append(String.format(
                    Locale.ROOT,
                    "%nstorm %d: commands requested while the gateway was down: %d in %.1f s (%.0f/s), all QUEUED;"
                            + " gateway listening %d ms after its start began (the clock starts at the start)%n",
                    s.round(),
                    cars,
                    s.requestSeconds(),
                    cars / s.requestSeconds(),
                    s.listeningAfterMs()));
            text.append(String.format(
                    Locale.ROOT, "%-34s %8s %8s %8s %8s%n", "seconds after the restart", "p50", "p90", "p99", "all"));
            text.append(line("connected (CONNACK)", s.connack(), cars));
            text.append(line("subscribed to commands (SUBACK)", s.suback(), cars));
            text.append(line("command received by the car", s.received(), cars));
            text.append(line("command DELIVERED in the database", s.delivered(), cars));
            text.append(String.format(
                    Locale.ROOT,
                    "failed or refused attempts by reason: %s; connections lost again: %d%n",
                    s.errors().encode(),
                    s.lostAgain()));
            text.append("the backend JVM's CPU per car, by kind of thread:\n").append(s.threads());
            text.append(String.format(
                    Locale.ROOT,
                    "Java execution samples of the backend JVM (%.0f; JIT, garbage collector and native code are not"
                            + " sampled), by the innermost concern on the stack:%n",
                    s.profile().get("samples")));
            text.append(CpuProfile.format(s.profile()));
            stormJson.add(json(s));
            charts.add(chart(s));
        }
        text.append(String.format(
                Locale.ROOT,
                "%none secret check (each CONNECT): %.2f ms of CPU at 1,000 PBKDF2 iterations, %.0f ms at the default"
                        + " 210,000: %d reconnects need %.0f CPU-seconds with the default, %.0f s on %d cores before"
                        + " anything else%n",
                authMs[0],
                authMs[1],
                cars,
                cars * authMs[1] / 1000,
                cars * authMs[1] / 1000 / Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().availableProcessors()));
        JsonObject json = new JsonObject()
                .put("cars", cars)
                .put("backoffCapMs", backoffCapMs)
                .put("hashIterations", 1000)
                .put("resultTimeoutSeconds", RESULT_TIMEOUT.toSeconds())
                .put("enrolledPerSecond", Math.round(enrolled.perSecond()))
                .put("firstConnectsPerSecond", Math.round(firstConnects))
                .put("goalSeconds", GOAL_SECONDS)
                .put("storms", stormJson)
                .put("authenticationMsAt1000", round2(authMs[0]))
                .put("authenticationMsAt210000", round2(authMs[1]));
        BenchFiles.write(
                "reconnect-storm", text.toString(), json, BenchChart.page("Reconnect storm", text.toString(), charts));
    }

    private JsonObject json(Storm s) {
        JsonArray curve = new JsonArray();
        for (Sample sample : s.samples()) {
            curve.add(new JsonObject()
                    .put("seconds", Units.round(sample.seconds()))
                    .put("connected", sample.connected())
                    .put("subscribed", sample.subscribed())
                    .put("commandReceived", sample.received())
                    .put("failedAttempts", sample.failedAttempts()));
        }
        return new JsonObject()
                .put("round", s.round())
                .put("commandsRequestedPerSecond", Math.round(cars / s.requestSeconds()))
                .put("listeningAfterMs", s.listeningAfterMs())
                .put("secondsToAllConnected", nullIfNaN(s.last(s.connack(), cars)))
                .put("secondsToAllCommandsReceived", nullIfNaN(s.last(s.received(), cars)))
                .put("secondsToAllDelivered", nullIfNaN(s.last(s.delivered(), cars)))
                .put("connected", percentiles(s.connack()))
                .put("subscribed", percentiles(s.suback()))
                .put("commandReceived", percentiles(s.received()))
                .put("deliveredInDatabase", percentiles(s.delivered()))
                .put("failedAttemptsAfterRestart", s.failedAttempts())
                .put("errorsAfterRestart", s.errors())
                .put("lostAgain", s.lostAgain())
                .put("duplicates", s.duplicates())
                .put("machineCpuPercent", Math.round(s.machineCpu()))
                .put("loadAverage", s.load())
                .put("backendCpuMsPerCar", round2(s.cpuMsPerCar()[0]))
                .put("postgresCpuMsPerCar", round2(s.cpuMsPerCar()[1]))
                .put("fleetCpuMsPerCar", round2(s.cpuMsPerCar()[2]))
                .put("secretChecks", s.work()[0])
                .put("commandsSigned", s.work()[1])
                .put("backendJavaSamplesPercent", new JsonObject(new java.util.LinkedHashMap<>(s.profile())))
                .put("curve", curve);
    }

    private String chart(Storm s) {
        List<Sample> samples = s.samples();
        double[] x = new double[samples.size()];
        double[] connected = new double[samples.size()];
        double[] subscribed = new double[samples.size()];
        double[] received = new double[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            x[i] = samples.get(i).seconds();
            connected[i] = samples.get(i).connected();
            subscribed[i] = samples.get(i).subscribed();
            received[i] = samples.get(i).received();
        }
        return BenchChart.chart(
                "storm " + s.round() + ": cars connected and commands received after the gateway restart (polled every"
                        + " 200 ms)",
                "seconds after the gateway was started again",
                "cars",
                false,
                List.of(new BenchChart.Band("goal: " + (int) GOAL_SECONDS + " s", 0, GOAL_SECONDS)),
                List.of(
                        new BenchChart.Series("connected", x, connected),
                        new BenchChart.Series("subscribed", x, subscribed),
                        new BenchChart.Series("command received", x, received),
                        new BenchChart.Series("DELIVERED in the database", x, cumulative(s.delivered(), x))));
    }

    private static Double nullIfNaN(double v) {
        return Double.isNaN(v) ? null : round2(v);
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
                "%-34s %8.2f %8.2f %8.2f %8.2f%s%n",
                what,
                percentile(sorted, 50),
                percentile(sorted, 90),
                percentile(sorted, 99),
                sorted[sorted.length - 1],
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
