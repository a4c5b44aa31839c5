package dev.carlink.telemetry.series;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Signals kept and downsampled together. Each group may keep its raw values for less time than the raw
 * retention (its columns are cleared in the raw rows after that), and, for the groups in the rollups, its
 * 1-minute and 1-hour values for less time than those tiers keep (0: not kept at that tier at all).
 */
public enum SignalGroup {
    /** Cabin and outside temperature. */
    CLIMATE(List.of("cabin_temperature_c", "exterior_temperature_c")),
    /** Charge, range and the 12 V battery. */
    ENERGY(List.of("state_of_charge_pct", "range_km", "low_voltage_battery_v")),
    /** Speed and odometer. */
    MOTION(List.of("speed_kmh", "odometer_km")),
    /** Where the car was: personal data, often kept for less time than the rest. Not in the rollups. */
    LOCATION(List.of("latitude", "longitude")),
    /** Driver monitoring (fatigue level, eyes on road): kept only as long as the fatigue service needs it. */
    DRIVER_MONITORING(List.of("fatigue_level", "is_eyes_on_road"));

    private final List<String> columns;

    SignalGroup(List<String> columns) {
        this.columns = columns;
    }

    /** The raw table's columns of this group. */
    public List<String> columns() {
        return columns;
    }

    /** The group's signals in the rollups; empty for the groups that are not rolled up. */
    public List<RolledSignal> rolled() {
        return Arrays.stream(RolledSignal.values())
                .filter(s -> s.group() == this)
                .toList();
    }

    /** The name in configuration keys: {@code climate}, {@code driver-monitoring}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
