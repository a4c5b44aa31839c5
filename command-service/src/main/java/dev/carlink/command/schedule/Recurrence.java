package dev.carlink.command.schedule;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** On which local dates a schedule has an occurrence: every week on some weekdays, or once. */
public sealed interface Recurrence permits Recurrence.Weekly, Recurrence.Once {

    /** Whether the schedule has an occurrence on this local date. */
    boolean includes(LocalDate date);

    /** Repeats every week on these days. */
    record Weekly(Set<DayOfWeek> days) implements Recurrence {
        public Weekly {
            if (days == null || days.isEmpty()) {
                throw new IllegalArgumentException("weekdays must name at least one day");
            }
            days = Collections.unmodifiableSet(EnumSet.copyOf(days));
        }

        /** Bit 0 Monday .. bit 6 Sunday, as stored. */
        public int mask() {
            int mask = 0;
            for (DayOfWeek day : days) {
                mask |= 1 << (day.getValue() - 1);
            }
            return mask;
        }

        public static Weekly fromMask(int mask) {
            if (mask < 1 || mask > 127) {
                throw new IllegalArgumentException("weekday mask must be 1..127, was " + mask);
            }
            EnumSet<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            for (DayOfWeek day : DayOfWeek.values()) {
                if ((mask & (1 << (day.getValue() - 1))) != 0) {
                    days.add(day);
                }
            }
            return new Weekly(days);
        }

        @Override
        public boolean includes(LocalDate date) {
            return days.contains(date.getDayOfWeek());
        }
    }

    /** A single occurrence on this local date; the schedule disables itself after it. */
    record Once(LocalDate date) implements Recurrence {
        public Once {
            if (date == null) {
                throw new IllegalArgumentException("date is required for a one-time schedule");
            }
        }

        @Override
        public boolean includes(LocalDate candidate) {
            return date.equals(candidate);
        }
    }
}
