package dev.carlink.simulator.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.carlink.proto.v1.CabinPosition;
import dev.carlink.proto.v1.ChildPresence;
import dev.carlink.proto.v1.FatigueAlert;
import dev.carlink.proto.v1.FatigueCause;
import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.proto.v1.OccupancyStatus;
import dev.carlink.proto.v1.VehicleEvent;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.Vins;
import dev.carlink.simulator.car.SimulatedCar;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-02T10:00:00Z"), ZoneOffset.UTC);

    private static SimulatedCar prepared(Scenario scenario, int index) {
        String vin = Vins.simulatorVin(index + 1);
        SimulatedCar car = new SimulatedCar(scenario.carConfig(vin, index, 60), CLOCK);
        scenario.prepare(car, index);
        return car;
    }

    private static void stepSeconds(SimulatedCar car, int seconds) {
        for (int i = 0; i < seconds; i++) {
            car.step(Duration.ofSeconds(1));
        }
    }

    @Test
    void rotationOfTen_coversEveryScenario() {
        EnumSet<Scenario> seen = EnumSet.noneOf(Scenario.class);
        for (int i = 0; i < 10; i++) {
            seen.add(Scenario.forIndex(i));
        }

        assertThat(seen).containsExactlyInAnyOrder(Scenario.values());
        assertThat(Scenario.forIndex(12)).isEqualTo(Scenario.forIndex(2));
    }

    @Test
    void parkedInSun_heatsUpWithinMinutes() {
        SimulatedCar car = prepared(Scenario.PARKED_IN_SUN, 0);

        stepSeconds(car, 600);

        assertThat(car.isOnTrip()).isFalse();
        assertThat(car.cabinTemperatureC()).isGreaterThan(45);
    }

    @Test
    void tiredDriver_drivesAtOnceAndReachesCriticalWithinMinutes() {
        SimulatedCar car = prepared(Scenario.TIRED_DRIVER, 2);

        stepSeconds(car, 5);
        assertThat(car.isOnTrip()).isTrue();
        stepSeconds(car, 5 * 60);

        List<FatigueAlert> alerts = alerts(car);
        assertThat(alerts)
                .extracting(FatigueAlert::getLevel)
                .containsExactly(
                        FatigueLevel.FATIGUE_LEVEL_ADVISORY,
                        FatigueLevel.FATIGUE_LEVEL_WARNING,
                        FatigueLevel.FATIGUE_LEVEL_CRITICAL);
        assertThat(alerts.get(2).getCause()).isEqualTo(FatigueCause.FATIGUE_CAUSE_REPEATED_WARNING);
    }

    @Test
    void unresponsiveDriver_escalatesBecauseTheWarningIsNotAcknowledged() {
        SimulatedCar car = prepared(Scenario.UNRESPONSIVE_DRIVER, 7);

        stepSeconds(car, 5 * 60 + 5);

        assertThat(alerts(car)).last().satisfies(a -> assertThat(a.getCause())
                .isEqualTo(FatigueCause.FATIGUE_CAUSE_WARNING_NOT_ACKNOWLEDGED));
    }

    @Test
    void commuter_tiresInRealTime() {
        SimulatedCar car = prepared(Scenario.COMMUTER, 1);

        stepSeconds(car, 20 * 60);

        assertThat(car.emittedEvents()).filteredOn(VehicleEvent::hasTripChanged).isNotEmpty();
        assertThat(alerts(car)).isEmpty();
    }

    @Test
    void childLeftInSun_isAHotCabinWithAChildUntilTheParentReturns() {
        SimulatedCar car = prepared(Scenario.CHILD_LEFT_IN_SUN, 8);
        assertThat(car.childPresence()).isEqualTo(ChildPresence.CHILD_PRESENCE_DETECTED);

        stepSeconds(car, 600);
        assertThat(car.cabinTemperatureC()).isGreaterThan(40);
        assertThat(Scenario.CHILD_LEFT_IN_SUN.followUpAfter()).hasValue(Duration.ofMinutes(15));

        Scenario.CHILD_LEFT_IN_SUN.followUp(car);

        assertThat(car.childPresence()).isEqualTo(ChildPresence.CHILD_PRESENCE_NOT_DETECTED);
        assertThat(car.seat(CabinPosition.CABIN_POSITION_ROW2_MIDDLE))
                .isEqualTo(OccupancyStatus.OCCUPANCY_STATUS_EMPTY);
        assertThat(car.isDoorLocked(CabinPosition.CABIN_POSITION_ROW2_PASSENGER_SIDE))
                .isTrue();
        stepSeconds(car, 61);
        assertThat(car.isOnTrip()).isTrue();
    }

    @Test
    void coldMorning_startsCold() {
        SimulatedCar car = prepared(Scenario.COLD_MORNING, 6);

        assertThat(car.cabinTemperatureC()).isLessThan(5);
        assertThat(Scenario.COLD_MORNING.followUpAfter()).isEmpty();
    }

    @Test
    void fleet_withDuplicateVins_isRejectedBeforeStarting() {
        var credentials = List.of(
                new VehicleCredentials("SMCAR000000000001", "a"), new VehicleCredentials("SMCAR000000000001", "b"));

        assertThatThrownBy(() -> new Fleet(FleetConfig.of(URI.create("tcp://localhost:1883")), credentials, CLOCK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
    }

    @Test
    void fleet_withoutCars_isRejected() {
        assertThatThrownBy(() -> new Fleet(FleetConfig.of(URI.create("tcp://localhost:1883")), List.of(), CLOCK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one car");
    }

    @Test
    void fleetConfig_withoutSchedulerThreads_isRejectedNamingTheField() {
        var config = FleetConfig.of(URI.create("tcp://localhost:1883"));

        assertThatThrownBy(() -> new FleetConfig(config.car(), 60, Duration.ZERO, Duration.ofSeconds(30), 0))
                .hasMessageContaining("schedulerThreads");
    }

    @Test
    void fleetStats_describeEveryCounter() {
        String line = new FleetStats(20, 18, 100, 5, 3, 3, 1, 0, 0).describe();

        assertThat(line).contains("cars: 20", "connected: 18", "telemetry: 100", "errors: 1");
    }

    private static List<FatigueAlert> alerts(SimulatedCar car) {
        return car.emittedEvents().stream()
                .filter(VehicleEvent::hasFatigueAlert)
                .map(VehicleEvent::getFatigueAlert)
                .toList();
    }
}
