package dev.carlink.simulator.car;

import static dev.carlink.simulator.car.TestCars.car;
import static dev.carlink.simulator.car.TestCars.reminder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.carlink.proto.v1.FatigueAlert;
import dev.carlink.proto.v1.FatigueCause;
import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.proto.v1.VehicleEvent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatedCarFatigueTest {

    /** The demo's acceleration: one simulated second counts as a minute of driving. */
    private static final FatigueConfig DEMO = FatigueConfig.DEFAULTS.withTimeScale(60);

    @Test
    void drivingTwoHours_raisesAdvisoryForTimeOnTask() {
        SimulatedCar car = car();
        car.drive();

        car.step(Duration.ofMinutes(119));
        assertThat(alerts(car)).isEmpty();
        car.step(Duration.ofMinutes(1));

        assertThat(alerts(car)).singleElement().satisfies(a -> {
            assertThat(a.getLevel()).isEqualTo(FatigueLevel.FATIGUE_LEVEL_ADVISORY);
            assertThat(a.getCause()).isEqualTo(FatigueCause.FATIGUE_CAUSE_TIME_ON_TASK);
            assertThat(a.getDrivingMinutes()).isEqualTo(120);
        });
        assertThat(car.fatigueLevel()).isEqualTo(FatigueLevel.FATIGUE_LEVEL_ADVISORY);
    }

    @Test
    void drivingFourHours_raisesWarning() {
        SimulatedCar car = car();
        car.drive();

        car.step(Duration.ofHours(4));

        assertThat(alerts(car))
                .extracting(FatigueAlert::getLevel)
                .containsExactly(FatigueLevel.FATIGUE_LEVEL_ADVISORY, FatigueLevel.FATIGUE_LEVEL_WARNING);
        assertThat(car.telemetry().getFatigueLevel()).isEqualTo(FatigueLevel.FATIGUE_LEVEL_WARNING);
    }

    @Test
    void atDemoTimeScale_levelsRiseInMinutes() {
        // given the demo's fatigue time scale of 60
        SimulatedCar car = car(DEMO);
        car.drive();

        // when two simulated minutes pass, then L1 (two effective hours)
        car.step(Duration.ofMinutes(2));
        assertThat(car.fatigueLevel()).isEqualTo(FatigueLevel.FATIGUE_LEVEL_ADVISORY);

        // and after four minutes L2, reported with the effective driving time
        car.step(Duration.ofMinutes(2));
        List<FatigueAlert> alerts = alerts(car);
        assertThat(alerts)
                .extracting(FatigueAlert::getLevel)
                .containsExactly(FatigueLevel.FATIGUE_LEVEL_ADVISORY, FatigueLevel.FATIGUE_LEVEL_WARNING);
        assertThat(alerts.get(1).getDrivingMinutes()).isEqualTo(240);
    }

    @Test
    void secondWarningWithin30Minutes_raisesCriticalForRepeatedWarning() {
        // given a driver who acknowledges the first warning
        SimulatedCar car = car(DEMO);
        car.drive();
        car.step(Duration.ofMinutes(4));
        assertThat(car.fatigueLevel()).isEqualTo(FatigueLevel.FATIGUE_LEVEL_WARNING);
        alerts(car);

        // when the driver drives on for 15 more effective minutes (15 s at this scale)
        car.step(Duration.ofSeconds(15));

        // then the second warning within 30 minutes escalates to L3
        assertThat(alerts(car)).singleElement().satisfies(a -> {
            assertThat(a.getLevel()).isEqualTo(FatigueLevel.FATIGUE_LEVEL_CRITICAL);
            assertThat(a.getCause()).isEqualTo(FatigueCause.FATIGUE_CAUSE_REPEATED_WARNING);
        });
    }

    @Test
    void warningNotAcknowledgedFor60s_raisesCritical() {
        // given a driver who does not react to warnings
        SimulatedCar car = car(DEMO.withDriver(false, Duration.ZERO));
        car.drive();
        car.step(Duration.ofMinutes(4));
        alerts(car);

        // when 59 s pass, nothing; at 60 s the level becomes critical
        car.step(Duration.ofSeconds(9));
        assertThat(alerts(car)).isEmpty();
        car.step(Duration.ofSeconds(51));

        assertThat(alerts(car)).singleElement().satisfies(a -> {
            assertThat(a.getLevel()).isEqualTo(FatigueLevel.FATIGUE_LEVEL_CRITICAL);
            assertThat(a.getCause()).isEqualTo(FatigueCause.FATIGUE_CAUSE_WARNING_NOT_ACKNOWLEDGED);
        });
    }

    @Test
    void acknowledgedWarning_doesNotEscalateWithinTheRepeatInterval() {
        // given a warning the driver acknowledges after 5 s
        SimulatedCar car = car();
        car.drive();
        car.step(Duration.ofHours(4));
        alerts(car);

        // when the driver drives on for two more minutes
        car.step(Duration.ofMinutes(2));

        // then no further alert
        assertThat(alerts(car)).isEmpty();
        assertThat(car.fatigueLevel()).isEqualTo(FatigueLevel.FATIGUE_LEVEL_WARNING);
    }

    @Test
    void reminderAcknowledgement_alsoAcknowledgesThePendingWarning() {
        // given a driver who ignores the car's own warning
        SimulatedCar car = car(FatigueConfig.DEFAULTS.withDriver(false, Duration.ZERO));
        car.drive();
        car.step(Duration.ofHours(4));
        alerts(car);

        // when the backend's reminder arrives and is acknowledged, and the driver drives on
        car.execute(reminder());
        car.step(Duration.ofSeconds(70));

        // then the warning does not escalate
        assertThat(alerts(car)).isEmpty();
        assertThat(car.fatigueLevel()).isEqualTo(FatigueLevel.FATIGUE_LEVEL_WARNING);
        assertThat(car.emittedEvents())
                .filteredOn(VehicleEvent::hasReminderAcknowledged)
                .hasSize(1);
    }

    @Test
    void twentyMinutesParked_resetsLevelAndDrivingTime() {
        SimulatedCar car = car();
        car.drive();
        car.step(Duration.ofHours(2));
        assertThat(car.fatigueLevel()).isEqualTo(FatigueLevel.FATIGUE_LEVEL_ADVISORY);

        car.park();
        car.step(Duration.ofMinutes(19));
        assertThat(car.fatigueLevel()).isEqualTo(FatigueLevel.FATIGUE_LEVEL_ADVISORY);
        car.step(Duration.ofMinutes(1));

        assertThat(car.fatigueLevel()).isEqualTo(FatigueLevel.FATIGUE_LEVEL_NONE);
        assertThat(car.drivingMinutes()).isZero();
    }

    @Test
    void shortBreak_doesNotResetTimeOnTask() {
        SimulatedCar car = car();
        car.drive();
        car.step(Duration.ofMinutes(100));

        car.park();
        car.step(Duration.ofMinutes(15));
        car.drive();
        car.step(Duration.ofMinutes(20));

        assertThat(car.drivingMinutes()).isEqualTo(120);
        assertThat(car.fatigueLevel()).isEqualTo(FatigueLevel.FATIGUE_LEVEL_ADVISORY);
    }

    @Test
    void atDemoTimeScale_restResetIsScaledToo() {
        SimulatedCar car = car(DEMO);
        car.drive();
        car.step(Duration.ofMinutes(3));

        car.park();
        car.step(Duration.ofSeconds(20));

        assertThat(car.fatigueLevel()).isEqualTo(FatigueLevel.FATIGUE_LEVEL_NONE);
    }

    @Test
    void nightDriving_countsMoreTimeOnTask() {
        assertThat(FatigueMonitor.circadianFactor(java.time.LocalTime.of(3, 0))).isGreaterThan(1.0);
        assertThat(FatigueMonitor.circadianFactor(java.time.LocalTime.of(10, 0)))
                .isEqualTo(1.0);
    }

    @Test
    void raiseFatigueAlert_emitsTheEventNowAndSetsTheLevel() {
        SimulatedCar car = car();

        car.raiseFatigueAlert(FatigueLevel.FATIGUE_LEVEL_WARNING, FatigueCause.FATIGUE_CAUSE_MICROSLEEP);

        assertThat(alerts(car)).singleElement().satisfies(a -> {
            assertThat(a.getLevel()).isEqualTo(FatigueLevel.FATIGUE_LEVEL_WARNING);
            assertThat(a.getCause()).isEqualTo(FatigueCause.FATIGUE_CAUSE_MICROSLEEP);
        });
        assertThat(car.fatigueLevel()).isEqualTo(FatigueLevel.FATIGUE_LEVEL_WARNING);
    }

    @Test
    void raiseFatigueAlert_withLevelNone_isRefusedAndEmitsNothing() {
        SimulatedCar car = car();

        assertThatThrownBy(() ->
                        car.raiseFatigueAlert(FatigueLevel.FATIGUE_LEVEL_NONE, FatigueCause.FATIGUE_CAUSE_TIME_ON_TASK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("level");
        assertThat(car.emittedEvents()).isEmpty();
    }

    @Test
    void eyesOnRoad_isReportedOnlyWhileDriving() {
        SimulatedCar car = car();
        car.drive();
        car.step(Duration.ofSeconds(5));

        assertThat(car.telemetry().hasIsEyesOnRoad()).isTrue();
        assertThat(car.telemetry().getIsEyesOnRoad()).isTrue();
    }

    @Test
    void criticalDriver_hasEyesClosedEpisodes() {
        SimulatedCar car = car();
        car.drive();
        car.raiseFatigueAlert(FatigueLevel.FATIGUE_LEVEL_CRITICAL, FatigueCause.FATIGUE_CAUSE_EYES_CLOSED);

        boolean sawClosed = false;
        for (int i = 0; i < 30; i++) {
            car.step(Duration.ofSeconds(1));
            sawClosed |= !car.telemetry().getIsEyesOnRoad();
        }

        assertThat(sawClosed).isTrue();
    }

    private static List<FatigueAlert> alerts(SimulatedCar car) {
        return car.drainEvents().stream()
                .filter(VehicleEvent::hasFatigueAlert)
                .map(VehicleEvent::getFatigueAlert)
                .toList();
    }
}
