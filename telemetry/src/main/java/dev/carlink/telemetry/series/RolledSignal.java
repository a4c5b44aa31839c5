package dev.carlink.telemetry.series;

/**
 * The numeric signals kept in the 1-minute and 1-hour rollups, as min, max, sum and count per bucket (avg =
 * sum / count, and buckets merge exactly). Named as the API names them (VSS paths).
 */
public enum RolledSignal {
    CABIN_TEMPERATURE("cabin_temperature_c", "Vehicle.Cabin.HVAC.AmbientAirTemperature"),
    EXTERIOR_TEMPERATURE("exterior_temperature_c", "Vehicle.Exterior.AirTemperature"),
    STATE_OF_CHARGE("state_of_charge_pct", "Vehicle.Powertrain.TractionBattery.StateOfCharge.Displayed"),
    SPEED("speed_kmh", "Vehicle.Speed"),
    RANGE("range_km", "Vehicle.Powertrain.Range"),
    LOW_VOLTAGE_BATTERY("low_voltage_battery_v", "Vehicle.LowVoltageBattery.CurrentVoltage"),
    ODOMETER("odometer_km", "Vehicle.TraveledDistance");

    private final String column;
    private final String vss;

    RolledSignal(String column, String vss) {
        this.column = column;
        this.vss = vss;
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
