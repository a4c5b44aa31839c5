package dev.carlink.simulator.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The scenarios shipped with the simulator (resources under {@code scenarios/}), by file name. */
public final class ScenarioLibrary {

    /** Every shipped scenario; the project's tests run them all against the whole system. */
    public static final List<String> FILES = List.of(
            "hot-afternoon-ac.json",
            "climate-low-charge-refused.json",
            "sterilization-occupied-seat-refused.json",
            "sterilization-door-opened-aborts.json",
            "fatigue-warning-reminder.json",
            "fatigue-critical-task.json",
            "offline-car-gets-queued-command.json",
            "car-never-answers-times-out.json",
            "car-answers-late.json",
            "duplicate-messages-harmless.json",
            "malformed-and-skewed-telemetry-refused.json",
            "schedule-ready-by-cools.json",
            "schedule-low-charge-skipped.json",
            "forged-commands-refused.json",
            "hot-cabin-child-emergency.json",
            "sterilization-aborted-task.json",
            "fatigue-second-warning-escalates.json",
            "owner-retries-failing-command.json");

    private ScenarioLibrary() {}

    /** File name to parsed scenario, in the order of {@link #FILES}. */
    public static Map<String, Scenario> load() {
        Map<String, Scenario> scenarios = new LinkedHashMap<>();
        for (String file : FILES) {
            scenarios.put(file, Scenario.parse(read(file), file));
        }
        return scenarios;
    }

    static String read(String file) {
        try (InputStream in = ScenarioLibrary.class.getResourceAsStream("/scenarios/" + file)) {
            if (in == null) {
                throw new IllegalStateException("scenario " + file + " is missing from the simulator's resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
