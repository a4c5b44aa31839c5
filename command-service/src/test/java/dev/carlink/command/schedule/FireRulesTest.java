package dev.carlink.command.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class FireRulesTest {

    private static final Instant START = Instant.parse("2026-06-01T05:20:00Z");
    private static final Duration GRACE = Duration.ofMinutes(10);
    private static final FireRules RULES = new FireRules(20, GRACE);
    private static final Optional<Geofence> OFFICE = Optional.of(new Geofence(52.5200, 13.4050, 200));

    /** Online, parked in P at the office, 80 % charged, 35 °C inside. */
    private static VehicleFacts parked() {
        return new VehicleFacts(
                true,
                OptionalDouble.of(35),
                OptionalDouble.of(28),
                OptionalDouble.of(80),
                OptionalDouble.of(0),
                OptionalInt.of(FireRules.GEAR_PARK),
                Optional.of(new VehicleFacts.Position(52.5201, 13.4051)));
    }

    private static VehicleFacts with(VehicleFacts f, boolean online, double speed, int gear, double soc) {
        return new VehicleFacts(
                online,
                f.cabinC(),
                f.exteriorC(),
                OptionalDouble.of(soc),
                OptionalDouble.of(speed),
                OptionalInt.of(gear),
                f.position());
    }

    private static FireRules.Decision decide(VehicleFacts facts, Instant now) {
        return RULES.decide(START, now, OFFICE, facts);
    }

    @Test
    void aParkedChargedCarAtTheLocation_fires() {
        FireRules.Decision decision = decide(parked(), START);

        assertThat(decision.outcome()).isEqualTo(FireOutcome.FIRED);
        assertThat(decision.reason()).isEmpty();
        assertThat(decision.detail()).isEqualTo("started on time");
    }

    @Test
    void aLateStartWithinTheGracePeriod_firesLate() {
        FireRules.Decision decision = decide(parked(), START.plus(GRACE));

        assertThat(decision.outcome()).isEqualTo(FireOutcome.FIRED);
        assertThat(decision.detail()).contains("started 10 min late");
    }

    @Test
    void aStartOlderThanTheGracePeriod_isMissed_beforeAnyOtherCheck() {
        VehicleFacts offline = with(parked(), false, 0, FireRules.GEAR_PARK, 80);

        FireRules.Decision decision = decide(offline, START.plus(GRACE).plusMillis(1));

        assertThat(decision.reason()).contains(SkipReason.MISSED);
        assertThat(decision.outcome()).isEqualTo(FireOutcome.SKIPPED);
        assertThat(decide(offline, START.plus(GRACE).plusSeconds(61)).detail())
                .isEqualTo("the start at 2026-06-01T05:20:00Z was 11 min 1 s ago, past the grace period of 10 min");
    }

    @Test
    void anOfflineCar_isSkipped() {
        assertThat(decide(with(parked(), false, 0, FireRules.GEAR_PARK, 80), START)
                        .reason())
                .contains(SkipReason.VEHICLE_OFFLINE);
    }

    @Test
    void theOfflineDecision_livesInOneMethod() {
        assertThat(RULES.whenVehicleOffline(parked()).reason()).contains(SkipReason.VEHICLE_OFFLINE);
    }

    @Test
    void aMovingCar_orOneInADrivingGear_isSkippedAsDriving() {
        assertThat(decide(with(parked(), true, 12, FireRules.GEAR_PARK, 80), START)
                        .detail())
                .contains("moving at 12 km/h");
        assertThat(decide(with(parked(), true, 0, 127, 80), START).reason()).contains(SkipReason.DRIVING);
        assertThat(decide(with(parked(), true, 0, -1, 80), START).reason()).contains(SkipReason.DRIVING);
        assertThat(decide(with(parked(), true, 0, 1, 80), START).reason()).contains(SkipReason.DRIVING);
        assertThat(decide(with(parked(), true, 0, 0, 80), START).outcome())
                .as("neutral, standing")
                .isEqualTo(FireOutcome.FIRED);
    }

    @Test
    void aChargeBelowTheClimateMinimum_isSkipped() {
        FireRules.Decision decision = decide(with(parked(), true, 0, FireRules.GEAR_PARK, 19.5), START);

        assertThat(decision.reason()).contains(SkipReason.SOC_TOO_LOW);
        assertThat(decision.detail()).isEqualTo("state of charge 19.5 % is below 20 %");
        assertThat(decide(with(parked(), true, 0, FireRules.GEAR_PARK, 20), START)
                        .outcome())
                .isEqualTo(FireOutcome.FIRED);
    }

    @Test
    void aCarOutsideTheLocation_orWithAnUnknownPosition_isSkipped() {
        VehicleFacts away = new VehicleFacts(
                true,
                OptionalDouble.of(35),
                OptionalDouble.empty(),
                OptionalDouble.of(80),
                OptionalDouble.of(0),
                OptionalInt.of(FireRules.GEAR_PARK),
                Optional.of(new VehicleFacts.Position(52.5300, 13.4050)));
        FireRules.Decision decision = decide(away, START);
        assertThat(decision.reason()).contains(SkipReason.NOT_AT_LOCATION);
        assertThat(decision.detail()).contains("1112 m from the schedule's location");

        VehicleFacts nowhere = new VehicleFacts(
                true,
                OptionalDouble.empty(),
                OptionalDouble.empty(),
                OptionalDouble.empty(),
                OptionalDouble.empty(),
                OptionalInt.empty(),
                Optional.empty());
        assertThat(decide(nowhere, START).detail()).isEqualTo("the car's position is unknown");
        assertThat(RULES.decide(START, START, Optional.empty(), nowhere).outcome())
                .as("without a location, unknown signals do not block")
                .isEqualTo(FireOutcome.FIRED);
    }
}
