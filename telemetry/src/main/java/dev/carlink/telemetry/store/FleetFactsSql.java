package dev.carlink.telemetry.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** How {@link FleetFacts} travel to SQL: one array per column, in {@link #COLUMNS} order. */
final class FleetFactsSql {

    static final String COLUMNS = "cabin_temperature_c, state_of_charge_pct, speed_kmh, selected_gear, occupied,"
            + " child_detected, sterilization_phase";

    /** The placeholders of the arrays, cast to their element types. */
    static final String ARRAY_PARAMS =
            "?::float4[], ?::float4[], ?::float4[], ?::int2[], ?::bool[], ?::bool[], ?::int2[]";

    /** {@code column = f.column} for each, for an UPDATE ... FROM unnest(...) AS f. */
    static final String ASSIGN_FROM_F = "cabin_temperature_c = f.cabin_temperature_c, state_of_charge_pct ="
            + " f.state_of_charge_pct, speed_kmh = f.speed_kmh, selected_gear = f.selected_gear, occupied = f.occupied,"
            + " child_detected = f.child_detected, sterilization_phase = f.sterilization_phase";

    /** {@code column = excluded.column} for each, for an upsert. */
    static final String ASSIGN_FROM_EXCLUDED = ASSIGN_FROM_F.replace("= f.", "= excluded.");

    private FleetFactsSql() {}

    /** Binds the seven arrays from parameter {@code first} on. */
    static void bind(Connection c, PreparedStatement ps, int first, List<FleetFacts> facts) throws SQLException {
        int n = facts.size();
        Float[] cabin = new Float[n];
        Float[] soc = new Float[n];
        Float[] speed = new Float[n];
        Short[] gear = new Short[n];
        Boolean[] occupied = new Boolean[n];
        Boolean[] child = new Boolean[n];
        Short[] sterilization = new Short[n];
        for (int i = 0; i < n; i++) {
            FleetFacts f = facts.get(i);
            cabin[i] = f.cabinC();
            soc[i] = f.stateOfChargePct();
            speed[i] = f.speedKmh();
            gear[i] = f.gear();
            occupied[i] = f.occupied();
            child[i] = f.childDetected();
            sterilization[i] = f.sterilizationPhase();
        }
        int p = first;
        ps.setArray(p++, c.createArrayOf("float4", cabin));
        ps.setArray(p++, c.createArrayOf("float4", soc));
        ps.setArray(p++, c.createArrayOf("float4", speed));
        ps.setArray(p++, c.createArrayOf("int2", gear));
        ps.setArray(p++, c.createArrayOf("bool", occupied));
        ps.setArray(p++, c.createArrayOf("bool", child));
        ps.setArray(p, c.createArrayOf("int2", sterilization));
    }
}
