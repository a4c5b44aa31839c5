package dev.carlink.command.event;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/** SQL for the events cars send. */
final class VehicleEventRepository {

    /** Stores the event; false when (vin, seq) was already stored (a redelivery). */
    boolean insert(Connection c, String vin, long seq, Instant ts, Instant receivedAt, String kind, byte[] payload)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO command.vehicle_events "
                + "(vin, seq, ts, received_at, kind, payload) VALUES (?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (vin, seq) DO NOTHING")) {
            ps.setString(1, vin);
            ps.setLong(2, seq);
            ps.setTimestamp(3, Timestamp.from(ts));
            ps.setTimestamp(4, Timestamp.from(receivedAt));
            ps.setString(5, kind);
            ps.setBytes(6, payload);
            return ps.executeUpdate() == 1;
        }
    }
}
