package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.simulator.scenario.Scenario;
import dev.carlink.simulator.scenario.ScenarioLibrary;
import dev.carlink.simulator.scenario.ScenarioResult;
import dev.carlink.simulator.scenario.ScenarioRunner;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every scenario the simulator ships, played against the whole system. */
class ScenarioLibraryIT {

    private static final Logger log = LoggerFactory.getLogger(ScenarioLibraryIT.class);
    static final java.util.List<String> FILES = ScenarioLibrary.FILES;

    private static TestSystem system;
    private static ScenarioRunner runner;
    private static Map<String, Scenario> library;

    @BeforeAll
    static void start() {
        // a short result timeout, so "a car that never answers" times out in seconds
        system = TestSystem.start(c -> c.withResultTimeout(java.time.Duration.ofSeconds(5)));
        runner = new ScenarioRunner(
                new ScenarioRunner.Backend(
                        URI.create(system.api("")),
                        URI.create(system.mqttUri()),
                        "staff",
                        "staff-test-pass",
                        Map.of("alice", "alice-test-pass", "bob", "bob-test-pass")),
                null,
                line -> log.info("{}", line));
        library = ScenarioLibrary.load();
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("FILES")
    void shippedScenario_passesAgainstTheWholeSystem(String file) {
        ScenarioResult result = runner.run(file, library.get(file));

        assertThat(result.error()).isNull();
        assertThat(result.steps()).allSatisfy(step -> assertThat(step.passed())
                .as(step.step().describe() + " -> " + step.detail())
                .isTrue());
        assertThat(result.steps()).hasSameSizeAs(library.get(file).steps());
    }

    @Test
    void anExpectationThatDoesNotHold_failsTheScenario_withWhatWasSeen() {
        Scenario wrong = Scenario.parse(
                "{\"name\": \"wrong on purpose\", \"timeScale\": 10, \"car\": {\"owner\": \"alice\"},"
                        + " \"steps\": [{\"do\": \"command\", \"as\": \"c\", \"command\": {\"type\":"
                        + " \"CLIMATE_START\", \"targetTemperatureC\": 22}},"
                        + " {\"expect\": \"command\", \"ref\": \"c\", \"status\": \"REJECTED\", \"within\": \"10s\"}]}",
                "wrong.json");

        ScenarioResult result = runner.run("wrong.json", wrong);

        assertThat(result.passed()).isFalse();
        assertThat(result.steps().get(1).passed()).isFalse();
        assertThat(result.steps().get(1).detail()).contains("SUCCEEDED");
    }
}
