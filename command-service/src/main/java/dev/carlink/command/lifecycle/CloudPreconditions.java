package dev.carlink.command.lifecycle;

import dev.carlink.proto.bus.v1.LatestState;
import dev.carlink.proto.v1.ChildPresence;
import dev.carlink.proto.v1.Door;
import dev.carlink.proto.v1.LowVoltageSystemState;
import dev.carlink.proto.v1.OccupancyStatus;
import dev.carlink.proto.v1.ReasonCode;
import dev.carlink.proto.v1.Seat;
import dev.carlink.proto.v1.Telemetry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The cloud's safety checks before a command is queued, on the car's latest known state. The car checks
 * again when the command arrives and aborts on its own later; these checks spare the owner a command the
 * car will refuse, and never replace the car's.
 */
public final class CloudPreconditions {

    /** VSS SelectedGear value for park. */
    public static final int GEAR_PARK = 126;
    /** State older than this cannot prove a car is empty and parked. */
    public static final Duration MAX_STATE_AGE = Duration.ofMinutes(10);

    private final double minSterilizationChargePct;
    private final double minClimateChargePct;

    public CloudPreconditions(double minSterilizationChargePct, double minClimateChargePct) {
        this.minSterilizationChargePct = minSterilizationChargePct;
        this.minClimateChargePct = minClimateChargePct;
    }

    /** The first failing precondition of a sterilization start, if any. */
    public Optional<Refusal> sterilization(
            CommandSpec.SterilizationStartSpec spec, Optional<LatestState> state, Instant now) {
        if (!spec.checklistConfirmed()) {
            return refuse(
                    ReasonCode.REASON_CODE_CHECKLIST_NOT_CONFIRMED,
                    "confirm the checklist: no aerosols, lighters, power banks, children or pets inside");
        }
        if (state.isEmpty() || !state.get().hasTelemetry()) {
            return refuse(ReasonCode.REASON_CODE_STATE_UNKNOWN, "no state received from the car yet");
        }
        Telemetry t = state.get().getTelemetry();
        Duration age = Duration.between(Instant.ofEpochMilli(t.getTimestampMs()), now);
        if (age.compareTo(MAX_STATE_AGE) > 0) {
            return refuse(
                    ReasonCode.REASON_CODE_STATE_UNKNOWN,
                    "latest state is " + age.toMinutes() + " min old; the car must report first");
        }
        if (!t.hasSelectedGear() || t.getSelectedGear() != GEAR_PARK) {
            return refuse(ReasonCode.REASON_CODE_NOT_IN_PARK, "gear must be P");
        }
        if (!t.hasSpeedKmh() || t.getSpeedKmh() > 0) {
            return refuse(ReasonCode.REASON_CODE_VEHICLE_MOVING, "speed must be 0");
        }
        LowVoltageSystemState power = t.getLowVoltageSystemState();
        if (power == LowVoltageSystemState.LOW_VOLTAGE_SYSTEM_STATE_ON
                || power == LowVoltageSystemState.LOW_VOLTAGE_SYSTEM_STATE_START) {
            return refuse(ReasonCode.REASON_CODE_IGNITION_ON, "ignition must be off");
        }
        for (Seat seat : t.getSeatsList()) {
            if (seat.getOccupancy() == OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED) {
                return refuse(ReasonCode.REASON_CODE_SEAT_OCCUPIED, "seat " + position(seat) + " is occupied");
            }
        }
        if (t.getSeatsCount() == 0) {
            return refuse(ReasonCode.REASON_CODE_SEAT_OCCUPANCY_UNKNOWN, "the car reports no seat occupancy");
        }
        for (Seat seat : t.getSeatsList()) {
            if (seat.getOccupancy() != OccupancyStatus.OCCUPANCY_STATUS_EMPTY) {
                return refuse(
                        ReasonCode.REASON_CODE_SEAT_OCCUPANCY_UNKNOWN,
                        "occupancy of seat " + position(seat) + " is unknown");
            }
        }
        if (t.getChildPresence() != ChildPresence.CHILD_PRESENCE_NOT_DETECTED) {
            return refuse(
                    ReasonCode.REASON_CODE_CHILD_PRESENT,
                    t.getChildPresence() == ChildPresence.CHILD_PRESENCE_DETECTED
                            ? "a child is detected in the cabin"
                            : "child presence is unknown");
        }
        for (Door door : t.getDoorsList()) {
            if (door.getIsOpen()) {
                return refuse(ReasonCode.REASON_CODE_DOOR_OPEN, "door " + position(door) + " is open");
            }
        }
        for (Door door : t.getDoorsList()) {
            if (!door.getIsLocked()) {
                return refuse(ReasonCode.REASON_CODE_DOOR_UNLOCKED, "door " + position(door) + " is unlocked");
            }
            if (door.getWindowPositionPct() > 0) {
                return refuse(ReasonCode.REASON_CODE_WINDOW_OPEN, "window " + position(door) + " is open");
            }
        }
        if (t.getTrunkIsOpen()) {
            return refuse(ReasonCode.REASON_CODE_TRUNK_OPEN, "the trunk is open");
        }
        if (!t.hasStateOfChargePct() || t.getStateOfChargePct() < minSterilizationChargePct) {
            return refuse(
                    ReasonCode.REASON_CODE_LOW_CHARGE,
                    "state of charge must be at least " + minSterilizationChargePct + " %");
        }
        return Optional.empty();
    }

    /** Remote climate is refused on low charge unless the owner explicitly overrides. */
    public Optional<Refusal> climate(CommandSpec.ClimateStartSpec spec, Optional<LatestState> state) {
        if (spec.allowLowCharge() || state.isEmpty()) {
            return Optional.empty();
        }
        Telemetry t = state.get().getTelemetry();
        if (t.hasStateOfChargePct() && t.getStateOfChargePct() < minClimateChargePct) {
            return refuse(
                    ReasonCode.REASON_CODE_LOW_CHARGE,
                    "state of charge " + Math.round(t.getStateOfChargePct()) + " % is below " + minClimateChargePct
                            + " %; set allowLowCharge to override");
        }
        return Optional.empty();
    }

    private static Optional<Refusal> refuse(ReasonCode reason, String detail) {
        return Optional.of(new Refusal(reason, detail));
    }

    private static String position(Seat seat) {
        return seat.getPosition().name().replace("CABIN_POSITION_", "");
    }

    private static String position(Door door) {
        return door.getPosition().name().replace("CABIN_POSITION_", "");
    }
}
