package dev.carlink.simulator.scenario;

import java.time.Duration;
import java.util.List;

/** One scenario's run: each step's result, or the error that stopped it. */
public record ScenarioResult(String source, Scenario scenario, List<StepResult> steps, String error, Duration took) {

    public boolean passed() {
        return error == null && steps.stream().allMatch(StepResult::passed);
    }

    public long failures() {
        return steps.stream().filter(s -> !s.passed()).count() + (error == null ? 0 : 1);
    }
}
