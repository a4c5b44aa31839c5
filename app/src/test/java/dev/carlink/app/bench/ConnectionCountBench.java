package dev.carlink.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.app.bench.conn.Enrollment;
import dev.carlink.app.bench.conn.FleetProcess;
import dev.carlink.app.bench.conn.HeapHistogram;
import dev.carlink.app.bench.conn.ServerProcess;
import dev.carlink.app.bench.conn.ServerProcess.HeapSample;
import dev.carlink.command.account.PasswordHasher;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.Vins;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Connected cars per gateway process: heap per connection, resident memory and connect rate.
 *
 * <p>The gateway runs in the all-in-one server ({@code dev.carlink.app.Main}, what {@code carlink.jar} runs) in a
 * JVM of its own; the cars ({@code FleetMain}: Vert.x MQTT 3.1.1 clients with a 60 s keep-alive, each
 * subscribing to its commands topic as every car does) run in another. The server's heap is read after a full
 * collection ({@code jcmd GC.class_histogram}: live bytes, also by class) before any car connects and after
 * each step of connections, once the gateway counts them all and the database has every car online. Bytes per
 * connection are (heap after N - heap before) / N; the fitted figure is the least-squares slope over the steps.
 * The connect rate runs from a step's first CONNECT to its last CONNACK, with at most {@code
 * bench.conn.max-connecting} CONNECTs awaiting their CONNACK; every CONNECT is authenticated (PBKDF2 of the car's
 * secret at {@code bench.conn.hash-iterations}). The largest step is then held for {@code
 * bench.conn.hold.seconds}, longer than a keep-alive interval, and must lose no connection.
 *
 * <p>Baseline, first: a bare vertx-mqtt server ({@code BareMqttServerMain}: accepts everything, keeps nothing
 * of its own) measured the same way with the largest step's number of cars. The difference is carlink's.
 *
 * <p>A process may open at most 20,000 files on this machine (hard limit; not raisable without
 * CAP_SYS_RESOURCE), and each end of a loopback connection is a file of its own process: one gateway process
 * holds at most about 19,500 cars. With {@code bench.conn.total} above the largest step, more gateway processes
 * (sharing the first one's PostgreSQL) and as many fleet processes are started until the total is connected;
 * their cars are written straight into the database (one secret, hashed with the same iterations) rather than
 * enrolled one by one. No source address is bound: each fleet connects to its own gateway port, which gives it
 * the whole ephemeral port range, and explicitly bound ports would be withheld from every other process's
 * outgoing connections on the machine.
 *
 * <p>{@code mvn -B -Pbench verify -pl app -am -Dit.test=ConnectionCountBench}; properties {@code
 * bench.conn.steps} (2000,5000,10000,19000), {@code bench.conn.total} (100000; 0 for one process only), {@code
 * bench.conn.bare} (true), {@code bench.conn.hold.seconds} (75), {@code bench.conn.keep-alive} (60 s), {@code
 * bench.conn.max-connecting} (200), {@code bench.conn.hash-iterations} (1000), {@code bench.conn.enroll-threads}
 * (16), {@code bench.conn.server.xmx} (2g), {@code bench.conn.fleet.xmx} (2g).
 */
class ConnectionCountBench {

    private static final Path WORK = BenchFiles.DIR.resolve("connections");
    private static final long FIRST_VIN = 1_000_001;
    private static final int GROWTH_ROWS = 30;
    private static final int BEYOND_ROWS = 25;
    private static final double GOAL_BYTES = 8192;

    private final List<Integer> steps = BenchProperties.ints("bench.conn.steps", "2000,5000,10000,19000").stream()
            .sorted()
            .toList();
    private final int largest = Collections.max(steps);
    private final int total = Math.max(largest, Integer.getInteger("bench.conn.total", 100_000));
    private final boolean bare = Boolean.parseBoolean(System.getProperty("bench.conn.bare", "true"));
    private final int hold = Integer.getInteger("bench.conn.hold.seconds", 75);
    private final int keepAlive = Integer.getInteger("bench.conn.keep-alive", 60);
    private final int maxConnecting = Integer.getInteger("bench.conn.max-connecting", 200);
    private final int iterations = Integer.getInteger("bench.conn.hash-iterations", 1000);
    private final int enrollThreads = Integer.getInteger("bench.conn.enroll-threads", 16);
    private final List<String> serverJvm = List.of("-Xmx" + System.getProperty("bench.conn.server.xmx", "2g"));
    private final List<String> fleetJvm = List.of("-Xmx" + System.getProperty("bench.conn.fleet.xmx", "2g"));

    private final List<ServerProcess> servers = new ArrayList<>();
    private final List<FleetProcess> fleets = new ArrayList<>();

    /** A server's memory with no car and with its cars connected, and how fast they connected. */
    private record Measured(
            String name,
            int connections,
            int added,
            long refused,
            double connectSeconds,
            double cpuPercent,
            Cpu cpu,
            HeapSample before,
            HeapSample after,
            long fleetResidentBytes) {

        double connectRate() {
            return added / connectSeconds;
        }

        double heapPerConnection() {
            return perConnection(after.liveBytes() - before.liveBytes(), connections);
        }

        double residentPerConnection() {
            return perConnection(after.residentBytes() - before.residentBytes(), connections);
        }

        JsonObject json() {
            return new JsonObject()
                    .put("process", name)
                    .put("connections", connections)
                    .put("added", added)
                    .put("refusedAndRetried", refused)
                    .put("connectSeconds", round3(connectSeconds))
                    .put("connectsPerSecond", Math.round(connectRate()))
                    .put("machineCpuPercent", Math.round(cpuPercent))
                    .put("serverCpuMsPerConnect", cpu.serverMs(added))
                    .put("databaseCpuMsPerConnect", Double.isNaN(cpu.databaseMs(added)) ? null : cpu.databaseMs(added))
                    .put("fleetCpuMsPerConnect", cpu.fleetMs(added))
                    .put("liveHeapBytesBefore", before.liveBytes())
                    .put("liveHeapBytes", after.liveBytes())
                    .put("heapUsedAfterGcBytes", after.usedBytes())
                    .put("heapCommittedBytes", after.committedBytes())
                    .put("residentBytesBefore", before.residentBytes())
                    .put("residentBytes", after.residentBytes())
                    .put("heapBytesPerConnection", heapPerConnection())
                    .put("residentBytesPerConnection", residentPerConnection())
                    .put("fleetResidentBytes", fleetResidentBytes);
        }
    }

    /**
     * CPU time used while a step connected and settled, by the server's JVM, its PostgreSQL (negative: it has
     * none of its own) and the fleet.
     */
    private record Cpu(long serverNanos, long databaseNanos, long fleetNanos) {

        static Cpu of(ServerProcess server, FleetProcess fleet) {
            return new Cpu(server.cpuNanos(), server.databaseCpuNanos(), fleet.cpuNanos());
        }

        /** A server whose database is elsewhere (the bare one, or one on another server's PostgreSQL). */
        static Cpu withoutDatabase(ServerProcess server, FleetProcess fleet) {
            return new Cpu(server.cpuNanos(), -1, fleet.cpuNanos());
        }

        Cpu since(Cpu start) {
            return new Cpu(
                    serverNanos - start.serverNanos,
                    databaseNanos < 0 ? -1 : databaseNanos - start.databaseNanos,
                    fleetNanos - start.fleetNanos);
        }

        double serverMs(int connects) {
            return ms(serverNanos, connects);
        }

        double databaseMs(int connects) {
            return databaseNanos < 0 ? Double.NaN : ms(databaseNanos, connects);
        }

        double fleetMs(int connects) {
            return ms(fleetNanos, connects);
        }

        private static double ms(long nanos, int connects) {
            return Math.round(nanos / 1e4 / connects) / 100.0;
        }
    }

    private Measured bareResult;
    private Enrollment.Result enrolled;
    private final List<Measured> stepResults = new ArrayList<>();
    private HeapSample held;
    private JsonObject heldStatus;
    private int heldGatewayCount;
    private final List<Measured> others = new ArrayList<>();
    private double othersSeconds;
    private String loadBefore;
    private String loadAfter;
    private double othersDatabaseMs;
    private int gatewayTotal;
    private long lostTotal;

    @Test
    void connections() throws Exception {
        String openFiles = openFilesLimit();
        loadBefore = MachineCpu.loadAverage();
        progress("open files per process: " + openFiles + "; "
                + Runtime.getRuntime().availableProcessors() + " cores");
        deleteRecursively(WORK);
        try {
            if (bare) {
                bareBaseline();
            }
            List<VehicleCredentials> cars = firstProcess();
            if (total > largest) {
                moreProcesses(cars);
            }
            gatewayTotal = servers.stream().mapToInt(ServerProcess::connections).sum();
            for (FleetProcess f : fleets) {
                lostTotal += f.status().getLong("lost");
            }
            loadAfter = MachineCpu.loadAverage();
            report(openFiles);
        } finally {
            fleets.forEach(FleetProcess::close);
            // the first server owns the PostgreSQL the others use: it stops last
            for (int i = servers.size() - 1; i >= 0; i--) {
                servers.get(i).close();
            }
        }
        assertThat(heldStatus.getLong("lost")).as("connections lost while held").isZero();
        assertThat(heldGatewayCount).as("cars the gateway holds after the hold").isEqualTo(largest);
        assertThat(gatewayTotal)
                .as("cars connected across all gateway processes")
                .isEqualTo(total);
        assertThat(lostTotal).as("connections lost in any fleet").isZero();
    }

    /** A bare vertx-mqtt server with the largest step's number of cars: the framework's own cost. */
    private void bareBaseline() {
        progress("baseline: bare vertx-mqtt server, " + largest + " cars");
        List<VehicleCredentials> cars = new ArrayList<>();
        for (int i = 0; i < largest; i++) {
            cars.add(new VehicleCredentials(Vins.simulatorVin(FIRST_VIN + i), "no-secret-checked", List.of()));
        }
        ServerProcess server = ServerProcess.bare("bare", WORK, serverJvm);
        try (FleetProcess fleet = FleetProcess.start(
                "bare-fleet",
                WORK,
                cars,
                "127.0.0.1",
                server.mqttPort(),
                keepAlive,
                maxConnecting,
                2000,
                fleetJvm,
                ConnectionCountBench::progress)) {
            HeapSample before = server.heap(WORK.resolve("bare-histogram-0.txt"));
            MachineCpu cpu = MachineCpu.read();
            Cpu processes = Cpu.withoutDatabase(server, fleet);
            JsonObject r = fleet.connect(largest, Duration.ofMinutes(10));
            Cpu used = Cpu.withoutDatabase(server, fleet).since(processes);
            double cpuPercent = MachineCpu.read().busyPercentSince(cpu);
            assertThat(r.getInteger("connected")).as("bare server: " + r).isEqualTo(largest);
            pause(2000);
            HeapSample after = server.heap(WORK.resolve("bare-histogram-" + largest + ".txt"));
            bareResult = new Measured(
                    "bare vertx-mqtt",
                    largest,
                    largest,
                    r.getLong("refused"),
                    r.getDouble("connackSeconds"),
                    cpuPercent,
                    used,
                    before,
                    after,
                    fleet.residentBytes());
            progress(String.format(
                    Locale.ROOT,
                    "bare vertx-mqtt: %d connected at %.0f connects/s, %.0f heap bytes per connection",
                    largest,
                    bareResult.connectRate(),
                    bareResult.heapPerConnection()));
        } finally {
            server.close();
        }
    }

    /** The steps on one gateway process, then the hold. Returns every car (the first process's enrolled). */
    private List<VehicleCredentials> firstProcess() throws Exception {
        progress("starting gateway process 1 (all-in-one server, " + serverJvm + ")");
        ServerProcess first = ServerProcess.start("server-1", WORK, -1, 16, iterations, serverJvm);
        servers.add(first);
        progress("enrolling " + largest + " cars through the API (" + enrollThreads + " at once, PBKDF2 at "
                + iterations + " iterations)");
        enrolled = Enrollment.enroll(
                first.api(),
                ServerProcess.STAFF,
                ServerProcess.STAFF_PASSWORD,
                ServerProcess.OWNERS,
                FIRST_VIN,
                largest,
                enrollThreads,
                ConnectionCountBench::progress);
        progress(String.format(
                Locale.ROOT, "enrolled %d cars in %.1f s (%.0f/s)", largest, enrolled.seconds(), enrolled.perSecond()));
        List<VehicleCredentials> cars = new ArrayList<>(enrolled.cars());
        if (total > largest) {
            cars.addAll(writeCars(first, FIRST_VIN + largest, total - largest));
        }

        pause(3000);
        HeapSample base = first.heap(WORK.resolve("histogram-0.txt"));
        progress(String.format(
                Locale.ROOT,
                "no car connected: live heap %.1f MB, used %.1f MB, resident %.1f MB",
                base.liveBytes() / 1e6,
                base.usedBytes() / 1e6,
                base.residentBytes() / 1e6));
        FleetProcess fleet = FleetProcess.start(
                "fleet-1",
                WORK,
                cars.subList(0, largest),
                "127.0.0.1",
                first.mqttPort(),
                keepAlive,
                maxConnecting,
                2000,
                fleetJvm,
                ConnectionCountBench::progress);
        fleets.add(fleet);
        int connected = 0;
        for (int target : steps) {
            int add = target - connected;
            progress("connecting " + add + " more cars (to " + target + ")");
            MachineCpu cpu = MachineCpu.read();
            Cpu processes = Cpu.of(first, fleet);
            JsonObject r = fleet.connect(add, Duration.ofMinutes(10));
            assertThat(r.getInteger("connected")).as("cars connected: " + r).isEqualTo(add);
            connected = target;
            awaitSettled(first, connected);
            // the step's cost includes the presence writes that follow each subscription
            Cpu used = Cpu.of(first, fleet).since(processes);
            double cpuPercent = MachineCpu.read().busyPercentSince(cpu);
            pause(2000);
            Measured step = new Measured(
                    "server-1",
                    target,
                    add,
                    r.getLong("refused"),
                    r.getDouble("connackSeconds"),
                    cpuPercent,
                    used,
                    base,
                    first.heap(WORK.resolve("histogram-" + target + ".txt")),
                    fleet.residentBytes());
            stepResults.add(step);
            progress(String.format(
                    Locale.ROOT,
                    "%d connected: %.0f connects/s, live heap %.1f MB (%.0f bytes per connection), resident %.1f MB",
                    target,
                    step.connectRate(),
                    step.after().liveBytes() / 1e6,
                    step.heapPerConnection(),
                    step.after().residentBytes() / 1e6));
        }

        progress("holding " + largest + " connections for " + hold + " s (keep-alive " + keepAlive + " s)");
        long holdEnd = System.nanoTime() + Duration.ofSeconds(hold).toNanos();
        while (System.nanoTime() < holdEnd) {
            pause(Math.min(15_000, Math.max(1, (holdEnd - System.nanoTime()) / 1_000_000)));
            JsonObject s = fleet.status();
            progress(String.format(
                    Locale.ROOT,
                    "held: gateway counts %d, fleet connected %d, lost %d",
                    first.connections(),
                    s.getInteger("connected"),
                    s.getLong("lost")));
        }
        heldStatus = fleet.status();
        heldGatewayCount = first.connections();
        held = first.heap(WORK.resolve("histogram-held.txt"));
        return cars;
    }

    /**
     * Cars beyond the first process, written straight into the database: one secret for all of them, hashed
     * as enrollment hashes it (each CONNECT still checks it), trusting the active signing key.
     */
    private List<VehicleCredentials> writeCars(ServerProcess server, long firstNumber, int count) throws SQLException {
        PasswordHasher hasher = new PasswordHasher(iterations);
        String secret = hasher.newSecret();
        progress("writing " + count + " more cars straight into the database");
        try (Connection c = DriverManager.getConnection(jdbcUrl(server), "postgres", "");
                PreparedStatement ps = c.prepareStatement("INSERT INTO command.vehicles (vin, owner_id, name, "
                        + "secret_hash, enrolled_at, trusted_key_id) SELECT 'SMCAR' || lpad((? + g)::text, 12, '0'), "
                        + "(SELECT id FROM command.users WHERE username = 'alice'), 'bench car ' || g, ?, now(), "
                        + "(SELECT key_id FROM command.signing_keys WHERE state = 'ACTIVE') "
                        + "FROM generate_series(0, ? - 1) g")) {
            ps.setLong(1, firstNumber);
            ps.setString(2, hasher.hash(secret));
            ps.setInt(3, count);
            assertThat(ps.executeUpdate()).isEqualTo(count);
        }
        List<VehicleCredentials> cars = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            cars.add(new VehicleCredentials(Vins.simulatorVin(firstNumber + i), secret, List.of()));
        }
        return cars;
    }

    /**
     * Beyond one process: more gateway processes on the first one's PostgreSQL, each with a fleet process of its
     * own, all connecting at once, then held.
     */
    private void moreProcesses(List<VehicleCredentials> cars) throws Exception {
        int remaining = total - largest;
        int processes = (remaining + largest - 1) / largest;
        int share = (remaining + processes - 1) / processes;
        int postgres = servers.get(0).postgresPort();
        progress(String.format(
                Locale.ROOT,
                "%d more cars: %d more gateway processes of up to %d cars each, on server-1's PostgreSQL",
                remaining,
                processes,
                share));
        List<HeapSample> bases = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (int p = 0; p < processes; p++) {
            int from = largest + p * share;
            int to = Math.min(total, from + share);
            String name = "server-" + (p + 2);
            progress("starting " + name);
            ServerProcess server = ServerProcess.start(name, WORK, postgres, 4, iterations, serverJvm);
            servers.add(server);
            bases.add(server.heap(WORK.resolve(name + "-histogram-0.txt")));
            fleets.add(FleetProcess.start(
                    "fleet-" + (p + 2),
                    WORK,
                    cars.subList(from, to),
                    "127.0.0.1",
                    server.mqttPort(),
                    keepAlive,
                    maxConnecting,
                    2000,
                    fleetJvm,
                    ConnectionCountBench::progress));
            counts.add(to - from);
        }
        progress("connecting " + remaining + " cars through " + processes + " processes at once");
        ExecutorService pool = Executors.newFixedThreadPool(processes);
        try {
            MachineCpu cpu = MachineCpu.read();
            List<Cpu> processesCpu = new ArrayList<>();
            for (int p = 0; p < processes; p++) {
                processesCpu.add(Cpu.withoutDatabase(servers.get(p + 1), fleets.get(p + 1)));
            }
            long sharedDatabase = servers.get(0).databaseCpuNanos();
            long started = System.nanoTime();
            List<Future<JsonObject>> results = new ArrayList<>();
            for (int p = 0; p < processes; p++) {
                FleetProcess fleet = fleets.get(p + 1);
                int count = counts.get(p);
                results.add(pool.submit(() -> fleet.connect(count, Duration.ofMinutes(15))));
            }
            List<JsonObject> answers = new ArrayList<>();
            for (Future<JsonObject> f : results) {
                answers.add(f.get());
            }
            othersSeconds = (System.nanoTime() - started) / 1e9;
            List<Cpu> used = new ArrayList<>();
            for (int p = 0; p < processes; p++) {
                used.add(Cpu.withoutDatabase(servers.get(p + 1), fleets.get(p + 1))
                        .since(processesCpu.get(p)));
            }
            // the one PostgreSQL served them all (server-1's own cars only sent keep-alives meanwhile)
            othersDatabaseMs = (servers.get(0).databaseCpuNanos() - sharedDatabase) / 1e6 / remaining;
            double cpuPercent = MachineCpu.read().busyPercentSince(cpu);
            for (int p = 0; p < processes; p++) {
                assertThat(answers.get(p).getInteger("connected"))
                        .as("cars connected: " + answers.get(p))
                        .isEqualTo(counts.get(p));
            }
            int connected =
                    servers.stream().mapToInt(ServerProcess::connections).sum();
            progress(String.format(
                    Locale.ROOT,
                    "%d connected across %d gateway processes (the last %d in %.1f s); holding for %d s",
                    connected,
                    servers.size(),
                    remaining,
                    othersSeconds,
                    hold));
            pause(hold * 1000L);
            for (int p = 0; p < processes; p++) {
                ServerProcess server = servers.get(p + 1);
                others.add(new Measured(
                        server.name(),
                        server.connections(),
                        counts.get(p),
                        answers.get(p).getLong("refused"),
                        answers.get(p).getDouble("connackSeconds"),
                        cpuPercent,
                        used.get(p),
                        bases.get(p),
                        server.heap(WORK.resolve(server.name() + "-histogram-held.txt")),
                        fleets.get(p + 1).residentBytes()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Waits until the gateway counts every car and the database has them all online (presence settled). */
    private static void awaitSettled(ServerProcess server, int expected) throws SQLException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        try (Connection c = DriverManager.getConnection(jdbcUrl(server), "postgres", "");
                Statement s = c.createStatement()) {
            while (true) {
                int gateway = server.connections();
                long online;
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM command.vehicles WHERE online")) {
                    rs.next();
                    online = rs.getLong(1);
                }
                if (gateway == expected && online == expected) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "gateway counts " + gateway + ", database has " + online + " online, expected " + expected);
                }
                pause(250);
            }
        }
    }

    private static String jdbcUrl(ServerProcess server) {
        return "jdbc:postgresql://127.0.0.1:" + server.postgresPort() + "/postgres";
    }

    // ------------------------------------------------------------------------------------------- report

    private void report(String openFiles) {
        Measured last = stepResults.get(stepResults.size() - 1);
        HeapSample base = last.before();
        StringBuilder text = new StringBuilder();
        text.append(String.format(
                Locale.ROOT,
                "Connected cars per gateway process: the all-in-one server in a JVM of its own (%s), the cars in"
                        + " another%n(Vert.x MQTT 3.1.1 clients, keep-alive %d s, each subscribed to its commands"
                        + " topic); %d cores; open files per process: %s%n"
                        + "every CONNECT authenticated (PBKDF2 at %d iterations); at most %d CONNECTs awaiting their"
                        + " CONNACK%nenrollment through the API: %d cars in %.1f s (%.0f/s, %d at once)%n"
                        + "load average %s at the start, %s at the end (the machine is shared: connect rates move with"
                        + " what else runs, heap figures do not)%n",
                String.join(" ", serverJvm),
                keepAlive,
                Runtime.getRuntime().availableProcessors(),
                openFiles,
                iterations,
                maxConnecting,
                enrolled.cars().size(),
                enrolled.seconds(),
                enrolled.perSecond(),
                enrollThreads,
                loadBefore,
                loadAfter));
        text.append(memoryHeader());
        if (bareResult != null) {
            text.append(memoryRow(bareResult, Double.NaN));
        }
        text.append(String.format(
                Locale.ROOT,
                "%-16s %11d %9.1f %9s %9s %11.1f %9s%n",
                "server-1",
                0,
                base.liveBytes() / 1e6,
                "",
                "",
                base.residentBytes() / 1e6,
                ""));
        long previousLive = base.liveBytes();
        JsonArray stepJson = new JsonArray();
        for (Measured s : stepResults) {
            text.append(memoryRow(s, perConnection(s.after().liveBytes() - previousLive, s.added())));
            stepJson.add(s.json());
            previousLive = s.after().liveBytes();
        }
        text.append(connectHeader());
        if (bareResult != null) {
            text.append(connectRow(bareResult));
        }
        stepResults.forEach(m -> text.append(connectRow(m)));
        double fitted = slope(base, stepResults);
        double connectSeconds =
                stepResults.stream().mapToDouble(Measured::connectSeconds).sum();
        text.append(String.format(
                Locale.ROOT,
                "%nheap per connection: %.0f bytes at %d connections, %.0f fitted over the steps (goal: at most %.0f)",
                last.heapPerConnection(),
                largest,
                fitted,
                GOAL_BYTES));
        if (bareResult != null) {
            text.append(String.format(
                    Locale.ROOT,
                    "; bare vertx-mqtt %.0f, so carlink's own share is %.0f",
                    bareResult.heapPerConnection(),
                    last.heapPerConnection() - bareResult.heapPerConnection()));
        }
        text.append(String.format(
                Locale.ROOT,
                "%nconnect rate: %d cars in %.1f s of connecting, %.0f connects/s%n",
                largest,
                connectSeconds,
                largest / connectSeconds));
        text.append(String.format(
                Locale.ROOT,
                "held %d s: the gateway counts %d cars, the fleet lost %d connections; live heap after %.1f MB (%.0f"
                        + " bytes per connection), resident %.1f MB (%.0f bytes per connection)%n",
                hold,
                heldGatewayCount,
                heldStatus.getLong("lost"),
                held.liveBytes() / 1e6,
                perConnection(held.liveBytes() - base.liveBytes(), largest),
                held.residentBytes() / 1e6,
                perConnection(held.residentBytes() - base.residentBytes(), largest)));

        List<HeapHistogram.Growth> growth = last.after().histogram().growthSince(base.histogram(), GROWTH_ROWS);
        text.append(String.format(
                Locale.ROOT,
                "%nwhere the heap goes: live bytes gained per connection at %d connections, by class",
                largest));
        if (bareResult != null) {
            text.append(" (bare vertx-mqtt alongside)");
        }
        text.append(String.format(Locale.ROOT, "%n%9s %9s %9s  %s%n", "carlink", "objects", "bare", "class"));
        Map<String, HeapHistogram.Growth> bareGrowth = new LinkedHashMap<>();
        if (bareResult != null) {
            bareResult
                    .after()
                    .histogram()
                    .growthSince(bareResult.before().histogram(), Integer.MAX_VALUE)
                    .forEach(g -> bareGrowth.put(g.className(), g));
        }
        JsonArray growthJson = new JsonArray();
        for (HeapHistogram.Growth g : growth) {
            HeapHistogram.Growth b = bareGrowth.get(g.className());
            double bareBytes = b == null ? 0 : b.bytes() / (double) largest;
            text.append(String.format(
                    Locale.ROOT,
                    "%9.0f %9.2f %9s  %s%n",
                    g.bytes() / (double) largest,
                    g.instances() / (double) largest,
                    bareResult == null ? "" : String.format(Locale.ROOT, "%.0f", bareBytes),
                    g.className()));
            growthJson.add(new JsonObject()
                    .put("class", g.className())
                    .put("bytesPerConnection", Math.round(g.bytes() / (double) largest))
                    .put("instancesPerConnection", Units.round(g.instances() / (double) largest))
                    .put("bareBytesPerConnection", bareResult == null ? null : Math.round(bareBytes)));
        }
        JsonArray beyondJson = new JsonArray();
        if (bareResult != null) {
            text.append(String.format(
                    Locale.ROOT,
                    "%ncarlink beyond the bare server (live bytes per connection, largest first):%n%9s %9s  %s%n",
                    "bytes",
                    "objects",
                    "class"));
            List<HeapHistogram.Growth> beyond = new ArrayList<>();
            for (HeapHistogram.Growth g : last.after().histogram().growthSince(base.histogram(), Integer.MAX_VALUE)) {
                HeapHistogram.Growth b = bareGrowth.get(g.className());
                beyond.add(new HeapHistogram.Growth(
                        g.className(),
                        g.instances() - (b == null ? 0 : b.instances()),
                        g.bytes() - (b == null ? 0 : b.bytes())));
            }
            beyond.sort(java.util.Comparator.comparingLong(HeapHistogram.Growth::bytes)
                    .reversed());
            for (HeapHistogram.Growth g : beyond.subList(0, Math.min(BEYOND_ROWS, beyond.size()))) {
                text.append(String.format(
                        Locale.ROOT,
                        "%9.0f %9.2f  %s%n",
                        g.bytes() / (double) largest,
                        g.instances() / (double) largest,
                        g.className()));
                beyondJson.add(new JsonObject()
                        .put("class", g.className())
                        .put("bytesPerConnection", Math.round(g.bytes() / (double) largest))
                        .put("instancesPerConnection", Units.round(g.instances() / (double) largest)));
            }
        }
        text.append(byOrigin(last, bareResult));

        JsonArray otherJson = new JsonArray();
        if (!others.isEmpty()) {
            text.append(String.format(
                    Locale.ROOT,
                    "%n%d cars on %d gateway processes (a fleet process each; server-1 keeps its %d; one"
                            + " PostgreSQL):%n",
                    total,
                    servers.size(),
                    largest));
            text.append(memoryHeader());
            others.forEach(m -> text.append(memoryRow(m, Double.NaN)));
            text.append(connectHeader());
            for (Measured m : others) {
                text.append(connectRow(m));
                otherJson.add(m.json());
            }
            text.append(String.format(
                    Locale.ROOT,
                    "total: the gateways count %d cars (goal %d); the last %d connected in %.1f s through %d processes"
                            + " at once (%.0f/s), the shared PostgreSQL %.2f ms of CPU per connect; connections lost in"
                            + " any fleet: %d%n",
                    gatewayTotal,
                    total,
                    total - largest,
                    othersSeconds,
                    others.size(),
                    (total - largest) / othersSeconds,
                    othersDatabaseMs,
                    lostTotal));
        }

        JsonObject json = new JsonObject()
                .put("keepAliveSeconds", keepAlive)
                .put("hashIterations", iterations)
                .put("maxConnecting", maxConnecting)
                .put("openFilesPerProcess", openFiles)
                .put("serverJvm", String.join(" ", serverJvm))
                .put("loadAverage", loadBefore + " at the start, " + loadAfter + " at the end")
                .put("enrolledPerSecond", Math.round(enrolled.perSecond()))
                .put("bare", bareResult == null ? null : bareResult.json())
                .put("baselineLiveHeapBytes", base.liveBytes())
                .put("baselineResidentBytes", base.residentBytes())
                .put("steps", stepJson)
                .put("heapBytesPerConnectionFitted", Math.round(fitted))
                .put(
                        "held",
                        new JsonObject()
                                .put("seconds", hold)
                                .put("gatewayConnections", heldGatewayCount)
                                .put("lost", heldStatus.getLong("lost"))
                                .put("liveHeapBytes", held.liveBytes())
                                .put("residentBytes", held.residentBytes()))
                .put("heapGrowthByClass", growthJson)
                .put("heapBeyondBareByClass", beyondJson)
                .put(
                        "moreProcesses",
                        others.isEmpty()
                                ? null
                                : new JsonObject()
                                        .put("goal", total)
                                        .put("gatewayConnections", gatewayTotal)
                                        .put("connectSeconds", round3(othersSeconds))
                                        .put(
                                                "sharedDatabaseCpuMsPerConnect",
                                                Math.round(othersDatabaseMs * 100) / 100.0)
                                        .put("lost", lostTotal)
                                        .put("processes", otherJson));
        BenchFiles.write("connections", text.toString(), json, html(text.toString(), base));
    }

    private static String memoryHeader() {
        return String.format(
                Locale.ROOT,
                "%n%-16s %11s %9s %9s %9s %11s %9s %10s%n",
                "memory",
                "connections",
                "live MB",
                "B/conn",
                "step B/c",
                "resident MB",
                "RSS B/c",
                "fleet RSS");
    }

    /** {@code stepBytes}: the heap per connection the step itself added. */
    private static String memoryRow(Measured m, double stepBytes) {
        return String.format(
                Locale.ROOT,
                "%-16s %11d %9.1f %9.0f %9s %11.1f %9.0f %8.0fMB%n",
                m.name(),
                m.connections(),
                m.after().liveBytes() / 1e6,
                m.heapPerConnection(),
                Double.isNaN(stepBytes) ? "" : String.format(Locale.ROOT, "%.0f", stepBytes),
                m.after().residentBytes() / 1e6,
                m.residentPerConnection(),
                m.fleetResidentBytes() / 1e6);
    }

    private static String connectHeader() {
        return String.format(
                Locale.ROOT,
                "%n%-16s %11s %8s %9s %10s %9s %13s %12s %13s%n",
                "connecting",
                "connections",
                "refused",
                "connect s",
                "connects/s",
                "machine%",
                "server ms/c",
                "db ms/c",
                "fleet ms/c");
    }

    /** CPU per connect: the server's JVM, its PostgreSQL, the fleet's JVM (connect and presence settled). */
    private static String connectRow(Measured m) {
        return String.format(
                Locale.ROOT,
                "%-16s %11s %8d %9.2f %10.0f %9.0f %13.2f %12s %13.2f%n",
                m.name(),
                m.connections() == m.added() ? String.valueOf(m.added()) : "+" + m.added(),
                m.refused(),
                m.connectSeconds(),
                m.connectRate(),
                m.cpuPercent(),
                m.cpu().serverMs(m.added()),
                Double.isNaN(m.cpu().databaseMs(m.added()))
                        ? "-"
                        : String.format(Locale.ROOT, "%.2f", m.cpu().databaseMs(m.added())),
                m.cpu().fleetMs(m.added()));
    }

    /**
     * The growth summed by where the classes come from. Arrays, strings and map nodes are the JDK's whoever
     * allocates them; the bare server shows how much of them the framework accounts for.
     */
    private static String byOrigin(Measured carlink, Measured bare) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (String origin :
                List.of("Netty", "Vert.x core", "vertx-mqtt", "Vert.x event bus", "carlink", "JDK types")) {
            sums.put(origin, new double[2]);
        }
        add(sums, carlink, 0);
        if (bare != null) {
            add(sums, bare, 1);
        }
        StringBuilder b = new StringBuilder(String.format(
                Locale.ROOT, "%nby origin, bytes per connection:%n%-18s %9s %9s%n", "", "carlink", "bare"));
        double[] totals = new double[2];
        sums.forEach((origin, v) -> {
            b.append(String.format(
                    Locale.ROOT,
                    "%-18s %9.0f %9s%n",
                    origin,
                    v[0],
                    bare == null ? "" : String.format(Locale.ROOT, "%.0f", v[1])));
            totals[0] += v[0];
            totals[1] += v[1];
        });
        b.append(String.format(
                Locale.ROOT,
                "%-18s %9.0f %9s%n",
                "total",
                totals[0],
                bare == null ? "" : String.format(Locale.ROOT, "%.0f", totals[1])));
        return b.toString();
    }

    private static void add(Map<String, double[]> sums, Measured m, int column) {
        for (HeapHistogram.Growth g :
                m.after().histogram().growthSince(m.before().histogram(), Integer.MAX_VALUE)) {
            String origin = origin(g.className());
            sums.get(origin)[column] += g.bytes() / (double) m.connections();
        }
    }

    private static String origin(String className) {
        if (className.startsWith("io.netty.")) {
            return "Netty";
        }
        if (className.startsWith("io.vertx.mqtt.")) {
            return "vertx-mqtt";
        }
        if (className.startsWith("io.vertx.core.eventbus.")) {
            return "Vert.x event bus";
        }
        if (className.startsWith("io.vertx.")) {
            return "Vert.x core";
        }
        return className.startsWith("dev.carlink.") ? "carlink" : "JDK types";
    }

    private String html(String text, HeapSample base) {
        double[] x = new double[stepResults.size() + 1];
        double[] live = new double[x.length];
        double[] rss = new double[x.length];
        double[] perConn = new double[x.length];
        live[0] = base.liveBytes() / 1e6;
        rss[0] = base.residentBytes() / 1e6;
        perConn[0] = Double.NaN;
        for (int i = 0; i < stepResults.size(); i++) {
            Measured s = stepResults.get(i);
            x[i + 1] = s.connections();
            live[i + 1] = s.after().liveBytes() / 1e6;
            rss[i + 1] = s.after().residentBytes() / 1e6;
            perConn[i + 1] = s.heapPerConnection();
        }
        List<BenchChart.Series> bytes = new ArrayList<>();
        bytes.add(new BenchChart.Series("carlink gateway process", x, perConn));
        if (bareResult != null) {
            bytes.add(new BenchChart.Series(
                    "bare vertx-mqtt (" + largest + " cars)", x, constant(x.length, bareResult.heapPerConnection())));
        }
        bytes.add(new BenchChart.Series("goal", x, constant(x.length, GOAL_BYTES)));
        return BenchChart.page(
                "Connected cars per gateway process",
                text,
                List.of(
                        BenchChart.chart(
                                "gateway process memory by connected cars (live heap after a full GC; resident set)",
                                "connected cars",
                                "MB",
                                false,
                                List.of(),
                                List.of(
                                        new BenchChart.Series("live heap", x, live),
                                        new BenchChart.Series("resident", x, rss))),
                        BenchChart.chart(
                                "heap bytes per connection", "connected cars", "bytes", false, List.of(), bytes)));
    }

    /** Least-squares slope of live heap over connections, the baseline included. */
    private static double slope(HeapSample base, List<Measured> steps) {
        int n = steps.size() + 1;
        double[] x = new double[n];
        double[] y = new double[n];
        y[0] = base.liveBytes();
        for (int i = 0; i < steps.size(); i++) {
            x[i + 1] = steps.get(i).connections();
            y[i + 1] = steps.get(i).after().liveBytes();
        }
        double mx = java.util.Arrays.stream(x).average().orElse(0);
        double my = java.util.Arrays.stream(y).average().orElse(0);
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            num += (x[i] - mx) * (y[i] - my);
            den += (x[i] - mx) * (x[i] - mx);
        }
        return den == 0 ? Double.NaN : num / den;
    }

    private static double[] constant(int n, double v) {
        double[] out = new double[n];
        java.util.Arrays.fill(out, v);
        return out;
    }

    private static double perConnection(long bytes, int connections) {
        return connections == 0 ? Double.NaN : Math.round(bytes / (double) connections);
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** "soft / hard" from {@code /proc/self/limits}. */
    private static String openFilesLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                return f[0] + " soft / " + f[1] + " hard";
            }
        }
        return "unknown";
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void progress(String line) {
        System.out.println("[bench] " + line);
    }
}
