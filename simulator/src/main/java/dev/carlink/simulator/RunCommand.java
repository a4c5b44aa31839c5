package dev.carlink.simulator;

import dev.carlink.simulator.enroll.EnrollmentClient;
import dev.carlink.simulator.enroll.EnrollmentException;
import dev.carlink.simulator.fleet.CoapFleet;
import dev.carlink.simulator.fleet.Fleet;
import dev.carlink.simulator.fleet.FleetConfig;
import dev.carlink.simulator.fleet.FleetStats;
import dev.carlink.simulator.mqtt.MqttCarConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code run}: enrolls (or reads credentials for) N cars and runs them as a fleet. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a fleet of simulated cars until Ctrl-C or --duration.",
            "Either enrolls the cars (--api, --staff-user, --staff-password, --owner) or uses --credentials."
        })
final class RunCommand implements Callable<Integer> {

    /** The demo's owners, who get the cars when no {@code --owner} is given. */
    static final List<String> DEFAULT_OWNERS = List.of("alice", "bob");

    @Spec
    CommandSpec spec;

    @Mixin
    StaffApiOptions staffApi;

    @Mixin
    MqttOptions mqttOptions;

    @Option(names = "--cars", defaultValue = "20", description = "cars to enroll and run (default: ${DEFAULT-VALUE})")
    int cars;

    @Option(
            names = "--owner",
            paramLabel = "USER",
            description = "owner of the cars; repeat to assign round-robin (default: alice and bob)")
    List<String> owners = new ArrayList<>();

    @Option(
            names = "--vin-start",
            defaultValue = "1001",
            description = "number of the first car: VIN SMCAR + 12 digits (default: ${DEFAULT-VALUE}; the"
                    + " all-in-one server's own demo fleet uses 1..20)")
    long vinStart;

    @Option(
            names = "--telemetry-interval",
            defaultValue = "5s",
            converter = DurationConverter.class,
            description = "time between telemetry samples (default: ${DEFAULT-VALUE})")
    Duration telemetryInterval;

    @Option(
            names = "--time-scale",
            defaultValue = "1",
            description = "simulated seconds per real second (default: ${DEFAULT-VALUE})")
    double timeScale;

    @Option(
            names = "--fatigue-time-scale",
            defaultValue = "60",
            description = "fatigue acceleration of the tired-driver cars (default: ${DEFAULT-VALUE})")
    double fatigueTimeScale;

    @Option(
            names = "--duration",
            converter = DurationConverter.class,
            description = "stop after this long, e.g. 10m (default: until Ctrl-C)")
    Duration duration;

    @Option(
            names = "--coap",
            paramLabel = "URL",
            description =
                    "run the cars on CoAP at this gateway instead of MQTT, e.g. coap://localhost:5683, or over DTLS "
                            + "with coaps://localhost:5684")
    String coap;

    @Option(
            names = "--credentials",
            paramLabel = "FILE",
            description =
                    "file of VIN,secret lines and key,KEY_ID,PUBLIC_KEY lines (what enroll prints): run without enrolling")
    Path credentials;

    private URI mqttUri;
    private URI coapUri;
    private URI apiUri;

    @Override
    public Integer call() throws InterruptedException {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        List<VehicleCredentials> fleetCredentials;
        try {
            if (credentials != null) {
                fleetCredentials = CredentialsFile.read(credentials);
                out.printf("read credentials of %d car(s) from %s%n", fleetCredentials.size(), credentials);
            } else {
                fleetCredentials = new EnrollmentClient(apiUri)
                        .enrollFleet(staffApi.staffUser, staffApi.staffPassword, owners, vinStart, cars);
                out.printf(
                        "enrolled %d cars (%s .. %s) for %s%n",
                        cars,
                        Vins.simulatorVin(vinStart),
                        Vins.simulatorVin(vinStart + cars - 1),
                        String.join(", ", owners));
            }
        } catch (EnrollmentException | IOException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return 1;
        }

        if (coapUri != null) {
            return runOnCoap(fleetCredentials, out, err);
        }
        FleetConfig config = FleetConfig.of(mqttUri)
                .withCar(MqttCarConfig.of(mqttUri)
                        .withTelemetryInterval(telemetryInterval)
                        .withTimeScale(timeScale))
                .withFatigueTimeScale(fatigueTimeScale);
        Fleet fleet = new Fleet(config, fleetCredentials, Clock.systemDefaultZone());
        FleetStats[] finalStats = new FleetStats[1];
        runUntilDone(
                () -> fleet.start(),
                () -> {
                    finalStats[0] = fleet.stats();
                    fleet.close();
                    return finalStats[0].describe();
                },
                "fleet of " + fleetCredentials.size() + " car(s) running against " + mqttUri,
                out);
        if (finalStats[0].telemetrySent() == 0) {
            err.println("error: no telemetry was acknowledged; is the backend at " + mqttUri + " running?");
            err.flush();
            return 1;
        }
        return 0;
    }

    /** The same fleet on the CoAP gateway. */
    private int runOnCoap(List<VehicleCredentials> fleetCredentials, PrintWriter out, PrintWriter err)
            throws InterruptedException {
        CoapFleet fleet = new CoapFleet(
                coapUri, fleetCredentials, telemetryInterval, timeScale, fatigueTimeScale, Clock.systemDefaultZone());
        long[] stored = new long[1];
        runUntilDone(
                fleet::start,
                () -> {
                    stored[0] = fleet.stored();
                    String summary = fleet.describe();
                    fleet.close();
                    return summary;
                },
                "fleet of " + fleetCredentials.size() + " car(s) running on CoAP against " + coapUri,
                out);
        if (stored[0] == 0) {
            err.println("error: no message was stored; is the backend's CoAP gateway at " + coapUri + " running?");
            err.flush();
            return 1;
        }
        return 0;
    }

    /**
     * Starts a fleet, runs it for {@code --duration} or until Ctrl-C, then stops it once (a shutdown hook covers
     * Ctrl-C) and prints the summary {@code stop} returns.
     */
    private void runUntilDone(Runnable start, java.util.function.Supplier<String> stop, String running, PrintWriter out)
            throws InterruptedException {
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable stopOnce = () -> {
            if (stopped.compareAndSet(false, true)) {
                out.println("summary: " + stop.get());
                out.flush();
            }
        };
        Thread hook = new Thread(stopOnce, "carlink-simulator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        start.run();
        out.println(running + (duration == null ? ", Ctrl-C to stop" : " for " + duration));
        out.flush();
        CountDownLatch forever = new CountDownLatch(1);
        if (duration == null) {
            forever.await();
        } else {
            forever.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        }
        Runtime.getRuntime().removeShutdownHook(hook);
        stopOnce.run();
    }

    /** Checks every argument and reports all problems at once, before anything touches the network. */
    private void validate() {
        List<String> problems = new ArrayList<>();
        mqttUri = mqttOptions.uri(problems);
        if (coap != null) {
            coapUri = CliChecks.coapUri("--coap", coap, problems);
        }
        if (credentials != null) {
            if (!Files.isReadable(credentials)) {
                problems.add("--credentials file " + credentials + " cannot be read");
            }
            var parsed = spec.commandLine().getParseResult();
            if (parsed.hasMatchedOption("--api")
                    || parsed.hasMatchedOption("--staff-user")
                    || !owners.isEmpty()
                    || parsed.hasMatchedOption("--cars")
                    || parsed.hasMatchedOption("--vin-start")) {
                problems.add("--credentials runs the cars of the file without enrolling: leave out --api,"
                        + " --staff-user, --owner, --cars and --vin-start");
            }
        } else {
            if (owners.isEmpty()) {
                owners.addAll(DEFAULT_OWNERS);
            }
            apiUri = staffApi.apiUri(problems);
            if (owners.isEmpty()) {
                problems.add("missing --owner (at least one)");
            }
            for (String owner : owners) {
                if (owner.isBlank()) {
                    problems.add("--owner must not be blank");
                }
            }
            if (cars < 1) {
                problems.add("--cars must be at least 1, was " + cars);
            }
            if (vinStart < 0 || vinStart > Vins.MAX_SIMULATOR_NUMBER) {
                problems.add("--vin-start must be within 0.." + Vins.MAX_SIMULATOR_NUMBER + ", was " + vinStart);
            } else if (cars >= 1 && vinStart + cars - 1 > Vins.MAX_SIMULATOR_NUMBER) {
                problems.add("--vin-start " + vinStart + " with --cars " + cars + " runs past the last VIN");
            }
        }
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            problems.add("--time-scale must be > 0, was " + timeScale);
        }
        if (!(fatigueTimeScale > 0) || Double.isInfinite(fatigueTimeScale)) {
            problems.add("--fatigue-time-scale must be > 0, was " + fatigueTimeScale);
        }
        if (!problems.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.join("; ", problems));
        }
    }
}
