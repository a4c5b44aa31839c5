package dev.carlink.command.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.proto.ScheduleRules;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class LeadTimeRuleTest {

    private static final OptionalDouble NONE = OptionalDouble.empty();

    private static Duration lead(OptionalDouble cabin, OptionalDouble exterior, double target) {
        return ScheduleRules.leadTime(cabin, exterior, target);
    }

    @Test
    void oneMinutePerDegreeOfGap_roundedUp() {
        assertThat(lead(OptionalDouble.of(40), NONE, 22)).isEqualTo(Duration.ofMinutes(18));
        assertThat(lead(OptionalDouble.of(34.2), NONE, 22)).isEqualTo(Duration.ofMinutes(13));
    }

    @Test
    void aSmallGap_stillStartsFiveMinutesEarly() {
        assertThat(lead(OptionalDouble.of(23), NONE, 22)).isEqualTo(Duration.ofMinutes(5));
        assertThat(lead(OptionalDouble.of(22), NONE, 22)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aHugeGap_isCappedAtTheAcMaximumRun() {
        assertThat(lead(OptionalDouble.of(70), NONE, 22)).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void heatingCountsLikeCooling() {
        assertThat(lead(OptionalDouble.of(-2), NONE, 21)).isEqualTo(Duration.ofMinutes(23));
    }

    @Test
    void withoutACabinReading_theExteriorOneIsUsed_andWithoutEither_aConservativeGap() {
        assertThat(lead(NONE, OptionalDouble.of(30), 22)).isEqualTo(Duration.ofMinutes(8));
        assertThat(lead(OptionalDouble.of(40), OptionalDouble.of(30), 22))
                .as("the cabin reading wins")
                .isEqualTo(Duration.ofMinutes(18));
        assertThat(lead(NONE, NONE, 22)).isEqualTo(Duration.ofMinutes(25));
    }

    @Test
    void runTime_isTheTimeLeftPlusAHold_cappedAtThirtyMinutes() {
        Instant readyBy = Instant.parse("2026-06-01T07:40:00Z");

        assertThat(ScheduleRules.runMinutes(readyBy, readyBy.minusSeconds(8 * 60)))
                .isEqualTo(18);
        assertThat(ScheduleRules.runMinutes(readyBy, readyBy.minusSeconds(25 * 60)))
                .isEqualTo(30);
        assertThat(ScheduleRules.runMinutes(readyBy, readyBy.minusSeconds(61))).isEqualTo(12);
    }

    @Test
    void aStartPastReadyBy_runsForTheHold() {
        Instant readyBy = Instant.parse("2026-06-01T07:40:00Z");

        assertThat(ScheduleRules.runMinutes(readyBy, readyBy.plusSeconds(120))).isEqualTo(ScheduleRules.HOLD_MINUTES);
    }
}
