package dev.carlink.command.vehicle;

import dev.carlink.command.secrets.StoredSecret;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** SQL for the vehicle registry and presence. */
final class VehicleRepository {

    private static final String VIEW_COLUMNS =
            "v.vin, u.username, v.name, v.online, v.last_seen_at, v.protocol, v.enrolled_at, v.presence_changed, "
                    + "v.connected_at, v.asleep_since, v.check_in_by";
    private static final String VIEW_FROM = " FROM command.vehicles v JOIN command.users u ON u.id = v.owner_id";

    OptionalLong findOwnerId(Connection c, String username) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT id FROM command.users WHERE username = ? AND role = 'OWNER'")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    boolean insert(
            Connection c, String vin, long ownerId, String name, String secretHash, StoredSecret dtlsPsk, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO command.vehicles (vin, owner_id, name, secret_hash, dtls_psk, dtls_psk_kek, enrolled_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (vin) DO NOTHING")) {
            ps.setString(1, vin);
            ps.setLong(2, ownerId);
            ps.setString(3, name);
            ps.setString(4, secretHash);
            ps.setBytes(5, dtlsPsk.value());
            ps.setString(6, dtlsPsk.kekId());
            ps.setTimestamp(7, Timestamp.from(now));
            return ps.executeUpdate() == 1;
        }
    }

    boolean updateSecret(Connection c, String vin, String secretHash, StoredSecret dtlsPsk) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE command.vehicles SET secret_hash = ?, dtls_psk = ?, dtls_psk_kek = ? WHERE vin = ?")) {
            ps.setString(1, secretHash);
            ps.setBytes(2, dtlsPsk.value());
            ps.setString(3, dtlsPsk.kekId());
            ps.setString(4, vin);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * The car's DTLS key as stored (encrypted); empty for an unknown VIN or a car enrolled before DTLS keys
     * existed.
     */
    Optional<StoredSecret> findDtlsPsk(Connection c, String vin) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT dtls_psk, dtls_psk_kek FROM command.vehicles WHERE vin = ?")) {
            ps.setString(1, vin);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getBytes(1) == null) {
                    return Optional.empty();
                }
                return Optional.of(new StoredSecret(rs.getBytes(1), rs.getString(2)));
            }
        }
    }

    Optional<String> findSecretHash(Connection c, String vin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT secret_hash FROM command.vehicles WHERE vin = ?")) {
            ps.setString(1, vin);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    Optional<VehicleView> find(Connection c, String vin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + VIEW_COLUMNS + VIEW_FROM + " WHERE v.vin = ?")) {
            ps.setString(1, vin);
            List<VehicleView> found = read(ps);
            return found.stream().findFirst();
        }
    }

    List<VehicleView> listByOwner(Connection c, long ownerId) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT " + VIEW_COLUMNS + VIEW_FROM + " WHERE v.owner_id = ? ORDER BY v.vin")) {
            ps.setLong(1, ownerId);
            return read(ps);
        }
    }

    List<VehicleView> listAll(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + VIEW_COLUMNS + VIEW_FROM + " ORDER BY v.vin")) {
            return read(ps);
        }
    }

    /**
     * Applies a presence change unless a newer one was already applied. A {@code resync} (a session that began
     * earlier, announced again) keeps the recorded connection time unless none is recorded.
     */
    boolean updatePresence(Connection c, String vin, boolean online, String protocol, Instant at, boolean resync)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE command.vehicles SET online = ?, last_seen_at = ?, "
                + "protocol = COALESCE(?, protocol), presence_changed = ?, "
                + "connected_at = CASE WHEN ? AND (NOT ? OR NOT online OR connected_at IS NULL) THEN ? "
                + "ELSE connected_at END "
                + "WHERE vin = ? AND (presence_changed IS NULL OR presence_changed <= ?)")) {
            ps.setBoolean(1, online);
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setString(3, protocol);
            ps.setTimestamp(4, Timestamp.from(at));
            ps.setBoolean(5, online);
            ps.setBoolean(6, resync);
            ps.setTimestamp(7, Timestamp.from(at));
            ps.setString(8, vin);
            ps.setTimestamp(9, Timestamp.from(at));
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Records the car's announcement that it goes to sleep until {@code checkInBy} at the latest, unless a newer
     * one is already recorded (events may arrive late and out of order).
     */
    boolean recordSleep(Connection c, String vin, Instant since, Instant checkInBy) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE command.vehicles SET asleep_since = ?, check_in_by = ? "
                + "WHERE vin = ? AND (asleep_since IS NULL OR asleep_since < ?)")) {
            ps.setTimestamp(1, Timestamp.from(since));
            ps.setTimestamp(2, Timestamp.from(checkInBy));
            ps.setString(3, vin);
            ps.setTimestamp(4, Timestamp.from(since));
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Marks offline every vehicle recorded online that no gateway announced (online or offline) since a presence
     * resync began; returns their VINs.
     */
    List<String> markOfflineExcept(Connection c, java.util.Set<String> announced, Instant at) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("UPDATE command.vehicles SET online = false, presence_changed = ? "
                        + "WHERE online AND NOT (vin = ANY (?)) RETURNING vin")) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setArray(2, c.createArrayOf("text", announced.toArray()));
            List<String> vins = new ArrayList<>();
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    vins.add(rs.getString(1));
                }
            }
            return vins;
        }
    }

    private static List<VehicleView> read(PreparedStatement ps) throws SQLException {
        List<VehicleView> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Timestamp lastSeen = rs.getTimestamp(5);
                Timestamp presenceChanged = rs.getTimestamp(8);
                out.add(new VehicleView(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getBoolean(4),
                        lastSeen == null ? null : lastSeen.toInstant(),
                        rs.getString(6),
                        rs.getTimestamp(7).toInstant(),
                        presenceChanged == null ? null : presenceChanged.toInstant(),
                        instant(rs.getTimestamp(9)),
                        instant(rs.getTimestamp(10)),
                        instant(rs.getTimestamp(11))));
            }
        }
        return out;
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
