package dev.carlink.simulator.scenario;

import java.time.Duration;

/** What happened to one step: an action done, or an expectation met or missed (with what was seen). */
public record StepResult(Scenario.Step step, boolean passed, Duration took, String detail) {}
