package dev.carlink.command.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * When a schedule's next occurrence is, across time zones and daylight-saving changes. Pure: the only time
 * it reads is its injected clock.
 *
 * <p>An occurrence is named by its ready-by instant: the local ready-by time on an included date, resolved
 * in the schedule's zone as {@link ZonedDateTime#of} does. In a gap (spring forward) the local time does
 * not exist and moves forward by the length of the gap (02:30 in a 02:00→03:00 gap is 03:30). In an
 * overlap (fall back) it exists twice and the earlier instant is taken; each date yields one instant, so
 * the later one never fires.
 */
public final class ScheduleCalculator {

    /** Enough dates to find the next included weekday, with a day either side for zone shifts. */
    private static final int SEARCH_DAYS = 9;

    private final Clock clock;

    public ScheduleCalculator(Clock clock) {
        this.clock = clock;
    }

    /** The first occurrence strictly after {@code after}; empty when there is none (a past one-time date). */
    public Optional<Instant> nextReadyBy(ScheduleSpec spec, Instant after) {
        return nextReadyBy(spec.readyBy(), spec.timeZone(), spec.recurrence(), after);
    }

    /** The same after now. */
    public Optional<Instant> nextReadyBy(ScheduleSpec spec) {
        return nextReadyBy(spec, clock.instant());
    }

    static Optional<Instant> nextReadyBy(LocalTime readyBy, ZoneId zone, Recurrence recurrence, Instant after) {
        if (recurrence instanceof Recurrence.Once once) {
            Instant only = occurrence(once.date(), readyBy, zone);
            return only.isAfter(after) ? Optional.of(only) : Optional.empty();
        }
        // A day before: a gap at the end of a day can move that day's time past midnight, past `after`.
        LocalDate date = LocalDate.ofInstant(after, zone).minusDays(1);
        for (int i = 0; i < SEARCH_DAYS; i++, date = date.plusDays(1)) {
            if (recurrence.includes(date)) {
                Instant candidate = occurrence(date, readyBy, zone);
                if (candidate.isAfter(after)) {
                    return Optional.of(candidate);
                }
            }
        }
        throw new IllegalStateException("no occurrence within " + SEARCH_DAYS + " days of " + after);
    }

    /** The instant of {@code readyBy} on {@code date}: gaps shift forward, overlaps take the earlier offset. */
    static Instant occurrence(LocalDate date, LocalTime readyBy, ZoneId zone) {
        return ZonedDateTime.of(date, readyBy, zone).toInstant();
    }

    /**
     * The next occurrence after {@code after} and when to start for it: {@code leadTime} earlier, but never
     * before now when the occurrence is still ahead (a schedule saved 10 minutes before its ready-by
     * starts at once, not "late"). An occurrence already past keeps its start, so it is judged late or
     * missed by the grace period.
     */
    public Optional<NextRun> plan(ScheduleSpec spec, Instant after, Duration leadTime) {
        Instant now = clock.instant();
        return nextReadyBy(spec, after).map(readyBy -> {
            Instant start = readyBy.minus(leadTime);
            if (readyBy.isAfter(now) && start.isBefore(now)) {
                start = now;
            }
            return new NextRun(readyBy, start);
        });
    }

    /** An occurrence (named by its ready-by instant) and the instant the A/C should start for it. */
    public record NextRun(Instant readyBy, Instant startAt) {
        public NextRun {
            if (startAt.isAfter(readyBy)) {
                throw new IllegalArgumentException("startAt " + startAt + " is after readyBy " + readyBy);
            }
        }
    }
}
