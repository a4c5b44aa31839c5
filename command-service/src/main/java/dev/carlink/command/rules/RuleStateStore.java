package dev.carlink.command.rules;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a rule remembers about a car ({@code command.rule_state}), read and written in the transaction of the
 * message that changes it, so a restart or a second instance sees exactly what was committed. A state with a
 * {@code due_at} is looked at again by the rules' tick when that moment comes.
 */
final class RuleStateStore {

    /** A state a rule must look at again. */
    record Due(String vin, String rule) {}

    /** The car's state for {@code rule}, locked until the transaction ends; empty when it has none. */
    Optional<JsonObject> lock(Connection c, String vin, String rule) throws SQLException {
        // a transaction-scoped advisory lock on (rule, car), taken before reading: a row lock alone would let two
        // concurrent decisions both find no state and both act
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))")) {
            ps.setString(1, "rule:" + rule);
            ps.setString(2, vin);
            ps.execute();
        }
        try (PreparedStatement ps =
                c.prepareStatement("SELECT state FROM command.rule_state WHERE vin = ? AND rule = ? FOR UPDATE")) {
            ps.setString(1, vin);
            ps.setString(2, rule);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new JsonObject(rs.getString(1))) : Optional.empty();
            }
        }
    }

    void save(Connection c, String vin, String rule, JsonObject state, Instant dueAt, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO command.rule_state (vin, rule, state, due_at, updated_at) VALUES (?, ?, ?::jsonb, ?, ?) "
                        + "ON CONFLICT (vin, rule) DO UPDATE SET state = EXCLUDED.state, due_at = EXCLUDED.due_at, "
                        + "updated_at = EXCLUDED.updated_at")) {
            ps.setString(1, vin);
            ps.setString(2, rule);
            ps.setString(3, state.encode());
            ps.setTimestamp(4, dueAt == null ? null : Timestamp.from(dueAt));
            ps.setTimestamp(5, Timestamp.from(now));
            ps.executeUpdate();
        }
    }

    void delete(Connection c, String vin, String rule) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM command.rule_state WHERE vin = ? AND rule = ?")) {
            ps.setString(1, vin);
            ps.setString(2, rule);
            ps.executeUpdate();
        }
    }

    /** States whose moment has come, oldest first. */
    List<Due> due(Connection c, Instant now, int limit) throws SQLException {
        List<Due> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT vin, rule FROM command.rule_state "
                + "WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at LIMIT ?")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Due(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return out;
    }
}
