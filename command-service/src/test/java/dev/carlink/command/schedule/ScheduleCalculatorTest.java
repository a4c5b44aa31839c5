package dev.carlink.command.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScheduleCalculatorTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final ZoneId SYDNEY = ZoneId.of("Australia/Sydney");
    private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");

    private static ScheduleCalculator at(String now) {
        return new ScheduleCalculator(Clock.fixed(Instant.parse(now), ZoneOffset.UTC));
    }

    private static ScheduleSpec daily(String readyBy, ZoneId zone) {
        return weekly(readyBy, zone, EnumSet.allOf(DayOfWeek.class));
    }

    private static ScheduleSpec weekly(String readyBy, ZoneId zone, EnumSet<DayOfWeek> days) {
        return new ScheduleSpec(
                LocalTime.parse(readyBy), zone, new Recurrence.Weekly(days), Optional.empty(), 22, true);
    }

    private static ScheduleSpec once(String readyBy, ZoneId zone, String date) {
        return new ScheduleSpec(
                LocalTime.parse(readyBy), zone, new Recurrence.Once(LocalDate.parse(date)), Optional.empty(), 22, true);
    }

    /** The occurrences a scheduler walks through: each the next after the one before. */
    private static List<Instant> occurrences(ScheduleSpec spec, String from, int count) {
        ScheduleCalculator calculator = at(from);
        List<Instant> out = new ArrayList<>();
        Instant after = Instant.parse(from);
        for (int i = 0; i < count; i++) {
            after = calculator.nextReadyBy(spec, after).orElseThrow();
            out.add(after);
        }
        return out;
    }

    @Test
    void aDailyTime_isTheNextLocalTimeInTheZone() {
        ScheduleSpec spec = daily("07:40", BERLIN);

        assertThat(at("2026-06-01T04:00:00Z").nextReadyBy(spec)).contains(Instant.parse("2026-06-01T05:40:00Z"));
        assertThat(at("2026-06-01T05:40:00Z").nextReadyBy(spec))
                .as("strictly after: the occurrence at now is not next")
                .contains(Instant.parse("2026-06-02T05:40:00Z"));
    }

    @Test
    void berlinSpringForward_aTimeInTheGap_shiftsForwardByTheGap_andTheNextDayIsNormal() {
        // 2026-03-29: 02:00 CET becomes 03:00 CEST; 02:30 does not exist.
        assertThat(occurrences(daily("02:30", BERLIN), "2026-03-28T12:00:00Z", 2))
                .containsExactly(
                        Instant.parse("2026-03-29T01:30:00Z"), // 03:30 CEST
                        Instant.parse("2026-03-30T00:30:00Z")); // 02:30 CEST
    }

    @Test
    void berlinFallBack_aTimeInTheOverlap_firesOnceAtTheEarlierInstant_neverAtTheLater() {
        // 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 happens at 00:30Z and again at 01:30Z.
        List<Instant> walked = occurrences(daily("02:30", BERLIN), "2026-10-24T12:00:00Z", 2);

        assertThat(walked)
                .containsExactly(Instant.parse("2026-10-25T00:30:00Z"), Instant.parse("2026-10-26T01:30:00Z"));
        assertThat(walked).doesNotContain(Instant.parse("2026-10-25T01:30:00Z"));
    }

    @Test
    void berlinFallBack_askedBetweenTheTwoInstants_doesNotFireTheLaterOne() {
        // After the earlier 02:30 fired, a re-plan from 01:00Z (02:00 CET, inside the overlap) goes to the next day.
        assertThat(at("2026-10-25T01:00:00Z").nextReadyBy(daily("02:30", BERLIN)))
                .contains(Instant.parse("2026-10-26T01:30:00Z"));
    }

    @Test
    void newYorkSpringForward_shiftsForward_andFallBack_takesTheEarlierInstantOnce() {
        // 2026-03-08: 02:00 EST becomes 03:00 EDT. 2026-11-01: 02:00 EDT becomes 01:00 EST.
        assertThat(occurrences(daily("02:30", NEW_YORK), "2026-03-07T12:00:00Z", 2))
                .containsExactly(Instant.parse("2026-03-08T07:30:00Z"), Instant.parse("2026-03-09T06:30:00Z"));
        List<Instant> autumn = occurrences(daily("01:30", NEW_YORK), "2026-10-31T12:00:00Z", 2);
        assertThat(autumn)
                .containsExactly(Instant.parse("2026-11-01T05:30:00Z"), Instant.parse("2026-11-02T06:30:00Z"));
        assertThat(autumn).doesNotContain(Instant.parse("2026-11-01T06:30:00Z"));
    }

    @Test
    void sydney_southernHemisphere_fallsBackInApril_andSpringsForwardInOctober() {
        // 2026-04-05: 03:00 AEDT (+11) becomes 02:00 AEST (+10). 2026-10-04: 02:00 AEST becomes 03:00 AEDT.
        List<Instant> april = occurrences(daily("02:30", SYDNEY), "2026-04-04T00:00:00Z", 2);
        assertThat(april).containsExactly(Instant.parse("2026-04-04T15:30:00Z"), Instant.parse("2026-04-05T16:30:00Z"));
        assertThat(april).doesNotContain(Instant.parse("2026-04-04T16:30:00Z"));

        assertThat(occurrences(daily("02:30", SYDNEY), "2026-10-03T00:00:00Z", 2))
                .containsExactly(
                        Instant.parse("2026-10-03T16:30:00Z"), // 03:30 AEDT
                        Instant.parse("2026-10-04T15:30:00Z")); // 02:30 AEDT
    }

    @Test
    void aTimeOutsideTheChange_keepsItsLocalTimeAcrossIt() {
        // 07:40 in Berlin is 06:40Z in winter and 05:40Z in summer.
        assertThat(occurrences(daily("07:40", BERLIN), "2026-03-28T12:00:00Z", 2))
                .containsExactly(Instant.parse("2026-03-29T05:40:00Z"), Instant.parse("2026-03-30T05:40:00Z"));
        assertThat(occurrences(daily("07:40", BERLIN), "2026-10-24T12:00:00Z", 2))
                .containsExactly(Instant.parse("2026-10-25T06:40:00Z"), Instant.parse("2026-10-26T06:40:00Z"));
    }

    @Test
    void aWeekdayMask_skipsTheOtherDays() {
        // 2026-06-02 is a Tuesday.
        ScheduleSpec spec = weekly("07:40", BERLIN, EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.WEDNESDAY));

        assertThat(occurrences(spec, "2026-06-02T00:00:00Z", 3))
                .containsExactly(
                        Instant.parse("2026-06-03T05:40:00Z"), // Wednesday
                        Instant.parse("2026-06-08T05:40:00Z"), // Monday
                        Instant.parse("2026-06-10T05:40:00Z")); // Wednesday
    }

    @Test
    void aSingleWeekday_afterThatDaysTime_isAWeekLater() {
        // 2026-06-03 is a Wednesday; 08:00 Berlin is past 07:40.
        ScheduleSpec spec = weekly("07:40", BERLIN, EnumSet.of(DayOfWeek.WEDNESDAY));

        assertThat(at("2026-06-03T06:00:00Z").nextReadyBy(spec)).contains(Instant.parse("2026-06-10T05:40:00Z"));
    }

    @Test
    void theWeekdayIsTheLocalOne_notUtcs() {
        // 2026-06-04T23:30Z is Thursday in UTC but already Friday 08:30 in Tokyo.
        ScheduleSpec spec = weekly("07:40", TOKYO, EnumSet.of(DayOfWeek.FRIDAY));

        assertThat(at("2026-06-04T21:00:00Z").nextReadyBy(spec))
                .as("Friday 06:00 in Tokyo: today's 07:40 is still ahead")
                .contains(Instant.parse("2026-06-04T22:40:00Z"));
        assertThat(at("2026-06-04T23:30:00Z").nextReadyBy(spec)).contains(Instant.parse("2026-06-11T22:40:00Z"));
    }

    @Test
    void theYearEnd_isCrossedByWeeklyAndOneTimeSchedules() {
        // 2027-01-01 is a Friday; 2026-12-31 a Thursday.
        ScheduleSpec fridays = weekly("07:40", TOKYO, EnumSet.of(DayOfWeek.FRIDAY));
        assertThat(at("2026-12-31T03:00:00Z").nextReadyBy(fridays)).contains(Instant.parse("2026-12-31T22:40:00Z"));

        ScheduleSpec newYear = once("00:15", NEW_YORK, "2027-01-01");
        assertThat(at("2026-12-31T23:00:00Z").nextReadyBy(newYear)).contains(Instant.parse("2027-01-01T05:15:00Z"));

        ScheduleSpec daily = daily("23:50", SYDNEY);
        assertThat(occurrences(daily, "2026-12-31T12:00:00Z", 2))
                .containsExactly(
                        Instant.parse("2026-12-31T12:50:00Z"), // 31 Dec 23:50 AEDT
                        Instant.parse("2027-01-01T12:50:00Z"));
    }

    @Test
    void aOneTimeSchedule_hasOneOccurrence_andNoneAfterIt() {
        ScheduleSpec spec = once("07:40", BERLIN, "2026-07-01");

        assertThat(at("2026-06-01T00:00:00Z").nextReadyBy(spec)).contains(Instant.parse("2026-07-01T05:40:00Z"));
        assertThat(at("2026-07-01T05:40:00Z").nextReadyBy(spec)).isEmpty();
    }

    @Test
    void aOneTimeScheduleInTheGap_shiftsForwardLikeARepeatingOne() {
        assertThat(at("2026-03-01T00:00:00Z").nextReadyBy(once("02:30", BERLIN, "2026-03-29")))
                .contains(Instant.parse("2026-03-29T01:30:00Z"));
    }

    @Test
    void plan_startsTheLeadTimeEarly() {
        Optional<ScheduleCalculator.NextRun> run = at("2026-06-01T00:00:00Z")
                .plan(daily("07:40", BERLIN), Instant.parse("2026-06-01T00:00:00Z"), Duration.ofMinutes(20));

        assertThat(run)
                .contains(new ScheduleCalculator.NextRun(
                        Instant.parse("2026-06-01T05:40:00Z"), Instant.parse("2026-06-01T05:20:00Z")));
    }

    @Test
    void plan_withLessTimeLeftThanTheLead_startsNow_notInThePast() {
        Instant now = Instant.parse("2026-06-01T05:35:00Z");

        Optional<ScheduleCalculator.NextRun> run =
                at(now.toString()).plan(daily("07:40", BERLIN), now, Duration.ofMinutes(20));

        assertThat(run).contains(new ScheduleCalculator.NextRun(Instant.parse("2026-06-01T05:40:00Z"), now));
    }

    @Test
    void plan_ofAnOccurrenceAlreadyPast_keepsItsStart_soItIsJudgedByTheGracePeriod() {
        // After downtime: the next occurrence after the last decided one is already behind now.
        ScheduleCalculator calculator = at("2026-06-05T12:00:00Z");

        Optional<ScheduleCalculator.NextRun> run =
                calculator.plan(daily("07:40", BERLIN), Instant.parse("2026-06-01T05:40:00Z"), Duration.ofMinutes(20));

        assertThat(run)
                .contains(new ScheduleCalculator.NextRun(
                        Instant.parse("2026-06-02T05:40:00Z"), Instant.parse("2026-06-02T05:20:00Z")));
    }
}
