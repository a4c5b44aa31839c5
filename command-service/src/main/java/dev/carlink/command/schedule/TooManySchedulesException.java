package dev.carlink.command.schedule;

/** A car already has the most schedules it may hold; nothing was stored. */
public final class TooManySchedulesException extends RuntimeException {

    public TooManySchedulesException(String vin, int max) {
        super(
                "vehicle " + vin + " already has " + max + " schedules, the most a car holds; delete one first",
                null,
                false,
                false);
    }
}
