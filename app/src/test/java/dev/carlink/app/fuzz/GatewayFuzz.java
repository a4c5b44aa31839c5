package dev.carlink.app.fuzz;

import static dev.carlink.app.fuzz.FuzzSupport.daemon;
import static dev.carlink.app.fuzz.FuzzSupport.heapLine;
import static dev.carlink.app.fuzz.FuzzSupport.metric;
import static dev.carlink.app.fuzz.FuzzSupport.progress;
import static org.awaitility.Awaitility.await;

import dev.carlink.app.TestSystem;
import dev.carlink.simulator.VehicleCredentials;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the running gateway: the whole system (embedded PostgreSQL, MQTT and CoAP gateways, services, HTTP API)
 * takes over a million mutated MQTT packets ({@link MqttFuzzer}) and CoAP datagrams ({@link CoapFuzzer}) at once,
 * while legitimate cars (two MQTT 5, one MQTT 3.1.1, one CoAP) keep sending telemetry and newcomers keep
 * connecting. It checks that the gateway keeps serving newcomers; that every message of the legitimate cars is
 * acknowledged and stored, that none of them lost its connection and that the backend saw none of them go offline;
 * that the heap after GC ends where it started (within {@code fuzz.heap.slackMb}) and the threads too; and that
 * nothing was logged at ERROR and no exception escaped carlink's handlers into a library. The summary is printed
 * and written to target/fuzz/summary.txt before the checks, so a failed run still leaves its figures.
 *
 * <p>{@code mvn -B -Pfuzz verify -pl app -am}; the settings are in {@link FuzzSettings}. Not a test of the normal
 * build: only the {@code fuzz} profile runs classes named {@code *Fuzz}.
 */
class GatewayFuzz {

    private static final String OWNER = "alice";
    private static final String OWNER_PASSWORD = "alice-test-pass";
    /** Cars the MQTT fuzzer connects as, in turn: enough that two connections at once rarely share one. */
    private static final int FUZZ_CARS = 32;

    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);
    private static final Duration HEAP_EVERY = Duration.ofSeconds(30);
    private static final Duration PROBE_EVERY = Duration.ofSeconds(5);

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void mutatedMqttAndCoap_leaveTheGatewayServing_memoryFlat_andLegitimateCarsUnaffected() throws Exception {
        FuzzSettings settings = FuzzSettings.fromSystemProperties();
        progress("settings: " + settings);
        try (TestSystem system = TestSystem.start()) {
            // given: legitimate cars, the fuzzers' own cars and the probes' cars, all enrolled
            InetSocketAddress mqtt = new InetSocketAddress(
                    "127.0.0.1", URI.create(system.mqttUri()).getPort());
            String coapBase = "coap://127.0.0.1:" + system.coapPort();
            List<LegitCar> legit = List.of(
                    new Mqtt5Car(system.mqttUri(), "SMCAR000000770001", secret(system, "SMCAR000000770001")),
                    new Mqtt5Car(system.mqttUri(), "SMCAR000000770002", secret(system, "SMCAR000000770002")),
                    new Mqtt311Car(system.mqttUri(), "SMCAR000000770003", secret(system, "SMCAR000000770003")),
                    new CoapLegitCar(coapBase, "SMCAR000000770011", secret(system, "SMCAR000000770011")));
            List<MqttFuzzer.FuzzCar> fuzzCars = new ArrayList<>();
            for (int i = 0; i < FUZZ_CARS; i++) {
                String vin = String.format(Locale.ROOT, "SMCAR0000007801%02d", i);
                fuzzCars.add(new MqttFuzzer.FuzzCar(vin, secret(system, vin)));
            }
            String coapFuzzVin = "SMCAR000000780200";
            String coapFuzzSecret = secret(system, coapFuzzVin);
            Probes probes = new Probes(
                    mqtt,
                    coapBase,
                    "SMCAR000000790001",
                    secret(system, "SMCAR000000790001"),
                    "SMCAR000000790002",
                    secret(system, "SMCAR000000790002"));
            String coapFuzzToken;
            var endpoint = CoapLegitCar.newEndpoint();
            try {
                coapFuzzToken = CoapLegitCar.login(endpoint, coapBase, coapFuzzVin, coapFuzzSecret);
            } finally {
                endpoint.destroy();
            }
            MqttFuzzer mqttFuzzer = new MqttFuzzer(
                    mqtt,
                    fuzzCars,
                    legit.get(0).vin,
                    settings.seed(),
                    settings.mqttPackets(),
                    settings.mqttConnections(),
                    settings.mqttRate(),
                    settings.packetsPerConnection());
            CoapFuzzer coapFuzzer = new CoapFuzzer(
                    new InetSocketAddress("127.0.0.1", system.coapPort()),
                    new CoapSeeds(coapFuzzVin, coapFuzzSecret, coapFuzzToken, legit.get(3).vin),
                    settings.seed(),
                    settings.coapMessages(),
                    settings.coapRate(),
                    settings.coapPerSocket(),
                    settings.coapMutationRate());

            try (LogWatch logs = new LogWatch(legit.stream().map(c -> c.vin).toList());
                    ResourceWatch resources = new ResourceWatch()) {
                for (LegitCar car : legit) {
                    car.start(Duration.ofMillis(settings.legitIntervalMs()));
                }
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> legit.stream().allMatch(c -> c.acked.get() >= 5));
                progress(heapLine(resources.sampleAfterFullGc("start")));
                long udpDropsBefore = udpReceiveBufferErrors();

                // when: both fuzzers run at once, legitimate cars and newcomers all along
                ScheduledExecutorService watch = Executors.newScheduledThreadPool(2, daemon("fuzz-watch"));
                long started = System.nanoTime();
                watch.scheduleAtFixedRate(
                        () -> progress(progressLine(started, mqttFuzzer, coapFuzzer, legit, resources)),
                        PROGRESS_EVERY.toSeconds(),
                        PROGRESS_EVERY.toSeconds(),
                        TimeUnit.SECONDS);
                watch.scheduleAtFixedRate(
                        () -> progress(heapLine(resources.sample("fuzzing"))),
                        HEAP_EVERY.toSeconds(),
                        HEAP_EVERY.toSeconds(),
                        TimeUnit.SECONDS);
                watch.scheduleWithFixedDelay(probes::probe, 0, PROBE_EVERY.toSeconds(), TimeUnit.SECONDS);
                ExecutorService fuzzers = Executors.newFixedThreadPool(2, daemon("fuzz-main"));
                Future<?> mqttRun = fuzzers.submit(() -> {
                    mqttFuzzer.run();
                    return null;
                });
                Future<?> coapRun = fuzzers.submit(() -> {
                    coapFuzzer.run();
                    return null;
                });
                mqttRun.get();
                coapRun.get();
                double seconds = (System.nanoTime() - started) / 1e9;
                fuzzers.shutdown();
                watch.shutdown();
                watch.awaitTermination(1, TimeUnit.MINUTES);
                progress(progressLine(started, mqttFuzzer, coapFuzzer, legit, resources));
                long udpDrops = udpDropsBefore < 0 ? -1 : udpReceiveBufferErrors() - udpDropsBefore;

                // then: newcomers are still served, the legitimate cars are online and everything they sent is stored
                probes.probe();
                Map<String, Boolean> online = online(system, legit);
                List<String> wentOffline = logs.aboutWatchedCars.stream()
                        .filter(line -> line.contains("offline [vin:"))
                        .toList();
                for (LegitCar car : legit) {
                    car.close();
                }
                Map<String, Long> rows = new LinkedHashMap<>();
                for (LegitCar car : legit) {
                    rows.put(car.vin, system.count("SELECT count(*) FROM telemetry.telemetry WHERE vin = ?", car.vin));
                }
                long mqttSessionsAfter = sessionsOnceSettled(system);
                progress(heapLine(resources.sampleAfterFullGc("end")));
                if (settings.settleSeconds() > 0) {
                    settle(resources, Duration.ofSeconds(settings.settleSeconds()));
                }
                String histogram = ResourceWatch.histogram(25);

                Map<String, Double> gatewayMetrics = gatewayMetrics(system);
                FuzzReport report = new FuzzReport(
                        settings,
                        seconds,
                        mqttFuzzer,
                        coapFuzzer,
                        legit,
                        rows,
                        online,
                        probes,
                        resources,
                        logs,
                        gatewayMetrics,
                        mqttSessionsAfter,
                        udpDrops,
                        histogram);
                report.write();

                check(
                        settings,
                        mqttFuzzer,
                        coapFuzzer,
                        legit,
                        rows,
                        online,
                        wentOffline,
                        probes,
                        resources,
                        logs,
                        mqttSessionsAfter,
                        gatewayMetrics.getOrDefault("carlink_gateway_coap_dedup_size", 0.0));
            }
        }
    }

    /** Every check at once, so that one failed run names all that went wrong. */
    private static void check(
            FuzzSettings settings,
            MqttFuzzer mqttFuzzer,
            CoapFuzzer coapFuzzer,
            List<LegitCar> legit,
            Map<String, Long> rows,
            Map<String, Boolean> online,
            List<String> wentOffline,
            Probes probes,
            ResourceWatch resources,
            LogWatch logs,
            long mqttSessionsAfter,
            double dedupEntries) {
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(mqttFuzzer.packets.get() + coapFuzzer.datagrams.get())
                .as("packets tried")
                .isEqualTo(settings.mqttPackets() + settings.coapMessages());
        softly.assertThat(mqttFuzzer.connectFailures.get())
                .as("TCP connections the MQTT gateway did not accept")
                .isZero();
        softly.assertThat(probes.failures)
                .as("newcomers refused or not answered")
                .isEmpty();
        for (LegitCar car : legit) {
            softly.assertThat(car.problems)
                    .as("what went wrong for legitimate car " + car.vin)
                    .isEmpty();
            softly.assertThat(car.acked.get())
                    .as("messages of " + car.vin + " acknowledged")
                    .isEqualTo(car.sent.get());
            softly.assertThat(rows.get(car.vin))
                    .as("rows stored for " + car.vin)
                    .isEqualTo(car.acked.get());
            softly.assertThat(online.get(car.vin))
                    .as(car.vin + " online at the end")
                    .isTrue();
        }
        softly.assertThat(wentOffline)
                .as("legitimate cars taken offline during the run (their presence, as the backend saw it)")
                .isEmpty();
        softly.assertThat(mqttSessionsAfter)
                .as("MQTT sessions left open after the run")
                .isZero();
        // the CoAP duplicate store is bounded by configuration (coap.dedup-capacity) and holds each request for up
        // to 247 s, so it is still full at the end: it gets its own budget, and everything else the slack
        long dedupMb = dedupMb(dedupEntries);
        softly.assertThat(resources.last().heapMb())
                .as(
                        "heap after GC at the end, MB (start %d MB, slack %d MB, CoAP duplicate store %.0f requests"
                                + " at %d bytes: %d MB)",
                        resources.first().heapMb(), settings.heapSlackMb(), dedupEntries, DEDUP_ENTRY_BYTES, dedupMb)
                .isLessThan(resources.first().heapMb() + settings.heapSlackMb() + dedupMb);
        softly.assertThat(resources.last().threads())
                .as("live threads at the end (start %d)", resources.first().threads())
                .isLessThanOrEqualTo(resources.first().threads() + settings.threadSlack());
        softly.assertThat(logs.errors.get())
                .as("ERROR log events while fuzzing (what they were: " + FuzzReport.FILE + ")")
                .isZero();
        softly.assertThat(logs.escapedFromCarlink.get())
                .as("log events with an exception that escaped carlink's handlers (which: " + FuzzReport.FILE + ")")
                .isZero();
        softly.assertAll();
    }

    /**
     * What one remembered CoAP request costs: the exchange with its request, response, option sets and endpoint
     * context, as the end-of-run histogram showed it (about 3.5 KB), rounded up.
     */
    static final int DEDUP_ENTRY_BYTES = 4096;

    /** The heap budget of {@code entries} remembered CoAP requests. */
    static long dedupMb(double entries) {
        return (long) Math.ceil(entries * DEDUP_ENTRY_BYTES / (1024.0 * 1024.0));
    }

    /** Whether each legitimate car is online, as its owner sees it. */
    private static Map<String, Boolean> online(TestSystem system, List<LegitCar> legit) {
        String owner = system.login(OWNER, OWNER_PASSWORD);
        Map<String, Boolean> online = new LinkedHashMap<>();
        for (LegitCar car : legit) {
            TestSystem.Reply reply = system.get(owner, "/api/v1/vehicles/" + car.vin);
            if (reply.status() != 200) {
                // counted as not online; the answer goes into the run's output for the summary's reader
                progress("GET /api/v1/vehicles/" + car.vin + " answered " + reply.status() + ": " + reply.body());
                online.put(car.vin, false);
                continue;
            }
            online.put(car.vin, reply.json().getBoolean("online", false));
        }
        return online;
    }

    /** The gateway's counters of what it accepted and refused, and its CoAP sessions. */
    private static Map<String, Double> gatewayMetrics(TestSystem system) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (String name : List.of(
                "carlink_gateway_connect_refused_total",
                "carlink_gateway_messages_accepted_total",
                "carlink_gateway_messages_rejected_total",
                "carlink_gateway_subscriptions_rejected_total",
                "carlink_gateway_coap_accepted_total",
                "carlink_gateway_coap_refused_total",
                "carlink_gateway_coap_sessions",
                "carlink_gateway_coap_dedup_size",
                "carlink_gateway_coap_dedup_evicted_total",
                "carlink_gateway_protocol_errors_total",
                "carlink_connections_errors_total")) {
            metrics.put(name, metric(system, name));
        }
        return metrics;
    }

    private static String secret(TestSystem system, String vin) {
        VehicleCredentials credentials = system.enrollCar(vin, OWNER);
        return credentials.secret();
    }

    /** Waits after the run, sampling the heap every 30 s, so that state kept for a bounded time can expire. */
    private static void settle(ResourceWatch resources, Duration settle) {
        long until = System.nanoTime() + settle.toNanos();
        progress("settling for " + settle.toSeconds() + " s, sampling the heap every " + HEAP_EVERY.toSeconds() + " s");
        await().atMost(settle.plus(HEAP_EVERY).plusMinutes(1))
                .pollDelay(HEAP_EVERY)
                .pollInterval(HEAP_EVERY)
                .until(() -> {
                    progress(heapLine(resources.sampleAfterFullGc("settling")));
                    return System.nanoTime() >= until;
                });
    }

    /** The gateway's open MQTT sessions, once they are down to none or 30 s have passed. */
    private static long sessionsOnceSettled(TestSystem system) {
        try {
            return await().atMost(Duration.ofSeconds(30))
                    .until(() -> (long) metric(system, "carlink_gateway_connections"), n -> n <= 0);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return (long) metric(system, "carlink_gateway_connections");
        }
    }

    /** The kernel's count of UDP datagrams dropped for a full receive buffer (Linux), or -1. */
    private static long udpReceiveBufferErrors() {
        try {
            List<String> udp = Files.readAllLines(Path.of("/proc/net/snmp")).stream()
                    .filter(l -> l.startsWith("Udp:"))
                    .toList();
            List<String> names = List.of(udp.get(0).split("\\s+"));
            return Long.parseLong(udp.get(1).split("\\s+")[names.indexOf("RcvbufErrors")]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String progressLine(
            long startedNanos, MqttFuzzer mqtt, CoapFuzzer coap, List<LegitCar> legit, ResourceWatch resources) {
        double s = Math.max(1e-3, (System.nanoTime() - startedNanos) / 1e9);
        return String.format(
                Locale.ROOT,
                "%4.0f s  mqtt %,9d (%,5.0f/s) %,6d conns  coap %,9d (%,5.0f/s) %,5d ports  legit sent %,6d acked %,6d"
                        + " problems %d  heap %,d MB  load %.1f",
                s,
                mqtt.packets.get(),
                mqtt.packets.get() / s,
                mqtt.connections.get(),
                coap.datagrams.get(),
                coap.datagrams.get() / s,
                coap.sockets.get(),
                legit.stream().mapToLong(c -> c.sent.get()).sum(),
                legit.stream().mapToLong(c -> c.acked.get()).sum(),
                legit.stream().mapToInt(c -> c.problems.size()).sum(),
                resources.heapNowMb(),
                resources.load());
    }
}
