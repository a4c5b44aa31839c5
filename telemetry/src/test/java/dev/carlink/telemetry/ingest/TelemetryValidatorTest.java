package dev.carlink.telemetry.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.carlink.proto.bus.v1.TelemetryIngest;
import dev.carlink.proto.v1.CabinPosition;
import dev.carlink.proto.v1.Door;
import dev.carlink.proto.v1.Hvac;
import dev.carlink.proto.v1.Location;
import dev.carlink.proto.v1.Seat;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.telemetry.Samples;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TelemetryValidatorTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final long NOW_MS = NOW.toEpochMilli();
    private static final long LATEST_ALLOWED_MS = NOW_MS + Duration.ofMinutes(5).toMillis();

    private final TelemetryValidator validator = new TelemetryValidator(Duration.ofMinutes(5), Duration.ofDays(30));

    private static Telemetry.Builder sample() {
        return Samples.minimal(7, NOW_MS - 1_000);
    }

    private Optional<String> check(Telemetry telemetry) {
        return validator.check(Samples.ingest(Samples.VIN, telemetry, NOW), NOW);
    }

    @Test
    void check_sampleWithEverySignal_isAccepted() {
        // given
        Telemetry telemetry = Samples.full(7, NOW_MS - 1_000);

        // when / then
        assertThat(check(telemetry)).isEmpty();
    }

    @Test
    void check_sampleWithOnlyTimeAndSeq_isAccepted() {
        // when / then
        assertThat(check(sample().build())).isEmpty();
    }

    static Stream<Arguments> acceptedEdges() {
        return Stream.of(
                edge(
                        "timestamp_ms now - retention",
                        b -> b.setTimestampMs(NOW_MS - Duration.ofDays(30).toMillis())),
                edge("timestamp_ms now + skew", b -> b.setTimestampMs(LATEST_ALLOWED_MS)),
                edge("seq 1", b -> b.setSeq(1)),
                edge("seq max signed", b -> b.setSeq(Long.MAX_VALUE)),
                edge("cabin -60", b -> b.setCabinTemperatureC(-60f)),
                edge("cabin 120", b -> b.setCabinTemperatureC(120f)),
                edge("exterior -70", b -> b.setExteriorTemperatureC(-70f)),
                edge("exterior 70", b -> b.setExteriorTemperatureC(70f)),
                edge("soc 0", b -> b.setStateOfChargePct(0f)),
                edge("soc 100", b -> b.setStateOfChargePct(100f)),
                edge("speed 0", b -> b.setSpeedKmh(0f)),
                edge("speed 500", b -> b.setSpeedKmh(500f)),
                edge("location -90 -180", b -> b.setLocation(location(-90, -180))),
                edge("location 90 180", b -> b.setLocation(location(90, 180))),
                edge("gear -10", b -> b.setSelectedGear(-10)),
                edge("gear 0 neutral", b -> b.setSelectedGear(0)),
                edge("gear 126 park", b -> b.setSelectedGear(126)),
                edge("gear 127 drive", b -> b.setSelectedGear(127)),
                edge("low voltage state 0", b -> b.setLowVoltageSystemStateValue(0)),
                edge("window 0", b -> b.addDoors(door(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE, 0f))),
                edge("window 100", b -> b.addDoors(door(CabinPosition.CABIN_POSITION_ROW2_PASSENGER_SIDE, 100f))),
                edge("no doors and no seats", b -> b.clearDoors().clearSeats()),
                edge("seat unknown occupancy", b -> b.addSeats(seat(CabinPosition.CABIN_POSITION_ROW2_MIDDLE, 0))),
                edge("child presence 0", b -> b.setChildPresenceValue(0)),
                edge("hvac target 0", b -> b.setHvac(hvac(0, 0f, 0))),
                edge("hvac target 60 sterilization", b -> b.setHvac(hvac(4, 60f, NOW_MS + 60_000))),
                edge("hvac target 80", b -> b.setHvac(hvac(2, 80f, 0))),
                edge("sterilization phase 6", b -> b.setSterilizationPhaseValue(6)),
                edge("fatigue level 3", b -> b.setFatigueLevelValue(3)),
                edge("odometer 0", b -> b.setOdometerKm(0f)),
                edge("odometer large", b -> b.setOdometerKm(Float.MAX_VALUE)),
                edge("range 0", b -> b.setRangeKm(0f)),
                edge("voltage 0", b -> b.setLowVoltageBatteryV(0f)),
                edge("voltage 60", b -> b.setLowVoltageBatteryV(60f)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedEdges")
    void check_edgeValue_isAccepted(String name, UnaryOperator<Telemetry.Builder> change) {
        // given
        Telemetry telemetry = change.apply(sample()).build();

        // when / then
        assertThat(check(telemetry)).isEmpty();
    }

    static Stream<Arguments> rejectedValues() {
        return Stream.of(
                bad("timestamp_ms", b -> b.setTimestampMs(0), "0"),
                bad("timestamp_ms", b -> b.setTimestampMs(-5), "-5"),
                bad("timestamp_ms", b -> b.setTimestampMs(LATEST_ALLOWED_MS + 1), Long.toString(LATEST_ALLOWED_MS + 1)),
                bad("seq", b -> b.setSeq(0), "0"),
                bad("seq", b -> b.setSeq(-1), "18446744073709551615"),
                bad("cabin_temperature_c", b -> b.setCabinTemperatureC(-60.1f), "-60.1"),
                bad("cabin_temperature_c", b -> b.setCabinTemperatureC(120.1f), "120.1"),
                bad("cabin_temperature_c", b -> b.setCabinTemperatureC(Float.NaN), "NaN"),
                bad("exterior_temperature_c", b -> b.setExteriorTemperatureC(-70.5f), "-70.5"),
                bad("exterior_temperature_c", b -> b.setExteriorTemperatureC(70.5f), "70.5"),
                bad("state_of_charge_pct", b -> b.setStateOfChargePct(-0.1f), "-0.1"),
                bad("state_of_charge_pct", b -> b.setStateOfChargePct(100.1f), "100.1"),
                bad("speed_kmh", b -> b.setSpeedKmh(-1f), "-1.0"),
                bad("speed_kmh", b -> b.setSpeedKmh(500.5f), "500.5"),
                bad("speed_kmh", b -> b.setSpeedKmh(Float.POSITIVE_INFINITY), "Infinity"),
                bad("location.latitude", b -> b.setLocation(location(90.5, 0)), "90.5"),
                bad("location.latitude", b -> b.setLocation(location(Double.NaN, 0)), "NaN"),
                bad("location.longitude", b -> b.setLocation(location(0, -180.5)), "-180.5"),
                bad("selected_gear", b -> b.setSelectedGear(-11), "-11"),
                bad("selected_gear", b -> b.setSelectedGear(128), "128"),
                bad("low_voltage_system_state", b -> b.setLowVoltageSystemStateValue(42), "42"),
                bad(
                        "doors[0].window_position_pct",
                        b -> b.addDoors(door(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE, 101f)),
                        "101.0"),
                bad(
                        "doors[0].window_position_pct",
                        b -> b.addDoors(door(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE, -1f)),
                        "-1.0"),
                bad(
                        "doors[1].position",
                        b -> b.addDoors(door(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE, 0f))
                                .addDoors(door(CabinPosition.CABIN_POSITION_UNSPECIFIED, 0f)),
                        "0"),
                bad(
                        "doors[1].position",
                        b -> b.addDoors(door(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE, 0f))
                                .addDoors(door(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE, 0f)),
                        "CABIN_POSITION_ROW1_DRIVER_SIDE again"),
                bad("seats[0].position", b -> b.addSeats(Seat.newBuilder().setPositionValue(77)), "77"),
                bad("seats[0].occupancy", b -> b.addSeats(seat(CabinPosition.CABIN_POSITION_ROW2_MIDDLE, 9)), "9"),
                bad("child_presence", b -> b.setChildPresenceValue(5), "5"),
                bad("hvac.mode", b -> b.setHvac(hvac(9, 20f, 0)), "9"),
                bad("hvac.target_temperature_c", b -> b.setHvac(hvac(1, 80.5f, 0)), "80.5"),
                bad("hvac.target_temperature_c", b -> b.setHvac(hvac(1, -1f, 0)), "-1.0"),
                bad("hvac.auto_off_at_ms", b -> b.setHvac(hvac(1, 20f, -1)), "-1"),
                bad("sterilization_phase", b -> b.setSterilizationPhaseValue(17), "17"),
                bad("fatigue_level", b -> b.setFatigueLevelValue(4), "4"),
                bad("odometer_km", b -> b.setOdometerKm(-0.5f), "-0.5"),
                bad("odometer_km", b -> b.setOdometerKm(Float.POSITIVE_INFINITY), "Infinity"),
                bad("range_km", b -> b.setRangeKm(-1f), "-1.0"),
                bad("low_voltage_battery_v", b -> b.setLowVoltageBatteryV(60.5f), "60.5"),
                bad("low_voltage_battery_v", b -> b.setLowVoltageBatteryV(-0.1f), "-0.1"));
    }

    @ParameterizedTest(name = "{0} was {2}")
    @MethodSource("rejectedValues")
    void check_valueOutOfItsRange_isRejectedNamingTheFieldAndTheValue(
            String field, UnaryOperator<Telemetry.Builder> change, String shownValue) {
        // given
        Telemetry telemetry = change.apply(sample()).build();

        // when
        Optional<String> problem = check(telemetry);

        // then
        assertThat(problem).hasValueSatisfying(text -> {
            assertThat(text).startsWith(field + " must");
            assertThat(text).endsWith("was " + shownValue);
        });
    }

    @Test
    void check_futureTimestamp_namesTheAllowedLimit() {
        // given
        Telemetry telemetry = sample().setTimestampMs(LATEST_ALLOWED_MS + 1).build();

        // when / then
        assertThat(check(telemetry))
                .hasValue("timestamp_ms must not be later than now + PT5M (" + LATEST_ALLOWED_MS + "), was "
                        + (LATEST_ALLOWED_MS + 1));
    }

    @Test
    void check_timestampOlderThanTheRetention_isRefused_andTheOldestKeptIsAccepted() {
        long oldestAllowed = NOW_MS - Duration.ofDays(30).toMillis();

        assertThat(check(sample().setTimestampMs(oldestAllowed).build())).isEmpty();
        assertThat(check(sample().setTimestampMs(oldestAllowed - 1).build()))
                .hasValue("timestamp_ms must not be older than the retention, now - PT720H (" + oldestAllowed
                        + "), was " + (oldestAllowed - 1));
    }

    @Test
    void check_badVin_isRejectedBeforeTheTelemetry() {
        // given
        TelemetryIngest ingest =
                Samples.ingest("WVWZZZ1JZXW00000I", sample().setSeq(0).build(), NOW);

        // when / then
        assertThat(validator.check(ingest, NOW))
                .hasValue("vin must be 17 characters of [A-HJ-NPR-Z0-9], was 'WVWZZZ1JZXW00000I' (17 characters)");
    }

    @Test
    void check_ingestWithoutTelemetry_isRejected() {
        // given
        TelemetryIngest ingest =
                TelemetryIngest.newBuilder().setVin(Samples.VIN).build();

        // when / then
        assertThat(validator.check(ingest, NOW)).hasValue("telemetry must be present");
    }

    @Test
    void check_negativeReceivedAt_isRejected() {
        // given
        TelemetryIngest ingest = Samples.ingest(Samples.VIN, sample().build(), NOW).toBuilder()
                .setReceivedAtMs(-1)
                .build();

        // when / then
        assertThat(validator.check(ingest, NOW)).hasValueSatisfying(text -> assertThat(text)
                .startsWith("received_at_ms must be in 0..")
                .endsWith("was -1"));
    }

    @Test
    void check_severalBadValues_reportsTheFirst() {
        // given
        Telemetry telemetry = sample().setSeq(0).setCabinTemperatureC(500f).build();

        // when / then
        assertThat(check(telemetry)).hasValueSatisfying(text -> assertThat(text).startsWith("seq must"));
    }

    private static Arguments edge(String name, UnaryOperator<Telemetry.Builder> change) {
        return arguments(name, change);
    }

    private static Arguments bad(String field, UnaryOperator<Telemetry.Builder> change, String shownValue) {
        return arguments(field, change, shownValue);
    }

    private static Location location(double latitude, double longitude) {
        return Location.newBuilder()
                .setLatitude(latitude)
                .setLongitude(longitude)
                .build();
    }

    private static Door door(CabinPosition position, float windowPct) {
        return Samples.door(position, false, true, windowPct);
    }

    private static Seat seat(CabinPosition position, int occupancy) {
        return Seat.newBuilder()
                .setPosition(position)
                .setOccupancyValue(occupancy)
                .build();
    }

    private static Hvac hvac(int mode, float target, long autoOffAtMs) {
        return Hvac.newBuilder()
                .setModeValue(mode)
                .setTargetTemperatureC(target)
                .setAutoOffAtMs(autoOffAtMs)
                .build();
    }
}
