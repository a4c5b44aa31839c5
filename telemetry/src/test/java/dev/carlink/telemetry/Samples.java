package dev.carlink.telemetry;

import dev.carlink.proto.bus.v1.TelemetryIngest;
import dev.carlink.proto.v1.CabinPosition;
import dev.carlink.proto.v1.ChildPresence;
import dev.carlink.proto.v1.Door;
import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.proto.v1.Hvac;
import dev.carlink.proto.v1.HvacMode;
import dev.carlink.proto.v1.Location;
import dev.carlink.proto.v1.LowVoltageSystemState;
import dev.carlink.proto.v1.OccupancyStatus;
import dev.carlink.proto.v1.Seat;
import dev.carlink.proto.v1.SterilizationPhase;
import dev.carlink.proto.v1.Telemetry;
import java.time.Instant;

/** Test fixtures: VINs and telemetry samples. */
public final class Samples {

    /** A valid VIN (no I, O or Q). */
    public static final String VIN = "WVWZZZ1JZXW000001";

    private Samples() {}

    /** The n-th valid test VIN. */
    public static String vin(int n) {
        return String.format("WVWZZZ1JZXW%06d", n);
    }

    /** Only the required fields. */
    public static Telemetry.Builder minimal(long seq, long timestampMs) {
        return Telemetry.newBuilder().setSeq(seq).setTimestampMs(timestampMs);
    }

    /** Every field set, with floats that do not round-trip through a careless decimal conversion. */
    public static Telemetry full(long seq, long timestampMs) {
        return minimal(seq, timestampMs)
                .setCabinTemperatureC(21.3f)
                .setExteriorTemperatureC(-4.25f)
                .setStateOfChargePct(1f / 3f * 100f)
                .setSpeedKmh(1.0E-7f)
                .setLocation(Location.newBuilder().setLatitude(48.137154).setLongitude(-11.5761249999))
                .setSelectedGear(126)
                .setLowVoltageSystemState(LowVoltageSystemState.LOW_VOLTAGE_SYSTEM_STATE_ON)
                .addDoors(door(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE, true, false, 33.333332f))
                .addDoors(door(CabinPosition.CABIN_POSITION_ROW1_PASSENGER_SIDE, false, true, 0f))
                .addDoors(door(CabinPosition.CABIN_POSITION_ROW2_DRIVER_SIDE, false, true, 100f))
                .addDoors(door(CabinPosition.CABIN_POSITION_ROW2_PASSENGER_SIDE, false, false, 0.1f))
                .setTrunkIsOpen(false)
                .addSeats(
                        seat(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE, OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED))
                .addSeats(
                        seat(CabinPosition.CABIN_POSITION_ROW1_PASSENGER_SIDE, OccupancyStatus.OCCUPANCY_STATUS_EMPTY))
                .addSeats(seat(CabinPosition.CABIN_POSITION_ROW2_MIDDLE, OccupancyStatus.OCCUPANCY_STATUS_UNKNOWN))
                .setChildPresence(ChildPresence.CHILD_PRESENCE_NOT_DETECTED)
                .setHvac(Hvac.newBuilder()
                        .setMode(HvacMode.HVAC_MODE_COOLING)
                        .setIsAirConditioningActive(true)
                        .setTargetTemperatureC(21.5f)
                        .setAutoOffAtMs(timestampMs + 1_200_000))
                .setSterilizationPhase(SterilizationPhase.STERILIZATION_PHASE_IDLE)
                .setFatigueLevel(FatigueLevel.FATIGUE_LEVEL_NONE)
                .setIsEyesOnRoad(true)
                .setOdometerKm(123456.79f)
                .setRangeKm(321.9f)
                .setLowVoltageBatteryV(12.6f)
                .setIsCharging(false)
                .build();
    }

    public static Door door(CabinPosition position, boolean open, boolean locked, float windowPct) {
        return Door.newBuilder()
                .setPosition(position)
                .setIsOpen(open)
                .setIsLocked(locked)
                .setWindowPositionPct(windowPct)
                .build();
    }

    public static Seat seat(CabinPosition position, OccupancyStatus occupancy) {
        return Seat.newBuilder().setPosition(position).setOccupancy(occupancy).build();
    }

    /** The bus request carrying {@code telemetry} of {@code vin}. */
    public static TelemetryIngest ingest(String vin, Telemetry telemetry, Instant receivedAt) {
        return TelemetryIngest.newBuilder()
                .setVin(vin)
                .setTelemetry(telemetry)
                .setReceivedAtMs(receivedAt.toEpochMilli())
                .build();
    }
}
