package dev.carlink.command.schedule;

/** Why an occurrence did not start the A/C. */
public enum SkipReason {
    /** The schedule has a location and the car is outside it, or its position is unknown. */
    NOT_AT_LOCATION,
    /** The state of charge is below the minimum for remote climate. */
    SOC_TOO_LOW,
    /** The car is moving or in a driving gear: someone is in it. */
    DRIVING,
    /** The car has no session with the backend. */
    VEHICLE_OFFLINE,
    /**
     * The start was older than the grace period when the scheduler got to it (downtime), or when the car
     * that holds the schedule woke up.
     */
    MISSED,
    /** The car, running the schedule itself, refused to start for a reason of its own (e.g. a sterilization). */
    REFUSED_BY_CAR
}
