package dev.carlink.command.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.carlink.command.task.TaskType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RulesConfigTest {

    @Test
    void theDefaultsAreVisionsNumbers() {
        RulesConfig rules = RulesConfig.defaults();
        assertThat(rules.fatigue().repeatWindow()).isEqualTo(Duration.ofMinutes(30));
        assertThat(rules.fatigue().acknowledgeTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(rules.fatigue().parkedReset()).isEqualTo(Duration.ofMinutes(20));
        assertThat(rules.hotCabin().thresholdC()).isEqualTo(40);
        assertThat(rules.ownerRetries().count()).isEqualTo(3);
        assertThat(rules.ownerRetries().window()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void nonsenseIsRefused_everyProblemAtOnce() {
        RulesConfig d = RulesConfig.defaults();
        assertThatThrownBy(() -> new RulesConfig(
                        new RulesConfig.Fatigue(
                                true, Duration.ZERO, d.fatigue().acknowledgeTimeout(), null, Duration.ofDays(1)),
                        new RulesConfig.HotCabin(true, 90, 22, 45, 95),
                        d.sterilization(),
                        new RulesConfig.Repeats(true, 1, Duration.ofMinutes(5)),
                        d.ownerRetries(),
                        true,
                        d.interval()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rules.fatigue.repeat-window")
                .hasMessageContaining("rules.fatigue.parked-reset")
                .hasMessageContaining("rules.hot-cabin.threshold-c")
                .hasMessageContaining("rules.hot-cabin.cooling-minutes")
                .hasMessageContaining("rules.command-failures.count");
    }

    @Test
    void aPriorityIsRaisedOneStep_urgentStaysUrgent() {
        assertThat(TaskType.Priority.LOW.raised()).isEqualTo(TaskType.Priority.NORMAL);
        assertThat(TaskType.Priority.HIGH.raised()).isEqualTo(TaskType.Priority.URGENT);
        assertThat(TaskType.Priority.URGENT.raised()).isEqualTo(TaskType.Priority.URGENT);
    }
}
