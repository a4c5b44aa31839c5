package dev.carlink.simulator.car;

import java.time.LocalTime;
import java.util.Objects;

/**
 * A lumped-capacitance model of a car cabin: one temperature, one heat capacity, and the heat flows that
 * move it.
 *
 * <ul>
 *   <li>conduction through the body towards the exterior temperature (stronger when the car moves);
 *   <li>solar load through the glass, from the time of day, the clouds and how much the car stands in the sun;
 *   <li>the heat of the occupants;
 *   <li>HVAC: a proportional controller with a power limit that pulls towards the target (climate), heats
 *       to and holds a sterilization setpoint, or ventilates with exterior air;
 *   <li>open windows, which exchange air with the outside.
 * </ul>
 *
 * <p>Calibration (defaults): a car parked in full sun at 35 °C gains about 11 °C in 10 minutes and settles about
 * 25 °C above the exterior; A/C at full power brings a 55 °C cabin under 30 °C in about 5 minutes and holds the
 * target within half a degree. The model integrates with explicit Euler sub-steps of at most one second, which is
 * stable for the default gains. Not thread-safe: its owner serialises access.
 */
public final class CabinThermalModel {

    /** Largest integration sub-step, seconds. */
    static final double MAX_SUBSTEP_S = 1.0;

    /** What the HVAC is asked to do. */
    public enum HvacAction {
        /** No heating, cooling or forced ventilation. */
        OFF,
        /** Heat or cool towards the target (remote climate or driver comfort). */
        CLIMATE,
        /** Heat only, towards the sterilization setpoint (the target plus a margin), and hold it. */
        STERILIZE,
        /** Blow exterior air through the cabin. */
        VENTILATE
    }

    /**
     * Physical parameters.
     *
     * @param heatCapacityJPerK effective heat capacity of cabin air and interior surfaces
     * @param bodyConductanceWPerK conduction through the body at standstill
     * @param solarApertureM2 glass area times absorptance: the solar power is irradiance times this
     * @param maxCoolingW largest heat the A/C removes
     * @param maxHeatingW largest heat the heater adds
     * @param controlGainWPerK HVAC power per kelvin of error (proportional controller)
     * @param ventilationConductanceWPerK forced ventilation with exterior air
     * @param windowConductanceWPerK exchange through one fully open window at standstill
     * @param occupantHeatW heat of one person
     * @param sterilizationMarginC how far above the sterilization target the heater aims, so the cabin stays at or
     *     above the target
     */
    public record Parameters(
            double heatCapacityJPerK,
            double bodyConductanceWPerK,
            double solarApertureM2,
            double maxCoolingW,
            double maxHeatingW,
            double controlGainWPerK,
            double ventilationConductanceWPerK,
            double windowConductanceWPerK,
            double occupantHeatW,
            double sterilizationMarginC) {

        /** Defaults calibrated against the figures in the class comment. */
        public static final Parameters DEFAULTS =
                new Parameters(50_000, 48, 1.2, 5_000, 4_000, 5_000, 250, 60, 100, 1.5);

        public Parameters {
            requirePositive("heatCapacityJPerK", heatCapacityJPerK);
            requirePositive("bodyConductanceWPerK", bodyConductanceWPerK);
            requireNonNegative("solarApertureM2", solarApertureM2);
            requireNonNegative("maxCoolingW", maxCoolingW);
            requireNonNegative("maxHeatingW", maxHeatingW);
            requirePositive("controlGainWPerK", controlGainWPerK);
            requireNonNegative("ventilationConductanceWPerK", ventilationConductanceWPerK);
            requireNonNegative("windowConductanceWPerK", windowConductanceWPerK);
            requireNonNegative("occupantHeatW", occupantHeatW);
            requireNonNegative("sterilizationMarginC", sterilizationMarginC);
            if (controlGainWPerK * MAX_SUBSTEP_S / heatCapacityJPerK >= 1.0) {
                throw new IllegalArgumentException("controlGainWPerK too large for a 1 s sub-step, was "
                        + controlGainWPerK + " with heatCapacityJPerK " + heatCapacityJPerK);
            }
        }
    }

    /**
     * The conditions for one step.
     *
     * @param exteriorC exterior air temperature
     * @param solarIrradianceWm2 irradiance reaching the car (see {@link #solarIrradiance})
     * @param hvac what the HVAC does
     * @param targetC climate target or sterilization target; ignored for OFF and VENTILATE
     * @param openWindows sum of window openings, in windows (two half-open windows = 1.0)
     * @param speedKmh vehicle speed: driving strengthens conduction and window exchange
     * @param occupants people in the cabin
     */
    public record Inputs(
            double exteriorC,
            double solarIrradianceWm2,
            HvacAction hvac,
            double targetC,
            double openWindows,
            double speedKmh,
            int occupants) {

        public Inputs {
            requireFinite("exteriorC", exteriorC);
            requireNonNegative("solarIrradianceWm2", solarIrradianceWm2);
            Objects.requireNonNull(hvac, "hvac");
            requireFinite("targetC", targetC);
            requireNonNegative("openWindows", openWindows);
            requireNonNegative("speedKmh", speedKmh);
            if (occupants < 0) {
                throw new IllegalArgumentException("occupants must be >= 0, was " + occupants);
            }
        }

        /** A closed, empty, parked car with the HVAC off. */
        public static Inputs parked(double exteriorC, double solarIrradianceWm2) {
            return new Inputs(exteriorC, solarIrradianceWm2, HvacAction.OFF, 0, 0, 0, 0);
        }

        /** The same conditions with another HVAC action and target. */
        public Inputs withHvac(HvacAction action, double target) {
            return new Inputs(exteriorC, solarIrradianceWm2, action, target, openWindows, speedKmh, occupants);
        }
    }

    /**
     * What one step did.
     *
     * @param cabinC cabin temperature after the step
     * @param hvacThermalW mean heat the HVAC put into the cabin (negative when cooling)
     * @param hvacElectricalJ electrical energy the HVAC drew from the traction battery
     */
    public record StepResult(double cabinC, double hvacThermalW, double hvacElectricalJ) {}

    /** Coefficient of performance of the A/C compressor. */
    private static final double COOLING_COP = 2.5;
    /** Coefficient of performance of the heat pump in climate mode. */
    private static final double HEAT_PUMP_COP = 2.5;
    /** Blower power whenever the HVAC runs. */
    private static final double BLOWER_W = 200;

    private final Parameters parameters;
    private double cabinC;

    public CabinThermalModel(Parameters parameters, double initialCabinC) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        requireFinite("initialCabinC", initialCabinC);
        this.cabinC = initialCabinC;
    }

    public double cabinTemperatureC() {
        return cabinC;
    }

    /** Overrides the cabin temperature (test hook, scenario start). */
    public void setCabinTemperatureC(double value) {
        requireFinite("cabinTemperatureC", value);
        this.cabinC = value;
    }

    /** Advances the model by {@code dtSeconds} under constant inputs. */
    public StepResult step(Inputs inputs, double dtSeconds) {
        Objects.requireNonNull(inputs, "inputs");
        if (!(dtSeconds >= 0) || Double.isInfinite(dtSeconds)) {
            throw new IllegalArgumentException("dtSeconds must be >= 0 and finite, was " + dtSeconds);
        }
        double remaining = dtSeconds;
        double thermalJ = 0;
        double electricalJ = 0;
        while (remaining > 0) {
            double dt = Math.min(MAX_SUBSTEP_S, remaining);
            double hvacW = hvacPower(inputs);
            double netW = passiveFlow(inputs) + hvacW + ventilationFlow(inputs);
            cabinC += netW * dt / parameters.heatCapacityJPerK();
            thermalJ += hvacW * dt;
            electricalJ += electricalPower(inputs.hvac(), hvacW) * dt;
            remaining -= dt;
        }
        double meanHvacW = dtSeconds > 0 ? thermalJ / dtSeconds : hvacPower(inputs);
        return new StepResult(cabinC, meanHvacW, electricalJ);
    }

    /**
     * Solar irradiance reaching the car, W/m²: a clear-sky 1000 W/m² at solar noon following the sun's elevation
     * between 06:00 and 18:00 solar time, reduced by clouds, and by shade down to the diffuse part.
     *
     * @param solarTime local solar time
     * @param cloudFactor 0 clear sky .. 1 overcast
     * @param sunExposure 0 full shade .. 1 full sun
     */
    public static double solarIrradiance(LocalTime solarTime, double cloudFactor, double sunExposure) {
        Objects.requireNonNull(solarTime, "solarTime");
        requireFraction("cloudFactor", cloudFactor);
        requireFraction("sunExposure", sunExposure);
        double hours = solarTime.toSecondOfDay() / 3600.0;
        if (hours <= 6 || hours >= 18) {
            return 0;
        }
        double elevation = Math.sin(Math.PI * (hours - 6) / 12);
        double clearSky = 1000 * elevation * (1 - 0.75 * cloudFactor);
        double diffuseShare = 0.15;
        return clearSky * (diffuseShare + (1 - diffuseShare) * sunExposure);
    }

    private double passiveFlow(Inputs in) {
        double speedFactor = 1 + 0.5 * Math.min(in.speedKmh(), 130) / 100;
        double conduction = parameters.bodyConductanceWPerK() * speedFactor * (in.exteriorC() - cabinC);
        double windows = parameters.windowConductanceWPerK()
                * in.openWindows()
                * (1 + in.speedKmh() / 20)
                * (in.exteriorC() - cabinC);
        double solar = parameters.solarApertureM2() * in.solarIrradianceWm2();
        double people = parameters.occupantHeatW() * in.occupants();
        return conduction + windows + solar + people;
    }

    private double ventilationFlow(Inputs in) {
        if (in.hvac() != HvacAction.VENTILATE) {
            return 0;
        }
        return parameters.ventilationConductanceWPerK() * (in.exteriorC() - cabinC);
    }

    private double hvacPower(Inputs in) {
        return switch (in.hvac()) {
            case OFF, VENTILATE -> 0;
            case CLIMATE ->
                clamp(
                        parameters.controlGainWPerK() * (in.targetC() - cabinC),
                        -parameters.maxCoolingW(),
                        parameters.maxHeatingW());
            case STERILIZE ->
                clamp(
                        parameters.controlGainWPerK() * (in.targetC() + parameters.sterilizationMarginC() - cabinC),
                        0,
                        parameters.maxHeatingW());
        };
    }

    private static double electricalPower(HvacAction action, double hvacW) {
        return switch (action) {
            case OFF -> 0;
            case VENTILATE -> BLOWER_W;
            case CLIMATE -> BLOWER_W + (hvacW < 0 ? -hvacW / COOLING_COP : hvacW / HEAT_PUMP_COP);
            // sterilization uses the resistive (PTC) heater: it reaches temperatures a heat pump cannot
            case STERILIZE -> BLOWER_W + hvacW;
        };
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }

    static void requireFinite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite, was " + value);
        }
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be > 0 and finite, was " + value);
        }
    }

    private static void requireNonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be >= 0 and finite, was " + value);
        }
    }

    static void requireFraction(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be within 0..1, was " + value);
        }
    }
}
