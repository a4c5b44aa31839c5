package dev.carlink.telemetry.store;

import dev.carlink.proto.v1.Hvac;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.telemetry.SampleKey;
import dev.carlink.telemetry.TelemetrySample;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.postgresql.PGConnection;

/**
 * The writer's fast path: the batch as one {@code COPY ... FROM STDIN} (text format), PostgreSQL's cheapest way
 * in. COPY has no ON CONFLICT: when one of the samples is already stored (a redelivery), the COPY fails with a
 * unique violation and the caller writes the batch again the idempotent way, inside the same transaction.
 */
final class SampleCopy {

    static final String COLUMNS = "vin, seq, ts, received_at, cabin_temperature_c, exterior_temperature_c,"
            + " state_of_charge_pct, speed_kmh, latitude, longitude, selected_gear, low_voltage_system_state, doors,"
            + " trunk_is_open, seats, child_presence, hvac_mode, hvac_ac_active, hvac_target_c, hvac_auto_off_at,"
            + " sterilization_phase, fatigue_level, is_eyes_on_road, odometer_km, range_km, low_voltage_battery_v,"
            + " is_charging";

    /** PostgreSQL's unique_violation. */
    static final String UNIQUE_VIOLATION = "23505";

    private static final String NULL = "\\N";

    private SampleCopy() {}

    /** Copies every sample in; all of them are new when it returns (a stored one makes it throw 23505). */
    static Set<SampleKey> copy(Connection connection, List<TelemetrySample> samples) throws SQLException {
        byte[] rows = text(samples).getBytes(StandardCharsets.UTF_8);
        try {
            connection
                    .unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn("COPY telemetry.telemetry (" + COLUMNS + ") FROM STDIN", new ByteArrayInputStream(rows));
        } catch (IOException e) {
            throw new SQLException("COPY of telemetry samples failed: " + e.getMessage(), e);
        }
        Set<SampleKey> keys = new HashSet<>();
        for (TelemetrySample sample : samples) {
            keys.add(sample.key());
        }
        return keys;
    }

    /** The samples as COPY text: one line each, tab-separated, {@code \N} for an absent signal. */
    static String text(List<TelemetrySample> samples) {
        StringBuilder b = new StringBuilder(samples.size() * 320);
        for (TelemetrySample sample : samples) {
            Telemetry t = sample.telemetry();
            Row row = new Row(b);
            row.text(sample.vin().value());
            row.value(t.getSeq());
            row.value(Instant.ofEpochMilli(t.getTimestampMs()));
            row.value(sample.receivedAt());
            row.value(t.hasCabinTemperatureC() ? t.getCabinTemperatureC() : null);
            row.value(t.hasExteriorTemperatureC() ? t.getExteriorTemperatureC() : null);
            row.value(t.hasStateOfChargePct() ? t.getStateOfChargePct() : null);
            row.value(t.hasSpeedKmh() ? t.getSpeedKmh() : null);
            row.value(t.hasLocation() ? t.getLocation().getLatitude() : null);
            row.value(t.hasLocation() ? t.getLocation().getLongitude() : null);
            row.value(t.hasSelectedGear() ? t.getSelectedGear() : null);
            row.value(t.hasLowVoltageSystemState() ? t.getLowVoltageSystemStateValue() : null);
            row.text(CabinJson.doors(t.getDoorsList()));
            row.value(t.hasTrunkIsOpen() ? t.getTrunkIsOpen() : null);
            row.text(CabinJson.seats(t.getSeatsList()));
            row.value(t.hasChildPresence() ? t.getChildPresenceValue() : null);
            if (t.hasHvac()) {
                Hvac hvac = t.getHvac();
                row.value(hvac.getModeValue());
                row.value(hvac.getIsAirConditioningActive());
                row.value(hvac.getTargetTemperatureC());
                row.value(hvac.getAutoOffAtMs() == 0 ? null : Instant.ofEpochMilli(hvac.getAutoOffAtMs()));
            } else {
                row.value(null);
                row.value(null);
                row.value(null);
                row.value(null);
            }
            row.value(t.hasSterilizationPhase() ? t.getSterilizationPhaseValue() : null);
            row.value(t.hasFatigueLevel() ? t.getFatigueLevelValue() : null);
            row.value(t.hasIsEyesOnRoad() ? t.getIsEyesOnRoad() : null);
            row.value(t.hasOdometerKm() ? t.getOdometerKm() : null);
            row.value(t.hasRangeKm() ? t.getRangeKm() : null);
            row.value(t.hasLowVoltageBatteryV() ? t.getLowVoltageBatteryV() : null);
            row.value(t.hasIsCharging() ? t.getIsCharging() : null);
            b.append('\n');
        }
        return b.toString();
    }

    /** Appends the fields of one line. */
    private static final class Row {
        private final StringBuilder b;
        private boolean first = true;

        Row(StringBuilder b) {
            this.b = b;
        }

        private void separate() {
            if (!first) {
                b.append('\t');
            }
            first = false;
        }

        /** A number, boolean ({@code t}/{@code f}) or instant (ISO-8601 UTC), or NULL. */
        void value(Object v) {
            separate();
            if (v == null) {
                b.append(NULL);
            } else if (v instanceof Boolean flag) {
                b.append(flag ? 't' : 'f');
            } else {
                b.append(v); // Float and Double print the shortest text that reads back as the same value
            }
        }

        /** Text with COPY's escapes, or NULL. */
        void text(String v) {
            separate();
            if (v == null) {
                b.append(NULL);
                return;
            }
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                switch (c) {
                    case '\\' -> b.append("\\\\");
                    case '\t' -> b.append("\\t");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    default -> b.append(c);
                }
            }
        }
    }
}
