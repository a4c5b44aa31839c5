package dev.carlink.simulator;

import dev.carlink.simulator.scenario.JUnitXml;
import dev.carlink.simulator.scenario.Scenario;
import dev.carlink.simulator.scenario.ScenarioFormatException;
import dev.carlink.simulator.scenario.ScenarioLibrary;
import dev.carlink.simulator.scenario.ScenarioResult;
import dev.carlink.simulator.scenario.ScenarioRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code scenario}: plays scenario files (or the shipped library) against a backend and reports pass/fail. */
@Command(
        name = "scenario",
        mixinStandardHelpOptions = true,
        description = {
            "Plays scenarios (JSON timelines of world changes, owner actions and expectations) against a backend.",
            "Without files, runs the shipped library. Prints progress and a summary, writes JUnit XML, and exits",
            "0 when every expectation held, 1 when one failed, 2 for bad arguments or files."
        })
final class ScenarioCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StaffApiOptions staffApi;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "scenario files (default: the shipped library)")
    List<Path> files = new ArrayList<>();

    @Option(names = "--list", description = "list the shipped scenarios and exit")
    boolean list;

    @Mixin
    MqttOptions mqttOptions;

    @Option(
            names = "--owner-password",
            paramLabel = "USER=PASSWORD",
            description = "password of a scenario's owner; repeatable (default: the demo's alice and bob)")
    Map<String, String> ownerPasswords =
            new LinkedHashMap<>(Map.of("alice", "alice-demo-pass", "bob", "bob-demo-pass"));

    @Option(names = "--time-scale", paramLabel = "X", description = "override every scenario's time scale (1..600)")
    Double timeScale;

    @Option(
            names = "--junit-xml",
            defaultValue = "scenario-results.xml",
            paramLabel = "FILE",
            description = "JUnit XML report (default: ${DEFAULT-VALUE})")
    Path junitXml;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            ScenarioLibrary.load().forEach((file, s) -> out.println(file + "  " + s.name()));
            out.flush();
            return 0;
        }
        List<String> problems = new ArrayList<>();
        URI apiUri = staffApi.apiUri(problems);
        URI mqttUri = mqttOptions.uri(problems);
        if (timeScale != null && !(timeScale >= 1 && timeScale <= 600)) {
            problems.add("--time-scale must be 1..600, was " + timeScale);
        }
        Map<String, Scenario> scenarios = new LinkedHashMap<>();
        if (files.isEmpty()) {
            scenarios.putAll(ScenarioLibrary.load());
        }
        for (Path file : files) {
            try {
                scenarios.put(file.toString(), Scenario.parse(Files.readString(file), file.toString()));
            } catch (IOException e) {
                problems.add(file + " cannot be read: " + e.getMessage());
            } catch (ScenarioFormatException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            problems.forEach(p -> err.println("error: " + p));
            err.flush();
            return 2;
        }
        ScenarioRunner runner = new ScenarioRunner(
                new ScenarioRunner.Backend(apiUri, mqttUri, staffApi.staffUser, staffApi.staffPassword, ownerPasswords),
                timeScale,
                line -> {
                    out.println(line);
                    out.flush();
                });
        List<ScenarioResult> results = new ArrayList<>();
        scenarios.forEach((source, scenario) -> results.add(runner.run(source, scenario)));
        JUnitXml.write(junitXml, results);
        out.println();
        long failed = results.stream().filter(r -> !r.passed()).count();
        for (ScenarioResult r : results) {
            out.printf(
                    "%s  %-60s %5.1f s%n",
                    r.passed() ? "PASS" : "FAIL", r.scenario().name(), r.took().toMillis() / 1000.0);
        }
        out.printf("%d passed, %d failed%n", results.size() - failed, failed);
        out.println("JUnit XML: " + junitXml.toAbsolutePath());
        out.flush();
        return failed == 0 ? 0 : 1;
    }
}
