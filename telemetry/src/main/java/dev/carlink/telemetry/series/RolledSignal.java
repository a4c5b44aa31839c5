package dev.carlink.telemetry.series;

/**
 * The numeric signals kept in the 1-minute and 1-hour rollups, as min, max, sum and count per bucket (avg =
 * sum / count, and buckets merge exactly). Named as the API names them (VSS paths).
 */
public enum RolledSignal {
    CABIN_TEMPERATURE("cabin_temperature_c", "Vehicle.Cabin.HVAC.AmbientAirTemperature", "CLIMATE"),
    EXTERIOR_TEMPERATURE("exterior_temperature_c", "Vehicle.Exterior.AirTemperature", "CLIMATE"),
    STATE_OF_CHARGE("state_of_charge_pct", "Vehicle.Powertrain.TractionBattery.StateOfCharge.Displayed", "ENERGY"),
    SPEED("speed_kmh", "Vehicle.Speed", "MOTION"),
    RANGE("range_km", "Vehicle.Powertrain.Range", "ENERGY"),
    LOW_VOLTAGE_BATTERY("low_voltage_battery_v", "Vehicle.LowVoltageBattery.CurrentVoltage", "ENERGY"),
    ODOMETER("odometer_km", "Vehicle.TraveledDistance", "MOTION");

    private final String column;
    private final String vss;
    private final String group;

    RolledSignal(String column, String vss, String group) {
        this.column = column;
        this.vss = vss;
        this.group = group;
    }

    /** The signal group whose retention and downsampling apply. */
    public SignalGroup group() {
        return SignalGroup.valueOf(group);
    }

    /** The raw table's column; the rollups have {@code <column>_min, _max, _sum, _n}. */
    public String column() {
        return column;
    }

    /** The signal's name in the API. */
    public String vss() {
        return vss;
    }
}
