package dev.carlink.command.lifecycle;

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
import java.util.UUID;

/** SQL for commands and their transitions. */
final class CommandRepository {

    private static final String COLUMNS = "id, vin, type, params::text, status, reason_code, detail, requested_by, "
            + "created_at, updated_at, expires_at, deadline_at";

    /** Inserts the command and its first transition; false when a command with this id exists. */
    boolean insert(Connection c, CommandRecord r, String actor, String cause) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO command.commands (" + COLUMNS.replace("::text", "")
                + ") VALUES (?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
            ps.setObject(1, r.id());
            ps.setString(2, r.vin());
            ps.setString(3, r.type().name());
            ps.setString(4, r.params().encode());
            ps.setString(5, r.status().name());
            ps.setString(6, r.reasonCode());
            ps.setString(7, r.detail());
            ps.setString(8, r.requestedBy());
            ps.setTimestamp(9, Timestamp.from(r.createdAt()));
            ps.setTimestamp(10, Timestamp.from(r.updatedAt()));
            ps.setTimestamp(11, Timestamp.from(r.expiresAt()));
            ps.setTimestamp(12, Timestamp.from(r.deadlineAt()));
            if (ps.executeUpdate() == 0) {
                return false;
            }
        }
        insertTransition(
                c,
                r.id(),
                new CommandRecord.Transition(
                        null, r.status(), r.createdAt(), actor, cause, r.reasonCode(), r.detail()));
        return true;
    }

    Optional<CommandRecord> find(Connection c, UUID id, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM command.commands WHERE id = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setObject(1, id);
            List<CommandRecord> found = read(ps);
            return found.stream().findFirst();
        }
    }

    List<CommandRecord.Transition> transitions(Connection c, UUID id) throws SQLException {
        List<CommandRecord.Transition> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT from_status, to_status, at, actor, cause, "
                + "reason_code, detail FROM command.command_transitions WHERE command_id = ? ORDER BY id")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String from = rs.getString(1);
                    out.add(new CommandRecord.Transition(
                            from == null ? null : CommandStatus.valueOf(from),
                            CommandStatus.valueOf(rs.getString(2)),
                            rs.getTimestamp(3).toInstant(),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getString(7)));
                }
            }
        }
        return out;
    }

    List<CommandRecord> recent(Connection c, String vin, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM command.commands WHERE vin = ? ORDER BY created_at DESC LIMIT ?")) {
            ps.setString(1, vin);
            ps.setInt(2, limit);
            return read(ps);
        }
    }

    /**
     * A car's commands it may not have: QUEUED ones not yet expired, and SENT or DELIVERED ones it has not
     * answered whose result deadline has not passed. Oldest first.
     */
    List<CommandRecord> undelivered(Connection c, String vin, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM command.commands "
                + "WHERE vin = ? AND status IN ('QUEUED', 'SENT', 'DELIVERED') AND deadline_at > ? "
                + "ORDER BY created_at")) {
            ps.setString(1, vin);
            ps.setTimestamp(2, Timestamp.from(now));
            return read(ps);
        }
    }

    boolean isOnline(Connection c, String vin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT online FROM command.vehicles WHERE vin = ?")) {
            ps.setString(1, vin);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * Queued, unexpired commands of cars that are online, created before {@code createdBefore}: handed to
     * the gateway once already, but never recorded as sent (the gateway was busy or did not answer).
     */
    List<CommandRecord> stuckQueued(Connection c, Instant now, Instant createdBefore, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS.replace("id, vin,", "c.id, c.vin,")
                + " FROM command.commands c JOIN command.vehicles v ON v.vin = c.vin "
                + "WHERE c.status = 'QUEUED' AND v.online AND c.expires_at > ? AND c.created_at < ? "
                + "ORDER BY c.created_at LIMIT ?")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setTimestamp(2, Timestamp.from(createdBefore));
            ps.setInt(3, limit);
            return read(ps);
        }
    }

    /** When the car last started or ended a trip, from its events; empty if it never reported one. */
    Optional<Instant> lastDrive(Connection c, String vin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT max(ts) FROM command.vehicle_events WHERE vin = ? AND kind = 'trip_changed'")) {
            ps.setString(1, vin);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Timestamp ts = rs.getTimestamp(1);
                return ts == null ? Optional.empty() : Optional.of(ts.toInstant());
            }
        }
    }

    /** Remote climate starts requested since {@code since} that ran, run, or may still run. */
    int climateStartsSince(Connection c, String vin, Instant since) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM command.commands WHERE vin = ? "
                + "AND type = 'CLIMATE_START' AND created_at > ? "
                + "AND status IN ('QUEUED', 'SENT', 'DELIVERED', 'IN_PROGRESS', 'SUCCEEDED', 'TIMED_OUT')")) {
            ps.setString(1, vin);
            ps.setTimestamp(2, Timestamp.from(since));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    List<UUID> pastDeadline(Connection c, Instant now, int limit) throws SQLException {
        List<UUID> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM command.commands WHERE status = ANY (?) "
                + "AND deadline_at <= ? ORDER BY deadline_at LIMIT ?")) {
            ps.setArray(1, c.createArrayOf("text", CommandStatus.activeNames()));
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return out;
    }

    void update(Connection c, CommandRecord r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE command.commands SET status = ?, reason_code = ?, "
                + "detail = ?, updated_at = ?, deadline_at = ? WHERE id = ?")) {
            ps.setString(1, r.status().name());
            ps.setString(2, r.reasonCode());
            ps.setString(3, r.detail());
            ps.setTimestamp(4, Timestamp.from(r.updatedAt()));
            ps.setTimestamp(5, Timestamp.from(r.deadlineAt()));
            ps.setObject(6, r.id());
            ps.executeUpdate();
        }
    }

    /**
     * The audit trail, newest first: every transition with the command it belongs to (who asked for what),
     * optionally for one car, and before a transition id for paging.
     */
    List<AuditEntry> audit(Connection c, String vin, long beforeId, int limit) throws SQLException {
        List<AuditEntry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT t.id, t.at, c.vin, c.id, c.type, c.params::text, "
                + "c.requested_by, t.from_status, t.to_status, t.actor, t.cause, t.reason_code, t.detail "
                + "FROM command.command_transitions t JOIN command.commands c ON c.id = t.command_id "
                + "WHERE (?::text IS NULL OR c.vin = ?) AND t.id < ? ORDER BY t.id DESC LIMIT ?")) {
            ps.setString(1, vin);
            ps.setString(2, vin);
            ps.setLong(3, beforeId);
            ps.setInt(4, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AuditEntry(
                            rs.getLong(1),
                            rs.getTimestamp(2).toInstant(),
                            rs.getString(3),
                            rs.getObject(4, UUID.class),
                            rs.getString(5),
                            new JsonObject(rs.getString(6)),
                            rs.getString(7),
                            rs.getString(8),
                            rs.getString(9),
                            rs.getString(10),
                            rs.getString(11),
                            rs.getString(12),
                            rs.getString(13)));
                }
            }
        }
        return out;
    }

    /** Appends to the audit trail; the database refuses any later change to it. */
    void insertTransition(Connection c, UUID id, CommandRecord.Transition t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO command.command_transitions (command_id, "
                + "from_status, to_status, at, actor, cause, reason_code, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, id);
            ps.setString(2, t.from() == null ? null : t.from().name());
            ps.setString(3, t.to().name());
            ps.setTimestamp(4, Timestamp.from(t.at()));
            ps.setString(5, t.actor());
            ps.setString(6, t.cause());
            ps.setString(7, t.reasonCode());
            ps.setString(8, t.detail());
            ps.executeUpdate();
        }
    }

    private static List<CommandRecord> read(PreparedStatement ps) throws SQLException {
        List<CommandRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new CommandRecord(
                        rs.getObject(1, UUID.class),
                        rs.getString(2),
                        CommandType.valueOf(rs.getString(3)),
                        new JsonObject(rs.getString(4)),
                        CommandStatus.valueOf(rs.getString(5)),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getTimestamp(9).toInstant(),
                        rs.getTimestamp(10).toInstant(),
                        rs.getTimestamp(11).toInstant(),
                        rs.getTimestamp(12).toInstant(),
                        List.of()));
            }
        }
        return out;
    }
}
