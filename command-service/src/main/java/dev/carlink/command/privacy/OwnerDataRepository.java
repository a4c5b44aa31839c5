package dev.carlink.command.privacy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SQL of an owner's export and erasure: everything the command-service holds about one account and its cars.
 * Reads give rows as JSON objects with camelCase keys (times as ISO-8601, JSON columns as JSON, bytes as base64).
 */
final class OwnerDataRepository {

    /** What one erasure deleted or changed, by table, and the cars it unenrolled. */
    record Erased(List<String> vins, Map<String, Long> rows, List<Long> dismissedTasks, long erasureId) {}

    private static final String ACCOUNT =
            "SELECT username, display_name, role, phone, email, created_at FROM command.users WHERE id = ?";
    private static final String SESSIONS =
            "SELECT created_at, expires_at FROM command.sessions WHERE user_id = ? ORDER BY created_at";
    // no secret hash, DTLS key, command counter or trusted signing key: credentials, not data about the owner
    private static final String VEHICLES =
            """
            SELECT vin, name, enrolled_at, fatigue_opt_in, online, last_seen_at, protocol, presence_changed,
                   connected_at, asleep_since, check_in_by, schedule_version, schedule_acked_version
            FROM command.vehicles WHERE owner_id = ? ORDER BY vin
            """;
    private static final String COMMANDS =
            """
            SELECT id, type, params, status, reason_code, detail, requested_by, created_at, updated_at, expires_at
            FROM command.commands WHERE vin = ? ORDER BY created_at, id
            """;
    private static final String TRANSITIONS =
            """
            SELECT t.command_id, t.from_status, t.to_status, t.at, t.cause, t.actor, t.reason_code, t.detail
            FROM command.command_transitions t JOIN command.commands c ON c.id = t.command_id
            WHERE c.vin = ? ORDER BY t.id
            """;
    private static final String SCHEDULES =
            """
            SELECT id, ready_by, time_zone, weekday_mask, one_time_date, latitude, longitude, radius_m,
                   target_temperature_c, enabled, version, created_by, created_at, updated_at, next_ready_by, next_run_at
            FROM command.schedules WHERE vin = ? ORDER BY created_at, id
            """;
    private static final String FIRES =
            """
            SELECT f.schedule_id, f.occurrence, f.planned_start, f.decided_at, f.outcome, f.reason, f.detail,
                   f.command_id, f.car_reported_at
            FROM command.schedule_fires f JOIN command.schedules s ON s.id = f.schedule_id
            WHERE s.vin = ? ORDER BY f.occurrence
            """;
    private static final String EVENTS =
            "SELECT seq, ts, received_at, kind, payload FROM command.vehicle_events WHERE vin = ? ORDER BY ts, seq";
    private static final String ALERTS =
            "SELECT id, kind, text, created_at FROM command.owner_alerts WHERE vin = ? ORDER BY created_at, id";
    private static final String RULE_STATE =
            "SELECT rule, state, due_at, updated_at FROM command.rule_state WHERE vin = ? ORDER BY rule";
    // as the owner sees a task: no timeline, notes or assignee
    private static final String TASKS =
            """
            SELECT id, type, status, created_at, updated_at, outcome, rating, rating_comment, rated_at
            FROM command.tasks WHERE vin = ? ORDER BY created_at, id
            """;

    /**
     * The account and its sessions, or empty when it no longer exists. Call inside one read-only snapshot (see
     * {@link #snapshot}) so that the export is consistent.
     */
    Optional<JsonObject> account(Connection c, long userId) throws SQLException {
        List<JsonObject> account = rows(c, ACCOUNT, userId);
        if (account.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(account.get(0).put("sessions", new JsonArray(rows(c, SESSIONS, userId))));
    }

    /** Starts the transaction as one read-only snapshot: every following read sees the same moment. */
    void snapshot(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")) {
            ps.execute();
        }
    }

    /** The owner's cars, each with what the command-service holds about it. */
    List<JsonObject> vehicles(Connection c, long userId) throws SQLException {
        List<JsonObject> vehicles = rows(c, VEHICLES, userId);
        for (JsonObject vehicle : vehicles) {
            String vin = vehicle.getString("vin");
            vehicle.put(
                    "commands",
                    new JsonArray(
                            nest(rows(c, COMMANDS, vin), "id", rows(c, TRANSITIONS, vin), "commandId", "transitions")));
            vehicle.put(
                    "schedules",
                    new JsonArray(nest(rows(c, SCHEDULES, vin), "id", rows(c, FIRES, vin), "scheduleId", "fires")));
            vehicle.put("events", new JsonArray(rows(c, EVENTS, vin)));
            vehicle.put("alerts", new JsonArray(rows(c, ALERTS, vin)));
            vehicle.put("serviceState", new JsonArray(rows(c, RULE_STATE, vin)));
            vehicle.put("serviceTasks", new JsonArray(rows(c, TASKS, vin)));
        }
        return vehicles;
    }

    /**
     * Locks the owner's account row; empty when there is none (erased meanwhile) or it is not an owner's. Call
     * first in the erasure's transaction: a concurrent erasure of the same account waits here, then finds none.
     */
    Optional<String> lockOwner(Connection c, long userId) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT username FROM command.users WHERE id = ? AND role = 'OWNER' FOR UPDATE")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /**
     * Deletes the account, its sessions and its cars with everything about them, in the caller's transaction, and
     * records the erasure. Service tasks about the cars are kept anonymized: open ones dismissed, the car no longer
     * named, their timeline and the owner's comment deleted. {@link #lockOwner} must have found the account.
     */
    Erased erase(Connection c, long userId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SET LOCAL carlink.erasure = 'owner-request'")) {
            ps.execute();
        }
        List<String> vins = new ArrayList<>();
        try (PreparedStatement ps =
                c.prepareStatement("SELECT vin FROM command.vehicles WHERE owner_id = ? ORDER BY vin FOR UPDATE")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    vins.add(rs.getString(1));
                }
            }
        }
        Array cars = c.createArrayOf("text", vins.toArray());
        Map<String, Long> rows = new LinkedHashMap<>();
        rows.put(
                "commandTransitions",
                update(
                        c,
                        "DELETE FROM command.command_transitions WHERE command_id IN"
                                + " (SELECT id FROM command.commands WHERE vin = ANY (?))",
                        cars));
        rows.put("commands", update(c, "DELETE FROM command.commands WHERE vin = ANY (?)", cars));
        rows.put(
                "scheduleFires",
                update(
                        c,
                        "DELETE FROM command.schedule_fires WHERE schedule_id IN"
                                + " (SELECT id FROM command.schedules WHERE vin = ANY (?))",
                        cars));
        rows.put("schedules", update(c, "DELETE FROM command.schedules WHERE vin = ANY (?)", cars));
        rows.put("vehicleEvents", update(c, "DELETE FROM command.vehicle_events WHERE vin = ANY (?)", cars));
        rows.put("alerts", update(c, "DELETE FROM command.owner_alerts WHERE vin = ANY (?)", cars));
        rows.put("serviceState", update(c, "DELETE FROM command.rule_state WHERE vin = ANY (?)", cars));
        List<Long> dismissed = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE command.tasks SET status = 'DISMISSED', outcome = 'owner account deleted', updated_at = ?"
                        + " WHERE vin = ANY (?) AND status IN ('OPEN', 'CLAIMED', 'IN_PROGRESS') RETURNING id")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setArray(2, cars);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    dismissed.add(rs.getLong(1));
                }
            }
        }
        rows.put(
                "taskEntries",
                update(
                        c,
                        "DELETE FROM command.task_entries WHERE task_id IN"
                                + " (SELECT id FROM command.tasks WHERE vin = ANY (?))",
                        cars));
        try (PreparedStatement ps = c.prepareStatement("UPDATE command.tasks SET vin = NULL, owner_erased_at = ?,"
                + " rating_comment = NULL WHERE vin = ANY (?)")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setArray(2, cars);
            rows.put("tasksAnonymized", ps.executeLargeUpdate());
        }
        rows.put("vehicles", update(c, "DELETE FROM command.vehicles WHERE vin = ANY (?)", cars));
        rows.put("sessions", update(c, "DELETE FROM command.sessions WHERE user_id = ?", userId));
        rows.put("accounts", update(c, "DELETE FROM command.users WHERE id = ?", userId));
        long erasureId;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO command.account_erasures (requested_at, vehicles, pending_vins, telemetry_erased_at)"
                        + " VALUES (?, ?, ?, ?) RETURNING id")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setInt(2, vins.size());
            ps.setArray(3, cars);
            // an owner without cars has no telemetry to wait for
            ps.setTimestamp(4, vins.isEmpty() ? Timestamp.from(now) : null);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                erasureId = rs.getLong(1);
            }
        }
        return new Erased(List.copyOf(vins), rows, dismissed, erasureId);
    }

    /** An erasure whose cars' telemetry still has to be erased (or erased once more after it settled). */
    record Pending(long id, Instant requestedAt, List<String> vins) {}

    /** Erasures whose telemetry step is not done, requested before {@code before}, oldest first. */
    List<Pending> pending(Connection c, Instant before, int limit) throws SQLException {
        List<Pending> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, requested_at, pending_vins FROM"
                + " command.account_erasures WHERE telemetry_erased_at IS NULL AND requested_at < ?"
                + " ORDER BY id LIMIT ?")) {
            ps.setTimestamp(1, Timestamp.from(before));
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Pending(rs.getLong(1), rs.getTimestamp(2).toInstant(), List.of((String[])
                            rs.getArray(3).getArray())));
                }
            }
        }
        return out;
    }

    /** The erasure's telemetry step is done: the VINs, the last thing naming the cars, are dropped. */
    void telemetryErased(Connection c, long erasureId, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE command.account_erasures SET pending_vins = '{}',"
                + " telemetry_erased_at = ?, attempts = attempts + 1 WHERE id = ?")) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setLong(2, erasureId);
            ps.executeUpdate();
        }
    }

    /** One more attempt at the erasure's telemetry step, which must be repeated. */
    void attempted(Connection c, long erasureId) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("UPDATE command.account_erasures SET attempts = attempts + 1 WHERE id = ?")) {
            ps.setLong(1, erasureId);
            ps.executeUpdate();
        }
    }

    private static long update(Connection c, String sql, Object parameter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, parameter);
            return ps.executeLargeUpdate();
        }
    }

    /** Each parent with its children (matched by {@code childKey} = the parent's {@code parentKey}) under {@code as}. */
    private static List<JsonObject> nest(
            List<JsonObject> parents, String parentKey, List<JsonObject> children, String childKey, String as) {
        Map<Object, JsonArray> byParent = new LinkedHashMap<>();
        for (JsonObject parent : parents) {
            JsonArray list = new JsonArray();
            byParent.put(parent.getValue(parentKey), list);
            parent.put(as, list);
        }
        for (JsonObject child : children) {
            JsonArray list = byParent.get(child.remove(childKey));
            if (list != null) {
                list.add(child);
            }
        }
        return parents;
    }

    private static List<JsonObject> rows(Connection c, String sql, Object parameter) throws SQLException {
        List<JsonObject> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    JsonObject row = new JsonObject();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        row.put(camelCase(meta.getColumnLabel(i)), value(rs, i, meta.getColumnTypeName(i)));
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }

    private static Object value(ResultSet rs, int column, String type) throws SQLException {
        Object value = rs.getObject(column);
        if (value == null) {
            return null;
        }
        switch (type) {
            case "timestamptz":
                return rs.getTimestamp(column).toInstant().toString();
            case "json":
            case "jsonb":
                String json = rs.getString(column).trim();
                return json.startsWith("[") ? new JsonArray(json) : new JsonObject(json);
            case "bytea":
                return Base64.getEncoder().encodeToString(rs.getBytes(column));
            case "uuid":
            case "time":
            case "date":
                return value.toString();
            default:
                return value;
        }
    }

    static String camelCase(String column) {
        StringBuilder out = new StringBuilder(column.length());
        boolean upper = false;
        for (char ch : column.toCharArray()) {
            if (ch == '_') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(ch) : ch);
                upper = false;
            }
        }
        return out.toString();
    }
}
