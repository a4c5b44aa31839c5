package dev.carlink.proto;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The contract's rules for A/C schedules, shared by the backend and the car so that both name the same
 * occurrence and the same command for it: a car that runs an occurrence itself and a backend that fires it
 * (because it did not know the car held the schedule yet) produce one command id, which the car executes at
 * most once.
 *
 * <p>An occurrence is named by its ready-by instant: the local ready-by time on an included date, resolved in
 * the schedule's zone as {@link ZonedDateTime#of} does. In a gap (spring forward) a local time that does not
 * exist moves forward by the length of the gap; in an overlap (fall back) the earlier instant is taken, and
 * each date yields one instant, so the later one never fires.
 *
 * <p>The A/C starts a lead time before ready-by: one minute per degree between the expected cabin
 * temperature (the cabin's, else the exterior's) and the target, rounded up, within 5..30 minutes; 25 °C is
 * assumed when neither is known. It runs until ready-by plus a 10-minute hold, at most 30 minutes.
 */
public final class ScheduleRules {

    public static final int MIN_LEAD_MINUTES = 5;
    /** The A/C's longest remote run, minutes. */
    public static final int MAX_RUN_MINUTES = 30;

    public static final int MAX_LEAD_MINUTES = MAX_RUN_MINUTES;
    public static final double MINUTES_PER_DEGREE = 1.0;
    public static final double UNKNOWN_GAP_C = 25;
    public static final int HOLD_MINUTES = 10;

    /** Mean Earth radius (IUGG), metres. */
    public static final double EARTH_RADIUS_M = 6_371_008.8;

    /** Enough dates to find the next included weekday, with a day either side for zone shifts. */
    private static final int SEARCH_DAYS = 9;

    private ScheduleRules() {}

    /** The id of the command that starts the A/C for an occurrence, wherever it is decided. */
    public static UUID commandId(String scheduleId, Instant occurrence) {
        return UUID.nameUUIDFromBytes(
                ("schedule:" + scheduleId + ":" + occurrence.toEpochMilli()).getBytes(StandardCharsets.UTF_8));
    }

    /** The instant of {@code readyBy} on {@code date}: gaps shift forward, overlaps take the earlier offset. */
    public static Instant occurrence(LocalDate date, LocalTime readyBy, ZoneId zone) {
        return ZonedDateTime.of(date, readyBy, zone).toInstant();
    }

    /** The first occurrence of a one-time schedule strictly after {@code after}, if its date's is. */
    public static Optional<Instant> nextOnce(LocalDate date, LocalTime readyBy, ZoneId zone, Instant after) {
        Instant only = occurrence(date, readyBy, zone);
        return only.isAfter(after) ? Optional.of(only) : Optional.empty();
    }

    /** The first occurrence of a repeating schedule strictly after {@code after}. */
    public static Instant nextRepeating(LocalTime readyBy, ZoneId zone, Predicate<LocalDate> includes, Instant after) {
        // A day before: a gap at the end of a day can move that day's time past midnight, past `after`.
        LocalDate date = LocalDate.ofInstant(after, zone).minusDays(1);
        for (int i = 0; i < SEARCH_DAYS; i++, date = date.plusDays(1)) {
            if (includes.test(date)) {
                Instant candidate = occurrence(date, readyBy, zone);
                if (candidate.isAfter(after)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("no occurrence within " + SEARCH_DAYS + " days of " + after);
    }

    /** Whether a weekday mask (bit 0 Monday .. bit 6 Sunday) includes the date's day. */
    public static boolean maskIncludes(int weekdayMask, LocalDate date) {
        return (weekdayMask & (1 << (date.getDayOfWeek().getValue() - 1))) != 0;
    }

    /** Great-circle (haversine) distance between two points, metres: how a schedule's location is judged. */
    public static double distanceM(double lat1, double lon1, double lat2, double lon2) {
        double phi1 = Math.toRadians(lat1);
        double phi2 = Math.toRadians(lat2);
        double dPhi = Math.toRadians(lat2 - lat1);
        double dLambda = Math.toRadians(lon2 - lon1);
        double a = Math.sin(dPhi / 2) * Math.sin(dPhi / 2)
                + Math.cos(phi1) * Math.cos(phi2) * Math.sin(dLambda / 2) * Math.sin(dLambda / 2);
        return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
    }

    /** The lead time for a target, from the latest cabin and exterior temperatures when known. */
    public static Duration leadTime(OptionalDouble cabinC, OptionalDouble exteriorC, double targetC) {
        OptionalDouble expected = cabinC.isPresent() ? cabinC : exteriorC;
        double gap = expected.isPresent() ? Math.abs(expected.getAsDouble() - targetC) : UNKNOWN_GAP_C;
        long minutes = (long) Math.ceil(gap * MINUTES_PER_DEGREE - 1e-9);
        return Duration.ofMinutes(Math.max(MIN_LEAD_MINUTES, Math.min(MAX_LEAD_MINUTES, minutes)));
    }

    /** Minutes the A/C runs when started at {@code startAt} for {@code readyBy}. */
    public static int runMinutes(Instant readyBy, Instant startAt) {
        long secondsLeft = Math.max(0, Duration.between(startAt, readyBy).getSeconds());
        long minutesLeft = (secondsLeft + 59) / 60;
        return (int) Math.min(MAX_RUN_MINUTES, minutesLeft + HOLD_MINUTES);
    }
}
