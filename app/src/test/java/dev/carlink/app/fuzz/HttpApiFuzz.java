package dev.carlink.app.fuzz;

import static dev.carlink.app.fuzz.FuzzSupport.daemon;
import static dev.carlink.app.fuzz.FuzzSupport.heapLine;
import static dev.carlink.app.fuzz.FuzzSupport.progress;
import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.app.TestSystem;
import dev.carlink.command.CommandServiceConfig;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the HTTP JSON API: every operation of the served OpenAPI document, as its real callers (an owner, staff,
 * an administrator, anyone) and with tokens no server issued, seeded from the document's examples and schemas, then
 * mutated as JSON, as bytes, in its path, query, headers and method, and in its HTTP/1.1 framing ({@link
 * HttpShots}). Meanwhile a legitimate owner (bob, whom nobody fuzzes as) commands his car and reads the command
 * back every second. It checks that no input gets a 5xx; that every 4xx is an RFC 9457 problem body; that every
 * well-formed request is answered; that the legitimate owner is served throughout and after; that nothing a fuzz
 * caller may not change did change (bob's car, bob's account, the accounts); that nothing was logged at ERROR; and
 * that the heap after GC and the threads end where they started. The summary goes to target/fuzz/http-summary.txt
 * before the checks, so a failed run still leaves its figures.
 *
 * <p>{@code mvn -B -Pfuzz verify -pl app -am -Dit.test=HttpApiFuzz}; the settings are in {@link HttpFuzzSettings}.
 */
class HttpApiFuzz {

    static final String ALICE_CAR = "SMCAR000000000101";
    static final String ALICE_SECOND_CAR = "SMCAR000000000103";
    /** Bob's car: the fuzz callers aim at it (alice as a curious neighbour), only bob may change it. */
    static final String BOB_CAR = "SMCAR000000000102";

    private static final String NOT_ENROLLED = "SMCAR000000009999";
    private static final long PROGRESS_EVERY_S = 10;
    private static final int WARM_UP_ROUNDS = 25;
    private static final long HEAP_EVERY_S = 30;
    /**
     * The legitimate owner commands once a second, more than the default 10 a minute per car: the run allows 120 a
     * minute per car and per owner, so that 429s still come to the fuzz owner's flood but not to bob.
     */
    private static final CommandServiceConfig.RateLimits RATE_LIMITS = new CommandServiceConfig.RateLimits(120, 120);

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void everyOperationMutated_answersNo5xx_onlyProblemBodies_legitimateOwnerServed_nothingForeignChanged()
            throws Exception {
        HttpFuzzSettings settings = HttpFuzzSettings.fromSystemProperties();
        progress("settings: " + settings);
        HttpFuzzer.clearFailures();
        try (TestSystem system = TestSystem.start(c -> c.withRateLimits(RATE_LIMITS))) {
            // given: cars for alice and bob, every caller's token, the operations as the server describes them
            system.enrollCar(ALICE_CAR, "alice", false);
            system.enrollCar(ALICE_SECOND_CAR, "alice", false);
            system.enrollCar(BOB_CAR, "bob", false);
            String bob = system.login("bob");
            Map<String, String> tokens = Map.of(
                    "owner", system.login("alice"), "staff", system.login("staff"), "admin", system.login("admin"));
            TestSystem.Reply described = system.get(null, "/api/v1/openapi.json");
            assertThat(described.status()).as(described.body()).isEqualTo(200);
            // all but logout, which would end the fuzzer's own sessions and leave it knocking with dead tokens; its
            // bad input is SessionEndIT's
            List<ApiOperations.Operation> operations = ApiOperations.of(described.json()).stream()
                    .filter(op -> !(op.method().equals("POST") && op.path().equals("/api/v1/auth/logout")))
                    .toList();
            assertThat(operations).as("operations in the served document").isNotEmpty();
            progress(operations.size() + " documented operations");
            HttpShots shots = new HttpShots(operations, tokens, "127.0.0.1:" + system.httpPort(), settings.seed());
            for (String vin : List.of(ALICE_CAR, ALICE_SECOND_CAR, BOB_CAR, NOT_ENROLLED)) {
                shots.addPathValue("vin", vin);
            }
            HttpFuzzer fuzzer = new HttpFuzzer(
                    new InetSocketAddress("127.0.0.1", system.httpPort()),
                    shots,
                    settings.seed(),
                    settings.requests(),
                    settings.rate(),
                    settings.connections());
            HttpLegitOwner owner = new HttpLegitOwner(system, bob, BOB_CAR);
            Map<String, Long> before = Invariants.read(system);

            try (LogWatch logs = new LogWatch(List.of(BOB_CAR));
                    ResourceWatch resources = new ResourceWatch()) {
                // warm-up: bounded pools make a thread per task until they are full (Vert.x's worker and internal
                // blocking pools of 20, behind the API and the static files; the telemetry queries' 4), which is
                // not growth
                for (int i = 0; i < WARM_UP_ROUNDS; i++) {
                    owner.round();
                    system.get(null, "/app/");
                    system.get(null, "/console/");
                    system.get(bob, "/api/v1/vehicles/" + BOB_CAR + "/telemetry?bucket=auto");
                }
                progress(heapLine(resources.sampleAfterFullGc("start")));
                Map<String, Long> threadsAtStart = FuzzSupport.threadsByName();

                // when: the fuzzer runs its budget, the legitimate owner all along
                ScheduledExecutorService watch = Executors.newScheduledThreadPool(2, daemon("fuzz-watch"));
                long started = System.nanoTime();
                watch.scheduleAtFixedRate(
                        () -> progress(progressLine(started, fuzzer, owner, resources)),
                        PROGRESS_EVERY_S,
                        PROGRESS_EVERY_S,
                        TimeUnit.SECONDS);
                watch.scheduleAtFixedRate(
                        () -> progress(heapLine(resources.sample("fuzzing"))),
                        HEAP_EVERY_S,
                        HEAP_EVERY_S,
                        TimeUnit.SECONDS);
                watch.scheduleWithFixedDelay(
                        owner::round, settings.legitIntervalMs(), settings.legitIntervalMs(), TimeUnit.MILLISECONDS);
                fuzzer.run();
                watch.shutdown();
                watch.awaitTermination(1, TimeUnit.MINUTES);
                progress(progressLine(started, fuzzer, owner, resources));

                // then: the owner is still served, and nothing a fuzz caller may not touch changed
                long roundsBefore = owner.commands.get();
                owner.round();
                boolean servedAfter = owner.commands.get() == roundsBefore + 1;
                Map<String, Long> after = Invariants.read(system);
                Map<String, Long> expected = new LinkedHashMap<>(before);
                expected.put(Invariants.BOB_COMMANDS, before.get(Invariants.BOB_COMMANDS) + owner.commands.get());
                progress(heapLine(resources.sampleAfterFullGc("end")));
                progress("threads by name, start -> end: " + threadDiff(threadsAtStart, FuzzSupport.threadsByName()));

                HttpFuzzReport report = new HttpFuzzReport(
                        settings,
                        operations.size(),
                        fuzzer,
                        owner,
                        servedAfter,
                        before,
                        after,
                        resources,
                        logs,
                        ResourceWatch.histogram(15));
                report.write();
                check(settings, fuzzer, owner, servedAfter, expected, after, resources, logs);
            }
        }
    }

    /** Every check at once, so that one failed run names all that went wrong. */
    private static void check(
            HttpFuzzSettings settings,
            HttpFuzzer fuzzer,
            HttpLegitOwner owner,
            boolean servedAfter,
            Map<String, Long> expected,
            Map<String, Long> after,
            ResourceWatch resources,
            LogWatch logs) {
        SoftAssertions softly = new SoftAssertions();
        long shots = fuzzer.tried.values().stream()
                .mapToLong(java.util.concurrent.atomic.AtomicLong::get)
                .sum();
        softly.assertThat(shots).as("shots tried").isEqualTo(settings.requests());
        for (HttpFuzzer.Failure f : fuzzer.failures()) {
            softly.fail(String.format(
                    Locale.ROOT,
                    "%s: %s (%,d times; first: shot %d, replay %s)",
                    f.check,
                    f.where,
                    f.count.get(),
                    f.shot,
                    f.file));
        }
        softly.assertThat(owner.problems)
                .as("what went wrong for the legitimate owner during the run")
                .isEmpty();
        softly.assertThat(servedAfter)
                .as("the legitimate owner served after the run")
                .isTrue();
        softly.assertThat(after)
                .as("what no fuzz caller may change (bob's car and account, the accounts)")
                .isEqualTo(expected);
        softly.assertThat(resources.last().heapMb())
                .as(
                        "heap after GC at the end, MB (start %d MB, slack %d MB)",
                        resources.first().heapMb(), settings.heapSlackMb())
                .isLessThan(resources.first().heapMb() + settings.heapSlackMb());
        softly.assertThat(resources.last().threads())
                .as("live threads at the end (start %d)", resources.first().threads())
                .isLessThanOrEqualTo(resources.first().threads() + settings.threadSlack());
        softly.assertThat(logs.errors.get())
                .as("ERROR log events while fuzzing (what they were: " + HttpFuzzReport.FILE + ")")
                .isZero();
        softly.assertThat(logs.escapedFromCarlink.get())
                .as("log events with an exception that escaped carlink's handlers (which: " + HttpFuzzReport.FILE + ")")
                .isZero();
        softly.assertAll();
    }

    private static String threadDiff(Map<String, Long> start, Map<String, Long> end) {
        java.util.Set<String> names = new java.util.TreeSet<>(start.keySet());
        names.addAll(end.keySet());
        return names.stream()
                .filter(n -> !start.getOrDefault(n, 0L).equals(end.getOrDefault(n, 0L)))
                .map(n -> n + " " + start.getOrDefault(n, 0L) + " -> " + end.getOrDefault(n, 0L))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private static String progressLine(long startedNanos, HttpFuzzer fuzzer, HttpLegitOwner owner, ResourceWatch r) {
        double s = Math.max(1e-3, (System.nanoTime() - startedNanos) / 1e9);
        long shots = fuzzer.tried.values().stream()
                .mapToLong(java.util.concurrent.atomic.AtomicLong::get)
                .sum();
        return String.format(
                Locale.ROOT,
                "%4.0f s  http %,9d shots (%,5.0f/s)  2xx %,d 3xx %,d 4xx %,d 5xx %,d none %,d  failures %,d (%d"
                        + " distinct)  owner %,d ok, %d problems  heap %,d MB  load %.1f",
                s,
                shots,
                shots / s,
                fuzzer.answered(2),
                fuzzer.answered(3),
                fuzzer.answered(4),
                fuzzer.answered(5),
                fuzzer.answered(0),
                fuzzer.failed.get(),
                fuzzer.failures().size(),
                owner.reads.get(),
                owner.problems.size(),
                r.heapNowMb(),
                r.load());
    }

    /** What no fuzz caller (alice, staff, an administrator, anyone) may change, as numbers read from the database. */
    static final class Invariants {
        static final String BOB_COMMANDS = "commands for bob's car";

        private Invariants() {}

        static Map<String, Long> read(TestSystem system) {
            Map<String, Long> out = new LinkedHashMap<>();
            out.put(BOB_COMMANDS, system.count("SELECT count(*) FROM command.commands WHERE vin = ?", BOB_CAR));
            out.put(
                    "commands requested by anyone but bob for bob's car",
                    system.count(
                            "SELECT count(*) FROM command.commands WHERE vin = ? AND requested_by <> 'owner:bob'",
                            BOB_CAR));
            out.put(
                    "commands requested by staff or administrators",
                    system.count("SELECT count(*) FROM command.commands"
                            + " WHERE requested_by LIKE 'staff:%' OR requested_by LIKE 'admin:%'"));
            out.put(
                    "schedules of bob's car",
                    system.count("SELECT count(*) FROM command.schedules WHERE vin = ?", BOB_CAR));
            out.put(
                    "bob's car with bob as owner, named as enrolled, fatigue service off, schedule version 0",
                    system.count(
                            "SELECT count(*) FROM command.vehicles v JOIN command.users u ON u.id = v.owner_id"
                                    + " WHERE v.vin = ? AND u.username = 'bob' AND v.name = v.vin"
                                    + " AND NOT v.fatigue_opt_in AND v.schedule_version = 0",
                            BOB_CAR));
            out.put(
                    "bob's account as bootstrapped (owner, no contact details)",
                    system.count("SELECT count(*) FROM command.users WHERE username = 'bob' AND role = 'OWNER'"
                            + " AND phone IS NULL AND email IS NULL"));
            out.put("accounts", system.count("SELECT count(*) FROM command.users"));
            out.put(
                    "staff and administrator accounts",
                    system.count("SELECT count(*) FROM command.users" + " WHERE role <> 'OWNER'"));
            return out;
        }
    }
}
