package dev.carlink.simulator;

import dev.carlink.simulator.enroll.EnrollmentClient;
import dev.carlink.simulator.enroll.EnrollmentException;
import dev.carlink.simulator.load.LoadConfig;
import dev.carlink.simulator.load.LoadReport;
import dev.carlink.simulator.load.LoadRun;
import dev.carlink.simulator.load.SourceAddresses;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code load}: thousands of lightweight cars publishing telemetry at a fixed rate, with a report. */
@Command(
        name = "load",
        mixinStandardHelpOptions = true,
        description = {
            "Fleet load: many lightweight cars (Vert.x MQTT clients, no threads of their own) publish telemetry",
            "open-loop at a fixed total rate. Prints a line a second and a final report (throughput, latency",
            "percentiles from the intended send time to the PUBACK, lost and duplicated messages, errors by reason),",
            "and writes report.json and report.html (charts of rate and latency over time).",
            "Exit code 0 for a clean run, 1 when anything was lost, duplicated or refused, 2 for bad arguments."
        })
final class LoadCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StaffApiOptions staffApi;

    @Mixin
    MqttOptions mqttOptions;

    @Option(
            names = "--coap",
            paramLabel = "URL",
            description = "send on CoAP to this gateway instead of MQTT, e.g. coap://localhost:5683 (confirmable"
                    + " POSTs; latency to the 2.04 that follows the commit)")
    String coap;

    @Option(
            names = "--cars",
            defaultValue = "1000",
            paramLabel = "N",
            description = "cars to enroll (default: ${DEFAULT-VALUE}); with --credentials, every car of the file")
    int cars;

    @Option(
            names = "--rate",
            defaultValue = "2000",
            paramLabel = "MSG/S",
            description = "messages per second across the fleet (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(
            names = "--duration",
            defaultValue = "30s",
            converter = DurationConverter.class,
            paramLabel = "TIME",
            description = "time to send, once all cars are connected (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(
            names = "--warmup",
            defaultValue = "0s",
            converter = DurationConverter.ZeroOrMore.class,
            paramLabel = "TIME",
            description = "time to send before measuring; not in the latency figures (default: ${DEFAULT-VALUE})")
    Duration warmup;

    @Option(
            names = "--drain",
            defaultValue = "10s",
            converter = DurationConverter.ZeroOrMore.class,
            paramLabel = "TIME",
            description = "longest wait for outstanding acknowledgements afterwards (default: ${DEFAULT-VALUE})")
    Duration drain;

    @Option(
            names = "--qos",
            defaultValue = "1",
            paramLabel = "0|1",
            description = "0 or 1 (default: ${DEFAULT-VALUE}); latency needs 1")
    int qos;

    @Option(
            names = "--connect-rate",
            defaultValue = "200",
            paramLabel = "PER_S",
            description = "new connections per second (default: ${DEFAULT-VALUE})")
    double connectRate;

    @Option(
            names = "--max-connecting",
            defaultValue = "100",
            paramLabel = "N",
            description = "CONNECTs waiting for their CONNACK at most, across the fleet (default: ${DEFAULT-VALUE})")
    int maxConnecting;

    @Option(
            names = "--max-in-flight",
            defaultValue = "20",
            paramLabel = "N",
            description = "unacknowledged messages per car before more wait (default: ${DEFAULT-VALUE})")
    int maxInFlight;

    @Option(
            names = "--source-addresses",
            paramLabel = "LIST",
            description = "loopback addresses to bind, comma-separated, e.g. 127.0.0.1,127.0.0.2")
    String sourceAddresses;

    @Option(
            names = "--source-address-count",
            defaultValue = "1",
            paramLabel = "N",
            description =
                    "bind to 127.0.0.1 .. 127.0.0.N (default: ${DEFAULT-VALUE}); about 28,000 connections per address")
    int sourceAddressCount;

    @Option(
            names = "--credentials",
            paramLabel = "FILE",
            description =
                    "file of VIN,secret and key,KEY_ID,PUBLIC_KEY lines (what enroll prints): use these cars instead of enrolling")
    Path credentials;

    @Option(
            names = "--owner",
            defaultValue = "alice",
            paramLabel = "USER",
            description = "owner of the enrolled cars (default: ${DEFAULT-VALUE})")
    String owner;

    @Option(
            names = "--vin-start",
            defaultValue = "100001",
            paramLabel = "N",
            description = "number of the first car, VIN SMCAR + 12 digits (default: ${DEFAULT-VALUE})")
    long vinStart;

    @Option(
            names = "--reconnect-storm-at",
            converter = DurationConverter.class,
            paramLabel = "TIME",
            description = "fault injection: this long into sending, a share of the cars drop and reconnect at once")
    Duration stormAt;

    @Option(
            names = "--reconnect-storm-fraction",
            defaultValue = "0.5",
            paramLabel = "SHARE",
            description = "share of the cars in the reconnect storm, 0..1 (default: ${DEFAULT-VALUE})")
    double stormFraction;

    @Option(
            names = "--report-dir",
            defaultValue = "load-report",
            paramLabel = "DIR",
            description = "where report.json and report.html go (default: ${DEFAULT-VALUE})")
    Path reportDir;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> problems = new ArrayList<>();
        URI mqttUri = coap == null ? mqttOptions.uri(problems) : CliChecks.coapUri("--coap", coap, problems);
        if (mqttUri != null && "coaps".equals(mqttUri.getScheme())) {
            problems.add(
                    "--coap: the load mode speaks plain CoAP (coap://); DTLS cars run with 'run --coap coaps://...'");
        }
        if (coap != null && qos != 1) {
            problems.add("--qos applies to MQTT; CoAP messages are confirmable (leave --qos out)");
        }
        URI apiUri = credentials == null ? staffApi.apiUri(problems) : null;
        if (cars < 1) {
            problems.add("--cars must be at least 1, was " + cars);
        }
        if (credentials == null && (vinStart < 0 || vinStart + cars - 1 > Vins.MAX_SIMULATOR_NUMBER)) {
            problems.add("--vin-start " + vinStart + " with --cars " + cars + " leaves the VIN range");
        }
        if (credentials != null && !Files.isReadable(credentials)) {
            problems.add("--credentials file " + credentials + " cannot be read");
        }
        List<String> sources = List.of();
        try {
            sources = sourceAddresses != null
                    ? SourceAddresses.parse(sourceAddresses)
                    : SourceAddresses.count(sourceAddressCount);
        } catch (IllegalArgumentException e) {
            problems.add("--source-addresses: " + e.getMessage());
        }
        LoadConfig config = null;
        if (mqttUri != null) {
            try {
                config = new LoadConfig(
                        mqttUri,
                        rate,
                        duration,
                        warmup,
                        drain,
                        qos,
                        connectRate,
                        maxConnecting,
                        maxInFlight,
                        // a bad source list is reported above; the placeholder lets every other problem show too
                        sources.isEmpty() ? List.of("127.0.0.1") : sources,
                        reportDir,
                        stormAt,
                        stormFraction);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            problems.forEach(p -> err.println("error: " + p));
            err.flush();
            return 2;
        }
        List<VehicleCredentials> fleet;
        try {
            if (credentials != null) {
                fleet = CredentialsFile.read(credentials);
            } else {
                out.printf("enrolling %d cars at %s ...%n", cars, apiUri);
                out.flush();
                fleet = new EnrollmentClient(apiUri)
                        .enrollFleet(staffApi.staffUser, staffApi.staffPassword, List.of(owner), vinStart, cars);
            }
        } catch (EnrollmentException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return 1;
        }
        out.printf(
                "load: %d cars -> %s, %.0f msg/s for %s after %s warm-up, %s, sources %s%n",
                fleet.size(), mqttUri, rate, duration, warmup, coap == null ? "QoS " + qos : "confirmable", sources);
        out.flush();
        LoadReport report = new LoadRun(config, fleet, line -> {
                    out.println(line);
                    out.flush();
                })
                .run();
        out.println();
        out.print(report.toText());
        out.println("report: " + reportDir.resolve("report.json").toAbsolutePath() + ", "
                + reportDir.resolve("report.html").toAbsolutePath());
        out.flush();
        if (!report.passed()) {
            err.println("load failed: " + String.join("; ", report.problems()));
            err.flush();
            return 1;
        }
        return 0;
    }
}
