package dev.carlink.simulator.car;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.carlink.simulator.car.CabinThermalModel.HvacAction;
import dev.carlink.simulator.car.CabinThermalModel.Inputs;
import java.time.LocalTime;
import org.junit.jupiter.api.Test;

class CabinThermalModelTest {

    private static final LocalTime NOON = LocalTime.NOON;
    private static final double FULL_SUN = CabinThermalModel.solarIrradiance(NOON, 0, 1);

    @Test
    void parkedInSun_at35C_gainsAboutTenDegreesInTenMinutes() {
        // given a closed car parked in full midday sun at 35 °C, cabin at exterior temperature
        var model = new CabinThermalModel(CabinThermalModel.Parameters.DEFAULTS, 35);

        // when ten minutes pass
        model.step(Inputs.parked(35, FULL_SUN), 600);

        // then the cabin gained roughly ten degrees
        assertThat(model.cabinTemperatureC() - 35).isBetween(8.0, 13.0);
    }

    @Test
    void parkedInSun_forAnHour_settlesAboutTwentyFiveDegreesAboveExterior() {
        var model = new CabinThermalModel(CabinThermalModel.Parameters.DEFAULTS, 35);

        model.step(Inputs.parked(35, FULL_SUN), 3 * 3600);

        assertThat(model.cabinTemperatureC()).isBetween(55.0, 62.0);
    }

    @Test
    void airConditioningAtFullPower_from55C_isBelow30WithinTenMinutesAndHoldsNearTarget() {
        // given a hot cabin in the sun at 35 °C
        var model = new CabinThermalModel(CabinThermalModel.Parameters.DEFAULTS, 55);
        Inputs cooling = Inputs.parked(35, FULL_SUN).withHvac(HvacAction.CLIMATE, 22);

        // when the A/C runs for ten minutes
        model.step(cooling, 600);

        // then the cabin is below 30 °C
        assertThat(model.cabinTemperatureC()).isLessThan(30);

        // and after another twenty minutes it holds near the 22 °C target
        model.step(cooling, 1200);
        assertThat(model.cabinTemperatureC()).isCloseTo(22, within(1.0));
    }

    @Test
    void airConditioning_drawsElectricalEnergyAndReportsNegativeThermalPower() {
        var model = new CabinThermalModel(CabinThermalModel.Parameters.DEFAULTS, 40);

        var result = model.step(Inputs.parked(30, 0).withHvac(HvacAction.CLIMATE, 22), 10);

        assertThat(result.hvacThermalW()).isNegative();
        assertThat(result.hvacElectricalJ()).isPositive();
    }

    @Test
    void heating_inWinter_reachesTargetAndHoldsIt() {
        var model = new CabinThermalModel(CabinThermalModel.Parameters.DEFAULTS, -5);

        model.step(new Inputs(-5, 0, HvacAction.CLIMATE, 21, 0, 0, 0), 1800);

        assertThat(model.cabinTemperatureC()).isCloseTo(21, within(1.0));
    }

    @Test
    void sterilization_reaches56AndHoldsAtOrAboveTarget() {
        // given a cabin at 25 °C on a mild, cloudy day
        var model = new CabinThermalModel(CabinThermalModel.Parameters.DEFAULTS, 25);
        Inputs sterilize = new Inputs(25, 100, HvacAction.STERILIZE, 56, 0, 0, 0);

        // when the heater runs for half an hour
        model.step(sterilize, 1800);

        // then the cabin is at or above the target and well below the over-temperature limit
        assertThat(model.cabinTemperatureC()).isBetween(56.0, 60.0);

        // and it stays there for the hold time
        double lowest = Double.MAX_VALUE;
        for (int i = 0; i < 900; i++) {
            model.step(sterilize, 1);
            lowest = Math.min(lowest, model.cabinTemperatureC());
        }
        assertThat(lowest).isGreaterThanOrEqualTo(56.0);
    }

    @Test
    void sterilization_fromCold_reachesTargetWithinTwentyMinutes() {
        var model = new CabinThermalModel(CabinThermalModel.Parameters.DEFAULTS, 20);
        Inputs sterilize = new Inputs(20, 0, HvacAction.STERILIZE, 56, 0, 0, 0);

        model.step(sterilize, 1200);

        assertThat(model.cabinTemperatureC()).isGreaterThanOrEqualTo(56.0);
    }

    @Test
    void hotCabinInShade_coolsTowardsExteriorWithoutHvac() {
        // given a 45 °C cabin parked in full shade at 20 °C
        var model = new CabinThermalModel(CabinThermalModel.Parameters.DEFAULTS, 45);
        double shade = CabinThermalModel.solarIrradiance(NOON, 1, 0);

        // when half an hour passes
        model.step(Inputs.parked(20, shade), 1800);

        // then it has cooled below 30 °C but not below the exterior
        assertThat(model.cabinTemperatureC()).isBetween(20.0, 30.0);
    }

    @Test
    void ventilation_pullsTowardsExteriorFasterThanConductionAlone() {
        var ventilated = new CabinThermalModel(CabinThermalModel.Parameters.DEFAULTS, 57);
        var closed = new CabinThermalModel(CabinThermalModel.Parameters.DEFAULTS, 57);

        ventilated.step(Inputs.parked(25, 0).withHvac(HvacAction.VENTILATE, 0), 300);
        closed.step(Inputs.parked(25, 0), 300);

        assertThat(ventilated.cabinTemperatureC()).isLessThan(closed.cabinTemperatureC() - 10);
        assertThat(ventilated.cabinTemperatureC()).isGreaterThan(25);
    }

    @Test
    void solarIrradiance_isZeroAtNightAndHighestAtNoon() {
        assertThat(CabinThermalModel.solarIrradiance(LocalTime.of(2, 0), 0, 1)).isZero();
        assertThat(CabinThermalModel.solarIrradiance(NOON, 0, 1)).isCloseTo(1000, within(0.1));
        assertThat(CabinThermalModel.solarIrradiance(LocalTime.of(9, 0), 0, 1)).isBetween(0.0, 1000.0);
        assertThat(CabinThermalModel.solarIrradiance(NOON, 1, 1)).isCloseTo(250, within(0.1));
        assertThat(CabinThermalModel.solarIrradiance(NOON, 0, 0)).isCloseTo(150, within(0.1));
    }

    @Test
    void step_withNegativeDuration_isRejectedAndTemperatureUnchanged() {
        var model = new CabinThermalModel(CabinThermalModel.Parameters.DEFAULTS, 30);

        assertThatThrownBy(() -> model.step(Inputs.parked(20, 0), -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dtSeconds");
        assertThat(model.cabinTemperatureC()).isEqualTo(30);
    }

    @Test
    void parameters_withUnstableGain_areRejectedNamingTheField() {
        assertThatThrownBy(() -> new CabinThermalModel.Parameters(1000, 48, 1.2, 5000, 4000, 5000, 250, 60, 100, 1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("controlGainWPerK");
    }
}
