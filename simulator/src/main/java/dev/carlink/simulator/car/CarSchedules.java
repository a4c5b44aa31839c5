package dev.carlink.simulator.car;

import dev.carlink.proto.ScheduleRules;
import dev.carlink.proto.v1.AcSchedule;
import dev.carlink.proto.v1.ScheduleSet;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The A/C schedules the car holds (the backend's versioned desired state) and which of their occurrences are
 * due. Pure: time comes in as arguments. The occurrence and lead-time rules are the contract's
 * {@link ScheduleRules}, so the car names each occurrence (and its command id) exactly as the backend does.
 * Not thread-safe: the car calls it under its own lock.
 */
final class CarSchedules {

    /** How late the car still starts an occurrence (after a sleep); the backend's default grace period. */
    static final Duration GRACE = Duration.ofMinutes(10);

    static final double MIN_TARGET_C = 16;
    static final double MAX_TARGET_C = 30;
    static final double MIN_RADIUS_M = 50;
    static final double MAX_RADIUS_M = 10_000;

    /** One schedule as the car holds it. */
    record Held(
            String id,
            LocalTime readyBy,
            ZoneId zone,
            int weekdayMask,
            LocalDate date,
            boolean hasLocation,
            double latitude,
            double longitude,
            double radiusM,
            double targetC) {

        Optional<Instant> nextAfter(Instant after) {
            if (date != null) {
                return ScheduleRules.nextOnce(date, readyBy, zone, after);
            }
            return Optional.of(
                    ScheduleRules.nextRepeating(readyBy, zone, d -> ScheduleRules.maskIncludes(weekdayMask, d), after));
        }
    }

    /** An occurrence whose start has come. */
    record Occurrence(Held schedule, Instant readyBy, Instant plannedStart) {
        String commandId() {
            return ScheduleRules.commandId(schedule.id(), readyBy).toString();
        }
    }

    /**
     * A held schedule, its next occurrence (null once a one-time schedule ran), and since when the car holds
     * it: an occurrence learnt less than its lead time before ready-by starts at once, as in the backend.
     */
    private static final class Slot {
        final Held schedule;
        final Instant heldSince;
        Instant next;

        Slot(Held schedule, Instant heldSince, Instant next) {
            this.schedule = schedule;
            this.heldSince = heldSince;
            this.next = next;
        }
    }

    private long version;
    private final List<Slot> slots = new ArrayList<>();

    /** The version of the schedules held; 0 before the first set. */
    long version() {
        return version;
    }

    int size() {
        return slots.size();
    }

    /** Why the set cannot be held, naming the schedule and field; empty when it is valid. */
    static Optional<String> problem(ScheduleSet set) {
        if (set.getVersion() == 0) {
            return Optional.of("schedule_set.version must be >= 1");
        }
        for (int i = 0; i < set.getSchedulesCount(); i++) {
            Optional<String> bad = problem(set.getSchedules(i));
            if (bad.isPresent()) {
                return Optional.of("schedules[" + i + "]." + bad.get());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> problem(AcSchedule s) {
        if (s.getId().isEmpty()) {
            return Optional.of("id is empty");
        }
        if (s.getReadyByMinute() >= 24 * 60) {
            return Optional.of(
                    "ready_by_minute must be 0..1439, was " + Integer.toUnsignedString(s.getReadyByMinute()));
        }
        try {
            ZoneId.of(s.getTimeZone());
        } catch (DateTimeException e) {
            return Optional.of("time_zone is not a known zone: '" + s.getTimeZone() + "'");
        }
        boolean once = !s.getDate().isEmpty();
        if (once == (s.getWeekdayMask() != 0)) {
            return Optional.of("exactly one of weekday_mask and date must be set");
        }
        if (!once && s.getWeekdayMask() > 127) {
            return Optional.of("weekday_mask must be 1..127, was " + Integer.toUnsignedString(s.getWeekdayMask()));
        }
        if (once) {
            try {
                LocalDate.parse(s.getDate());
            } catch (DateTimeParseException e) {
                return Optional.of("date must be yyyy-MM-dd, was '" + s.getDate() + "'");
            }
        }
        double target = s.getTargetTemperatureC();
        if (!(target >= MIN_TARGET_C && target <= MAX_TARGET_C)) {
            return Optional.of("target_temperature_c must be 16..30, was " + target);
        }
        if (s.hasLocation() && !(s.getRadiusM() >= MIN_RADIUS_M && s.getRadiusM() <= MAX_RADIUS_M)) {
            return Optional.of("radius_m must be 50..10000, was " + s.getRadiusM());
        }
        return Optional.empty();
    }

    /**
     * Holds a valid set (see {@link #problem}) from now on, unless the car already holds this version or a
     * newer one; false then. Each schedule's next occurrence is the first after {@code now}.
     */
    boolean apply(ScheduleSet set, Instant now) {
        if (set.getVersion() <= version) {
            return false;
        }
        slots.clear();
        for (AcSchedule s : set.getSchedulesList()) {
            Held held = new Held(
                    s.getId(),
                    LocalTime.of(s.getReadyByMinute() / 60, s.getReadyByMinute() % 60),
                    ZoneId.of(s.getTimeZone()),
                    s.getWeekdayMask(),
                    s.getDate().isEmpty() ? null : LocalDate.parse(s.getDate()),
                    s.hasLocation(),
                    s.getLocation().getLatitude(),
                    s.getLocation().getLongitude(),
                    s.getRadiusM(),
                    s.getTargetTemperatureC());
            slots.add(new Slot(held, now, held.nextAfter(now).orElse(null)));
        }
        version = set.getVersion();
        return true;
    }

    /**
     * The occurrences whose start (ready-by minus the lead time for the cabin now) has come by {@code now};
     * each is returned once, and its schedule moves on to the following occurrence.
     */
    List<Occurrence> due(Instant now, OptionalDouble cabinC, OptionalDouble exteriorC) {
        List<Occurrence> due = new ArrayList<>();
        for (Slot slot : slots) {
            while (slot.next != null) {
                Duration lead = ScheduleRules.leadTime(cabinC, exteriorC, slot.schedule.targetC());
                Instant byLead = slot.next.minus(lead);
                Instant start = byLead.isBefore(slot.heldSince) ? slot.heldSince : byLead;
                if (now.isBefore(start)) {
                    break;
                }
                due.add(new Occurrence(slot.schedule, slot.next, start));
                slot.next = slot.schedule.nextAfter(slot.next).orElse(null);
            }
        }
        return due;
    }

    /** When the next occurrence of any held schedule is, if one is ahead. */
    Optional<Instant> nextReadyBy() {
        return slots.stream()
                .map(s -> s.next)
                .filter(java.util.Objects::nonNull)
                .min(Instant::compareTo);
    }
}
