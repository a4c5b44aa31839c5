package dev.carlink.command.schedule;

import dev.carlink.proto.ScheduleRules;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Optional;

/**
 * When a schedule's next occurrence is, across time zones and daylight-saving changes, and when to start
 * for it. Pure: the only time it reads is its injected clock. The occurrence rule itself (gaps shift
 * forward, overlaps take the earlier instant) is the contract's {@link ScheduleRules}, which the car uses
 * too, so both name the same occurrences.
 */
public final class ScheduleCalculator {

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
            return ScheduleRules.nextOnce(once.date(), readyBy, zone, after);
        }
        return Optional.of(ScheduleRules.nextRepeating(readyBy, zone, recurrence::includes, after));
    }

    /** The instant of {@code readyBy} on {@code date}: gaps shift forward, overlaps take the earlier offset. */
    static Instant occurrence(LocalDate date, LocalTime readyBy, ZoneId zone) {
        return ScheduleRules.occurrence(date, readyBy, zone);
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
