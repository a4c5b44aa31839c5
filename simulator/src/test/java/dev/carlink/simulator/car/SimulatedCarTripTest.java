package dev.carlink.simulator.car;

import static dev.carlink.simulator.car.TestCars.car;
import static dev.carlink.simulator.car.TestCars.sterilizationStart;
import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.proto.v1.CabinPosition;
import dev.carlink.proto.v1.HvacMode;
import dev.carlink.proto.v1.LowVoltageSystemState;
import dev.carlink.proto.v1.OccupancyStatus;
import dev.carlink.proto.v1.ReasonCode;
import dev.carlink.proto.v1.SterilizationPhase;
import dev.carlink.proto.v1.VehicleEvent;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatedCarTripTest {

    private static final CabinPosition DRIVER = CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE;

    @Test
    void startTrip_putsTheDriverInLocksAndDrivesOff() {
        SimulatedCar car = car();
        double odometer = car.odometerKm();
        double latitude = car.latitude();
        double longitude = car.longitude();
        double soc = car.stateOfChargePct();

        car.startTrip();

        assertThat(trips(car)).containsExactly(true);
        assertThat(car.ignition()).isEqualTo(LowVoltageSystemState.LOW_VOLTAGE_SYSTEM_STATE_ON);
        assertThat(car.gear()).isEqualTo(SimulatedCar.GEAR_DRIVE);
        assertThat(car.seat(DRIVER)).isEqualTo(OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED);
        assertThat(car.isDoorLocked(DRIVER)).isTrue();
        assertThat(car.hvacMode()).isNotEqualTo(HvacMode.HVAC_MODE_OFF);

        // when ten minutes of driving pass
        double maxSpeed = 0;
        for (int i = 0; i < 600; i++) {
            car.step(Duration.ofSeconds(1));
            maxSpeed = Math.max(maxSpeed, car.speedKmh());
        }

        // then the car moved and used energy
        assertThat(maxSpeed).isBetween(40.0, 112.0);
        assertThat(car.odometerKm()).isGreaterThan(odometer + 2);
        assertThat(car.latitude() != latitude || car.longitude() != longitude).isTrue();
        assertThat(car.stateOfChargePct()).isLessThan(soc);
    }

    @Test
    void endTrip_parksSwitchesOffAndTheDriverLeaves() {
        SimulatedCar car = car();
        car.startTrip();
        car.step(Duration.ofMinutes(5));
        car.drainEvents();

        car.endTrip();

        assertThat(trips(car)).containsExactly(false);
        assertThat(car.speedKmh()).isZero();
        assertThat(car.gear()).isEqualTo(SimulatedCar.GEAR_PARK);
        assertThat(car.ignition()).isEqualTo(LowVoltageSystemState.LOW_VOLTAGE_SYSTEM_STATE_OFF);
        assertThat(car.seat(DRIVER)).isEqualTo(OccupancyStatus.OCCUPANCY_STATUS_EMPTY);
        assertThat(car.isDoorLocked(DRIVER)).isTrue();
        assertThat(car.isOnTrip()).isFalse();
        assertThat(car.hvacMode()).isEqualTo(HvacMode.HVAC_MODE_OFF);
    }

    @Test
    void routine_alternatesTripsAndParking() {
        SimulatedCar car = car();
        car.setRoutine(new Routine(Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofMinutes(5)));

        car.step(Duration.ofSeconds(61));
        assertThat(car.isOnTrip()).isTrue();
        car.step(Duration.ofMinutes(10));
        assertThat(car.isOnTrip()).isFalse();
        car.step(Duration.ofMinutes(5));

        assertThat(car.isOnTrip()).isTrue();
        assertThat(trips(car)).containsExactly(true, false, true);
    }

    @Test
    void routine_waitsForARunningSterilization() {
        SimulatedCar car = car();
        car.execute(sterilizationStart());
        car.setRoutine(new Routine(Duration.ZERO, Duration.ofMinutes(10), Duration.ofMinutes(5)));

        car.step(Duration.ofMinutes(5));

        assertThat(car.isOnTrip()).isFalse();
        assertThat(car.sterilizationPhase()).isEqualTo(SterilizationPhase.STERILIZATION_PHASE_HEATING);
    }

    @Test
    void startTrip_duringSterilization_abortsTheCycleAsTheDoorsUnlock() {
        SimulatedCar car = car();
        car.execute(sterilizationStart());

        car.startTrip();

        assertThat(car.drainResults()).singleElement().satisfies(r -> assertThat(r.getReason())
                .isEqualTo(ReasonCode.REASON_CODE_DOOR_UNLOCKED));
    }

    @Test
    void childInHotParkedCar_heatsAboveForty() {
        // given a car parked in the afternoon sun at 32 °C with a child on the back seat
        SimulatedCar car = car();
        car.setWeather(Weather.sunny(32, LocalTime.of(14, 0)));
        car.setCabinTemperature(32);
        car.setSeat(CabinPosition.CABIN_POSITION_ROW2_MIDDLE, OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED);

        // when ten minutes pass
        car.step(Duration.ofMinutes(10));

        // then the cabin is above 40 °C
        assertThat(car.cabinTemperatureC()).isGreaterThan(40);
    }

    @Test
    void chargingCar_gainsChargeAndStopsAt80Percent() {
        SimulatedCar car = car();
        car.setStateOfCharge(70);
        car.setCharging(true);

        car.step(Duration.ofHours(2));

        assertThat(car.stateOfChargePct()).isBetween(79.9, 80.5);
        assertThat(car.isCharging()).isFalse();
    }

    private static List<Boolean> trips(SimulatedCar car) {
        return car.drainEvents().stream()
                .filter(VehicleEvent::hasTripChanged)
                .map(e -> e.getTripChanged().getStarted())
                .toList();
    }
}
