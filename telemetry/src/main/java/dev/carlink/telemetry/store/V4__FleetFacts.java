package dev.carlink.telemetry.store;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.v1.Telemetry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema version 4: the {@link FleetFacts} columns of {@code telemetry.latest_state} (and room on its pages for
 * in-place updates), filled for the cars already there by decoding their stored samples (in batches of {@value #BATCH} cars). Registered with Flyway
 * by {@code TelemetrySchema}; the class name gives the version.
 */
public final class V4__FleetFacts extends BaseJavaMigration {

    static final int BATCH = 5_000;

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        try (Statement statement = c.createStatement()) {
            statement.execute("ALTER TABLE telemetry.latest_state"
                    + " ADD COLUMN cabin_temperature_c real, ADD COLUMN state_of_charge_pct real,"
                    + " ADD COLUMN speed_kmh real, ADD COLUMN selected_gear smallint, ADD COLUMN occupied boolean,"
                    + " ADD COLUMN child_detected boolean, ADD COLUMN sterilization_phase smallint");
            // every sample rewrites its car's row: half-empty pages let the new version stay on the same page
            // (a HOT update, no index entry to add), which keeps the writer's upsert cheap
            statement.execute("ALTER TABLE telemetry.latest_state SET (fillfactor = 50)");
        }
        String after = "";
        while (true) {
            List<String> vins = new ArrayList<>();
            List<FleetFacts> facts = new ArrayList<>();
            try (PreparedStatement page = c.prepareStatement(
                    "SELECT vin, sample FROM telemetry.latest_state WHERE vin > ? ORDER BY vin LIMIT " + BATCH)) {
                page.setString(1, after);
                try (ResultSet rows = page.executeQuery()) {
                    while (rows.next()) {
                        vins.add(rows.getString(1));
                        facts.add(FleetFacts.of(parse(rows.getBytes(2), rows.getString(1))));
                    }
                }
            }
            if (vins.isEmpty()) {
                return;
            }
            try (PreparedStatement update = c.prepareStatement("UPDATE telemetry.latest_state l SET "
                    + FleetFactsSql.ASSIGN_FROM_F + " FROM unnest(?::text[], " + FleetFactsSql.ARRAY_PARAMS
                    + ") AS f(vin, " + FleetFactsSql.COLUMNS + ") WHERE l.vin = f.vin")) {
                update.setArray(1, c.createArrayOf("text", vins.toArray()));
                FleetFactsSql.bind(c, update, 2, facts);
                update.executeUpdate();
            }
            after = vins.get(vins.size() - 1);
        }
    }

    private static Telemetry parse(byte[] bytes, String vin) throws SQLException {
        try {
            return Telemetry.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new SQLException("latest state of " + vin + " does not parse", e);
        }
    }
}
