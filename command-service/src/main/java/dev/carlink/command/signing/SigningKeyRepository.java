package dev.carlink.command.signing;

import dev.carlink.command.secrets.StoredSecret;
import dev.carlink.command.signing.SigningKeyView.KeyState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for the backend's signing keys and the per-car signing state. */
final class SigningKeyRepository {

    /** A car's state at the moment of signing one command. */
    record SigningSlot(long counter, String trustedKeyId, KeyState trustedKeyState, String activeKeyId) {}

    /** Key material as stored: the private key encrypted (or, written by an earlier version, in clear). */
    record StoredKey(String keyId, KeyState state, byte[] publicKey, StoredSecret privateKey) {}

    /**
     * Takes the car's next counter and reads which key it trusts and which key is active, in one statement.
     * Empty when the car is not enrolled.
     */
    Optional<SigningSlot> nextSlot(Connection c, String vin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE command.vehicles v "
                + "SET command_counter = v.command_counter + 1 WHERE v.vin = ? "
                + "RETURNING v.command_counter, v.trusted_key_id, "
                + "(SELECT state FROM command.signing_keys WHERE key_id = v.trusted_key_id), "
                + "(SELECT key_id FROM command.signing_keys WHERE state = 'ACTIVE')")) {
            ps.setString(1, vin);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String trustedState = rs.getString(3);
                return Optional.of(new SigningSlot(
                        rs.getLong(1),
                        rs.getString(2),
                        trustedState == null ? null : KeyState.valueOf(trustedState),
                        rs.getString(4)));
            }
        }
    }

    Optional<StoredKey> find(Connection c, String keyId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT key_id, state, public_key, private_key, private_key_kek FROM command.signing_keys "
                        + "WHERE key_id = ?")) {
            ps.setString(1, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new StoredKey(
                                rs.getString(1),
                                KeyState.valueOf(rs.getString(2)),
                                rs.getBytes(3),
                                new StoredSecret(rs.getBytes(4), rs.getString(5))))
                        : Optional.empty();
            }
        }
    }

    Optional<String> activeKeyId(Connection c) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT key_id FROM command.signing_keys WHERE state = 'ACTIVE'")) {
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** Inserts a key as ACTIVE unless another is; false when one already was (another instance won). */
    boolean insertActiveIfNone(Connection c, String keyId, byte[] publicKey, StoredSecret privateKey, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO command.signing_keys "
                + "(key_id, public_key, private_key, private_key_kek, state, created_at) "
                + "VALUES (?, ?, ?, ?, 'ACTIVE', ?) ON CONFLICT (state) WHERE state = 'ACTIVE' DO NOTHING")) {
            ps.setString(1, keyId);
            ps.setBytes(2, publicKey);
            ps.setBytes(3, privateKey.value());
            ps.setString(4, privateKey.kekId());
            ps.setTimestamp(5, Timestamp.from(now));
            return ps.executeUpdate() == 1;
        }
    }

    /** Serializes rotations across instances for the rest of the transaction. */
    void lockKeys(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("LOCK TABLE command.signing_keys IN EXCLUSIVE MODE")) {
            ps.execute();
        }
    }

    void demoteActive(Connection c) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("UPDATE command.signing_keys SET state = 'PREVIOUS' WHERE state = 'ACTIVE'")) {
            ps.executeUpdate();
        }
    }

    boolean retire(Connection c, String keyId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE command.signing_keys SET state = 'RETIRED', "
                + "retired_at = ? WHERE key_id = ? AND state = 'PREVIOUS'")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, keyId);
            return ps.executeUpdate() == 1;
        }
    }

    List<SigningKeyView> list(Connection c) throws SQLException {
        List<SigningKeyView> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT k.key_id, k.state, k.public_key, k.created_at, "
                + "k.retired_at, (SELECT count(*) FROM command.vehicles v WHERE v.trusted_key_id = k.key_id) "
                + "FROM command.signing_keys k "
                + "ORDER BY CASE k.state WHEN 'ACTIVE' THEN 0 WHEN 'PREVIOUS' THEN 1 ELSE 2 END, k.created_at DESC")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp retired = rs.getTimestamp(5);
                    out.add(new SigningKeyView(
                            rs.getString(1),
                            KeyState.valueOf(rs.getString(2)),
                            rs.getBytes(3),
                            rs.getTimestamp(4).toInstant(),
                            retired == null ? null : retired.toInstant(),
                            rs.getLong(6)));
                }
            }
        }
        return out;
    }

    /**
     * Records the newest key a car says it trusts, if that is a key the backend still signs with. A car
     * cannot make the backend sign with a retired or unknown key.
     */
    boolean recordTrusted(Connection c, String vin, String keyId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE command.vehicles SET trusted_key_id = ? "
                + "WHERE vin = ? AND trusted_key_id IS DISTINCT FROM ? AND EXISTS "
                + "(SELECT 1 FROM command.signing_keys WHERE key_id = ? AND state <> 'RETIRED')")) {
            ps.setString(1, keyId);
            ps.setString(2, vin);
            ps.setString(3, keyId);
            ps.setString(4, keyId);
            return ps.executeUpdate() == 1;
        }
    }

    /** At enrollment or re-provisioning: the car trusts the active key. */
    void trustActive(Connection c, String vin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE command.vehicles SET trusted_key_id = "
                + "(SELECT key_id FROM command.signing_keys WHERE state = 'ACTIVE') WHERE vin = ?")) {
            ps.setString(1, vin);
            ps.executeUpdate();
        }
    }
}
