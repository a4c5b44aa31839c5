package dev.carlink.command.rules;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The proactive-service rules' settings: each rule can be switched off, and its thresholds, durations and repeat
 * counts are set here (config keys {@code rules.*}, see the README). Validated at construction, all problems at
 * once.
 *
 * @param fatigue the fatigue escalation ladder (L2 reminder, L3 task)
 * @param hotCabin a parked car's cabin too hot with someone inside
 * @param sterilization an aborted or failed cycle, and a car that goes silent in the middle of one
 * @param commandFailures repeated failures of one car's commands
 * @param ownerRetries an owner retrying the same failing command
 * @param scheduleNotRun an A/C schedule that could not run (car offline, charge too low, missed)
 * @param interval how often the rules look at what is due on its own (an unacknowledged warning, a car parked
 *     long enough, a silent car, SLAs)
 */
public record RulesConfig(
        Fatigue fatigue,
        HotCabin hotCabin,
        Sterilization sterilization,
        Repeats commandFailures,
        Repeats ownerRetries,
        boolean scheduleNotRun,
        Duration interval) {

    /**
     * @param enabled whether the cloud fatigue service runs (still only for cars whose owner opted in)
     * @param repeatWindow a second L2 warning within this escalates to L3
     * @param acknowledgeTimeout an L2 reminder not acknowledged within this escalates to L3
     * @param parkedReset parked this long resets the ladder
     * @param eventRetention fatigue events older than this are deleted
     */
    public record Fatigue(
            boolean enabled,
            Duration repeatWindow,
            Duration acknowledgeTimeout,
            Duration parkedReset,
            Duration eventRetention) {}

    /**
     * @param enabled whether the rule runs
     * @param thresholdC a parked car's cabin above this, with an occupied seat or a child detected, is an emergency
     * @param coolingTargetC the cabin temperature the automatic cooling aims for
     * @param coolingMinutes how long the automatic cooling runs (the car's A/C limit is 30)
     * @param clearBelowC the emergency is over when the cabin is below this or nobody is inside; a new one may
     *     then open a task again
     */
    public record HotCabin(
            boolean enabled, double thresholdC, double coolingTargetC, int coolingMinutes, double clearBelowC) {}

    /**
     * @param enabled whether the rule runs
     * @param silentGrace a car offline this long in the middle of a cycle opens a task
     */
    public record Sterilization(boolean enabled, Duration silentGrace) {}

    /**
     * @param enabled whether the rule runs
     * @param count this many failures ...
     * @param window ... within this
     */
    public record Repeats(boolean enabled, int count, Duration window) {}

    public RulesConfig {
        List<String> problems = new ArrayList<>();
        positive(problems, "rules.fatigue.repeat-window", fatigue.repeatWindow());
        positive(problems, "rules.fatigue.acknowledge-timeout", fatigue.acknowledgeTimeout());
        positive(problems, "rules.fatigue.parked-reset", fatigue.parkedReset());
        positive(problems, "rules.fatigue.event-retention", fatigue.eventRetention());
        if (!(hotCabin.thresholdC() >= 25 && hotCabin.thresholdC() <= 70)) {
            problems.add("rules.hot-cabin.threshold-c must be 25..70, was " + hotCabin.thresholdC());
        }
        if (!(hotCabin.coolingTargetC() >= 15 && hotCabin.coolingTargetC() <= 28)) {
            problems.add("rules.hot-cabin.cooling-target-c must be 15..28, was " + hotCabin.coolingTargetC());
        }
        if (hotCabin.coolingMinutes() < 1 || hotCabin.coolingMinutes() > 30) {
            problems.add("rules.hot-cabin.cooling-minutes must be 1..30, was " + hotCabin.coolingMinutes());
        }
        if (!(hotCabin.clearBelowC() < hotCabin.thresholdC())) {
            problems.add("rules.hot-cabin.clear-below-c must be below the threshold, was " + hotCabin.clearBelowC());
        }
        positive(problems, "rules.sterilization.silent-grace", sterilization.silentGrace());
        repeats(problems, "rules.command-failures", commandFailures);
        repeats(problems, "rules.owner-retries", ownerRetries);
        positive(problems, "rules.interval", interval);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid rules config: " + String.join("; ", problems));
        }
    }

    private static void positive(List<String> problems, String key, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            problems.add(key + " must be a positive duration, was " + value);
        }
    }

    private static void repeats(List<String> problems, String key, Repeats repeats) {
        if (repeats.count() < 2 || repeats.count() > 100) {
            problems.add(key + ".count must be 2..100, was " + repeats.count());
        }
        positive(problems, key + ".window", repeats.window());
    }

    /** VISION's numbers: L3 on a second L2 within 30 min or no acknowledgement in 60 s, reset after 20 min parked. */
    public static RulesConfig defaults() {
        return new RulesConfig(
                new Fatigue(
                        true,
                        Duration.ofMinutes(30),
                        Duration.ofSeconds(60),
                        Duration.ofMinutes(20),
                        Duration.ofDays(30)),
                new HotCabin(true, 40, 22, 20, 35),
                new Sterilization(true, Duration.ofMinutes(2)),
                new Repeats(true, 3, Duration.ofMinutes(60)),
                new Repeats(true, 3, Duration.ofMinutes(5)),
                true,
                Duration.ofSeconds(1));
    }
}
