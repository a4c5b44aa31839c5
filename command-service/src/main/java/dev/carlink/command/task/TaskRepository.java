package dev.carlink.command.task;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for tasks and their timelines. */
final class TaskRepository {

    private static final String COLUMNS =
            "id, vin, type, priority, status, assignee, outcome, occurrences, created_at, updated_at, sla_due_at, "
                    + "escalated_at, rating, rating_comment";

    /** A car owner's contact, for staff. */
    record Contact(String username, String displayName, String phone, String email) {}

    /**
     * Opens a task or, when one is open for this car and type, counts one more occurrence on it. The
     * partial unique index makes concurrent triggers meet on one row. Returns the task id and whether
     * it was new.
     */
    long[] openOrAppend(Connection c, String vin, TaskType type, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO command.tasks "
                + "(vin, type, priority, status, occurrences, created_at, updated_at, sla_due_at) "
                + "VALUES (?, ?, ?, 'OPEN', 1, ?, ?, ?) "
                + "ON CONFLICT (vin, type) WHERE status IN ('OPEN', 'CLAIMED', 'IN_PROGRESS') "
                + "DO UPDATE SET occurrences = command.tasks.occurrences + 1, updated_at = EXCLUDED.updated_at "
                + "RETURNING id, (xmax = 0)")) {
            ps.setString(1, vin);
            ps.setString(2, type.name());
            ps.setString(3, type.priority().name());
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setTimestamp(5, Timestamp.from(now));
            ps.setTimestamp(6, Timestamp.from(now.plus(type.sla())));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getBoolean(2) ? 1 : 0};
            }
        }
    }

    void insertEntry(Connection c, long taskId, Instant at, String kind, String author, String text)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO command.task_entries (task_id, at, kind, author, text) VALUES (?, ?, ?, ?, ?)")) {
            ps.setLong(1, taskId);
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setString(3, kind);
            ps.setString(4, author);
            ps.setString(5, text);
            ps.executeUpdate();
        }
    }

    Optional<TaskView> find(Connection c, long id, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM command.tasks WHERE id = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setLong(1, id);
            return read(ps).stream().findFirst();
        }
    }

    List<TaskView> list(Connection c, List<String> statuses, String vin, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM command.tasks "
                + "WHERE status = ANY (?) AND (?::text IS NULL OR vin = ?) "
                + "ORDER BY CASE priority WHEN 'URGENT' THEN 0 WHEN 'HIGH' THEN 1 WHEN 'NORMAL' THEN 2 ELSE 3 END, "
                + "sla_due_at, id LIMIT ?")) {
            ps.setArray(1, c.createArrayOf("text", statuses.toArray()));
            ps.setString(2, vin);
            ps.setString(3, vin);
            ps.setInt(4, limit);
            return read(ps);
        }
    }

    List<TaskView.Entry> timeline(Connection c, long taskId) throws SQLException {
        List<TaskView.Entry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT at, kind, author, text FROM command.task_entries WHERE task_id = ? ORDER BY id")) {
            ps.setLong(1, taskId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new TaskView.Entry(
                            rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
        }
        return out;
    }

    void updateStatus(Connection c, long id, TaskStatus status, String assignee, String outcome, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE command.tasks SET status = ?, assignee = ?, " + "outcome = ?, updated_at = ? WHERE id = ?")) {
            ps.setString(1, status.name());
            ps.setString(2, assignee);
            ps.setString(3, outcome);
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setLong(5, id);
            ps.executeUpdate();
        }
    }

    /** Sets a task's priority (a repeat or an escalation raised it). */
    void updatePriority(Connection c, long id, TaskType.Priority priority, Instant now) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("UPDATE command.tasks SET priority = ?, updated_at = ? WHERE id = ?")) {
            ps.setString(1, priority.name());
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setLong(3, id);
            ps.executeUpdate();
        }
    }

    /**
     * Marks open tasks past their SLA and not escalated yet as escalated, one priority more urgent, and returns
     * their ids with the priority they had. Rows another sweep holds are skipped, so two sweeps never escalate
     * one task twice.
     */
    List<long[]> escalateOverdue(Connection c, Instant now, int limit) throws SQLException {
        List<long[]> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("UPDATE command.tasks t SET escalated_at = ?, updated_at = ?, "
                + "priority = CASE t.priority WHEN 'LOW' THEN 'NORMAL' WHEN 'NORMAL' THEN 'HIGH' ELSE 'URGENT' END "
                + "FROM (SELECT id, priority FROM command.tasks WHERE status IN ('OPEN', 'CLAIMED', 'IN_PROGRESS') "
                + "AND escalated_at IS NULL AND sla_due_at <= ? ORDER BY sla_due_at LIMIT ? "
                + "FOR UPDATE SKIP LOCKED) due WHERE t.id = due.id RETURNING t.id, due.priority")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setInt(4, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new long[] {
                        rs.getLong(1),
                        TaskType.Priority.valueOf(rs.getString(2)).ordinal()
                    });
                }
            }
        }
        return out;
    }

    /** Records the owner's rating of a resolved task; false when it was rated before. */
    boolean rate(Connection c, long id, int stars, String comment, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE command.tasks SET rating = ?, rating_comment = ?, "
                + "rated_at = ? WHERE id = ? AND rating IS NULL")) {
            ps.setInt(1, stars);
            ps.setString(2, comment);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setLong(4, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** The other tasks of a car, newest first. */
    List<TaskView> ofVehicle(Connection c, String vin, long except, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM command.tasks WHERE vin = ? AND id <> ? ORDER BY created_at DESC, id DESC LIMIT ?")) {
            ps.setString(1, vin);
            ps.setLong(2, except);
            ps.setInt(3, limit);
            return read(ps);
        }
    }

    /** Whether the car has an open task of this type. */
    boolean hasOpen(Connection c, String vin, TaskType type) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM command.tasks WHERE vin = ? AND type = ? "
                + "AND status IN ('OPEN', 'CLAIMED', 'IN_PROGRESS')")) {
            ps.setString(1, vin);
            ps.setString(2, type.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    Optional<Contact> ownerOf(Connection c, String vin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT u.username, u.display_name, u.phone, u.email "
                + "FROM command.vehicles v JOIN command.users u ON u.id = v.owner_id WHERE v.vin = ?")) {
            ps.setString(1, vin);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Contact(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                        : Optional.empty();
            }
        }
    }

    private static List<TaskView> read(PreparedStatement ps) throws SQLException {
        List<TaskView> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new TaskView(
                        rs.getLong(1),
                        rs.getString(2),
                        TaskType.valueOf(rs.getString(3)),
                        TaskType.Priority.valueOf(rs.getString(4)),
                        TaskStatus.valueOf(rs.getString(5)),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getInt(8),
                        rs.getTimestamp(9).toInstant(),
                        rs.getTimestamp(10).toInstant(),
                        rs.getTimestamp(11).toInstant(),
                        rs.getTimestamp(12) == null ? null : rs.getTimestamp(12).toInstant(),
                        rs.getObject(13) == null ? null : rs.getInt(13),
                        rs.getString(14),
                        List.of()));
            }
        }
        return out;
    }
}
