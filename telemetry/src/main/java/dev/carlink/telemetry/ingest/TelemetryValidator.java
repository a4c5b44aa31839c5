package dev.carlink.telemetry.ingest;

import dev.carlink.proto.bus.v1.TelemetryIngest;
import dev.carlink.proto.v1.CabinPosition;
import dev.carlink.proto.v1.Door;
import dev.carlink.proto.v1.Hvac;
import dev.carlink.proto.v1.Seat;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.telemetry.TelemetrySample;
import dev.carlink.telemetry.Vin;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The value rules of one telemetry sample. Pure: the time it checks against is passed in. The first
 * broken rule is reported as a text that names the field (proto field names, with the path for nested
 * ones: {@code hvac.target_temperature_c}, {@code doors[1].window_position_pct}) and the bad value.
 */
final class TelemetryValidator {

    /** Cabin temperature range, degrees C: a parked car in the sun stays well below 120. */
    static final double CABIN_MIN_C = -60;

    static final double CABIN_MAX_C = 120;
    /** Exterior air temperature range, degrees C: the extremes ever measured on Earth, rounded out. */
    static final double EXTERIOR_MIN_C = -70;

    static final double EXTERIOR_MAX_C = 70;
    static final double SPEED_MAX_KMH = 500;
    /** VSS SelectedGear: -1.. reverse, 0 neutral, 1.. forward, 126 park, 127 drive. */
    static final int GEAR_MIN = -10;

    static final int GEAR_MAX = 127;
    /** HVAC setpoint: sterilization needs 60 degrees C, so the range stops above that. */
    static final double HVAC_TARGET_MAX_C = 80;
    /** 12 V system voltage: 0 when the battery is disconnected, 60 bounds any 48 V system. */
    static final double LOW_VOLTAGE_MAX_V = 60;

    private final Duration maxFutureSkew;
    private final Duration maxAge;

    /**
     * @param maxFutureSkew how far past now a sample may be timestamped
     * @param maxAge how old a sample may be: the raw retention (an older one would be dropped at once)
     */
    TelemetryValidator(Duration maxFutureSkew, Duration maxAge) {
        this.maxFutureSkew = maxFutureSkew;
        this.maxAge = maxAge;
    }

    /**
     * The first broken rule of {@code ingest}, or empty when every value is acceptable.
     *
     * @param now the backend's current time, for the future-skew rule
     */
    Optional<String> check(TelemetryIngest ingest, Instant now) {
        Optional<String> vinProblem = Vin.problem(ingest.getVin());
        if (vinProblem.isPresent()) {
            return vinProblem;
        }
        if (!ingest.hasTelemetry()) {
            return Optional.of("telemetry must be present");
        }
        Problems problems = new Problems();
        problems.epochMillis("received_at_ms", ingest.getReceivedAtMs(), 0);
        checkTelemetry(ingest.getTelemetry(), now, problems);
        return problems.first();
    }

    private void checkTelemetry(Telemetry t, Instant now, Problems problems) {
        long latestAllowed = now.plus(maxFutureSkew).toEpochMilli();
        long oldestAllowed = now.minus(maxAge).toEpochMilli();
        if (t.getTimestampMs() <= 0) {
            problems.add("timestamp_ms must be > 0, was " + t.getTimestampMs());
        } else if (t.getTimestampMs() > latestAllowed) {
            problems.add("timestamp_ms must not be later than now + " + maxFutureSkew + " (" + latestAllowed + "), was "
                    + t.getTimestampMs());
        } else if (t.getTimestampMs() < oldestAllowed) {
            problems.add("timestamp_ms must not be older than the retention, now - " + maxAge + " (" + oldestAllowed
                    + "), was " + t.getTimestampMs());
        }
        if (t.getSeq() <= 0) {
            problems.add("seq must be in 1.." + Long.MAX_VALUE + ", was " + Long.toUnsignedString(t.getSeq()));
        }
        if (t.hasCabinTemperatureC()) {
            problems.range("cabin_temperature_c", t.getCabinTemperatureC(), CABIN_MIN_C, CABIN_MAX_C);
        }
        if (t.hasExteriorTemperatureC()) {
            problems.range("exterior_temperature_c", t.getExteriorTemperatureC(), EXTERIOR_MIN_C, EXTERIOR_MAX_C);
        }
        if (t.hasStateOfChargePct()) {
            problems.range("state_of_charge_pct", t.getStateOfChargePct(), 0, 100);
        }
        if (t.hasSpeedKmh()) {
            problems.range("speed_kmh", t.getSpeedKmh(), 0, SPEED_MAX_KMH);
        }
        if (t.hasLocation()) {
            problems.range("location.latitude", t.getLocation().getLatitude(), -90, 90);
            problems.range("location.longitude", t.getLocation().getLongitude(), -180, 180);
        }
        if (t.hasSelectedGear() && (t.getSelectedGear() < GEAR_MIN || t.getSelectedGear() > GEAR_MAX)) {
            problems.add("selected_gear must be in " + GEAR_MIN + ".." + GEAR_MAX + ", was " + t.getSelectedGear());
        }
        if (t.hasLowVoltageSystemState()) {
            problems.knownEnum(
                    "low_voltage_system_state", t.getLowVoltageSystemState().name(), t.getLowVoltageSystemStateValue());
        }
        checkDoors(t.getDoorsList(), problems);
        checkSeats(t.getSeatsList(), problems);
        if (t.hasChildPresence()) {
            problems.knownEnum("child_presence", t.getChildPresence().name(), t.getChildPresenceValue());
        }
        if (t.hasHvac()) {
            checkHvac(t.getHvac(), problems);
        }
        if (t.hasSterilizationPhase()) {
            problems.knownEnum("sterilization_phase", t.getSterilizationPhase().name(), t.getSterilizationPhaseValue());
        }
        if (t.hasFatigueLevel()) {
            problems.knownEnum("fatigue_level", t.getFatigueLevel().name(), t.getFatigueLevelValue());
        }
        if (t.hasOdometerKm()) {
            problems.nonNegative("odometer_km", t.getOdometerKm());
        }
        if (t.hasRangeKm()) {
            problems.nonNegative("range_km", t.getRangeKm());
        }
        if (t.hasLowVoltageBatteryV()) {
            problems.range("low_voltage_battery_v", t.getLowVoltageBatteryV(), 0, LOW_VOLTAGE_MAX_V);
        }
    }

    private static void checkDoors(List<Door> doors, Problems problems) {
        Set<CabinPosition> seen = EnumSet.noneOf(CabinPosition.class);
        for (int i = 0; i < doors.size(); i++) {
            Door door = doors.get(i);
            String field = "doors[" + i + "]";
            problems.position(field + ".position", door.getPosition(), door.getPositionValue(), seen);
            problems.range(field + ".window_position_pct", door.getWindowPositionPct(), 0, 100);
        }
    }

    private static void checkSeats(List<Seat> seats, Problems problems) {
        Set<CabinPosition> seen = EnumSet.noneOf(CabinPosition.class);
        for (int i = 0; i < seats.size(); i++) {
            Seat seat = seats.get(i);
            String field = "seats[" + i + "]";
            problems.position(field + ".position", seat.getPosition(), seat.getPositionValue(), seen);
            problems.knownEnum(field + ".occupancy", seat.getOccupancy().name(), seat.getOccupancyValue());
        }
    }

    private static void checkHvac(Hvac hvac, Problems problems) {
        problems.knownEnum("hvac.mode", hvac.getMode().name(), hvac.getModeValue());
        problems.range("hvac.target_temperature_c", hvac.getTargetTemperatureC(), 0, HVAC_TARGET_MAX_C);
        problems.epochMillis("hvac.auto_off_at_ms", hvac.getAutoOffAtMs(), 0);
    }

    /** Keeps the first problem found; later checks are no-ops once one is recorded. */
    private static final class Problems {

        private static final String UNRECOGNIZED = "UNRECOGNIZED";

        private String first;

        void add(String problem) {
            if (first == null) {
                first = problem;
            }
        }

        /** NaN and infinities fail every range. */
        void range(String field, double value, double min, double max) {
            if (!(value >= min && value <= max)) {
                add(field + " must be in " + number(min) + ".." + number(max) + ", was " + value);
            }
        }

        void range(String field, float value, double min, double max) {
            if (!(value >= min && value <= max)) {
                add(field + " must be in " + number(min) + ".." + number(max) + ", was " + value);
            }
        }

        void nonNegative(String field, float value) {
            if (!(value >= 0 && Float.isFinite(value))) {
                add(field + " must be >= 0 and finite, was " + value);
            }
        }

        void epochMillis(String field, long value, long min) {
            if (value < min || value > TelemetrySample.MAX_EPOCH_MS) {
                add(field + " must be in " + min + ".." + TelemetrySample.MAX_EPOCH_MS + ", was " + value);
            }
        }

        void knownEnum(String field, String name, int number) {
            if (UNRECOGNIZED.equals(name)) {
                add(field + " must be a known value, was " + number);
            }
        }

        void position(String field, CabinPosition position, int number, Set<CabinPosition> seen) {
            if (position == CabinPosition.UNRECOGNIZED || position == CabinPosition.CABIN_POSITION_UNSPECIFIED) {
                add(field + " must be a known, specified position, was " + number);
            } else if (!seen.add(position)) {
                add(field + " must not repeat a position, was " + position.name() + " again");
            }
        }

        Optional<String> first() {
            return Optional.ofNullable(first);
        }

        private static String number(double value) {
            return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
        }
    }
}
