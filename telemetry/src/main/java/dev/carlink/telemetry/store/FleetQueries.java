package dev.carlink.telemetry.store;

import dev.carlink.proto.bus.v1.FleetQuery;
import dev.carlink.proto.v1.Telemetry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Which cars' latest state matches a staff filter, from the typed columns of {@code telemetry.latest_state}
 * ({@link FleetFacts}); a condition on a signal the car never reported does not match. Ordered by VIN and paged
 * by it. Blocking: call from a worker.
 */
public final class FleetQueries {

    /** Park in the selected-gear signal. */
    static final int GEAR_PARK = 126;

    /** One matching car. */
    public record Match(String vin, Telemetry telemetry, Instant receivedAt) {}

    private final DataSource dataSource;

    public FleetQueries(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Up to {@code maxRows} matches after {@code query.after_vin}, by VIN. */
    public List<Match> find(FleetQuery query, int maxRows) throws SQLException {
        List<String> where = new ArrayList<>(List.of("vin > ?"));
        List<Object> params = new ArrayList<>(List.of(query.getAfterVin()));
        if (query.hasCabinAboveC()) {
            where.add("cabin_temperature_c > ?");
            params.add(query.getCabinAboveC());
        }
        if (query.hasCabinBelowC()) {
            where.add("cabin_temperature_c < ?");
            params.add(query.getCabinBelowC());
        }
        if (query.hasChargeBelowPct()) {
            where.add("state_of_charge_pct < ?");
            params.add(query.getChargeBelowPct());
        }
        if (query.hasParked()) {
            where.add(
                    query.getParked()
                            ? "selected_gear = " + GEAR_PARK + " AND coalesce(speed_kmh, 0) = 0"
                            : "(selected_gear <> " + GEAR_PARK + " OR speed_kmh > 0)");
        }
        if (query.hasOccupied()) {
            where.add("occupied = ?");
            params.add(query.getOccupied());
        }
        if (query.hasChildDetected()) {
            where.add("child_detected = ?");
            params.add(query.getChildDetected());
        }
        if (query.hasSampledAfterMs()) {
            where.add("ts > ?::timestamptz");
            params.add(Instant.ofEpochMilli(query.getSampledAfterMs()).toString());
        }
        String sql = "SELECT vin, sample, (extract(epoch FROM received_at) * 1000)::int8 FROM telemetry.latest_state"
                + " WHERE " + String.join(" AND ", where) + " ORDER BY vin LIMIT ?";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            int i = 1;
            for (Object param : params) {
                statement.setObject(i++, param);
            }
            statement.setInt(i, maxRows);
            List<Match> matches = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String vin = rows.getString(1);
                    matches.add(new Match(
                            vin,
                            TelemetryRepository.parseSample(rows.getBytes(2), vin),
                            Instant.ofEpochMilli(rows.getLong(3))));
                }
            }
            return matches;
        }
    }
}
