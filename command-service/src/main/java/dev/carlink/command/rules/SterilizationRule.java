package dev.carlink.command.rules;

import dev.carlink.command.task.TaskService;
import dev.carlink.command.task.TaskType;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Sterilization that did not end well. A cycle the car aborted or failed (its STERILIZATION_START answered
 * FAILED, with the abort reason) or that never reported back (TIMED_OUT) opens a NORMAL task. A car that goes
 * offline while a cycle runs, and stays offline for the grace time (2 min: not a gateway restart), opens a HIGH
 * one: nobody can see a 56 °C cabin any more.
 */
final class SterilizationRule {

    static final String RULE = "sterilization-silent";
    private static final Set<String> FAILED = Set.of("FAILED", "TIMED_OUT");

    private final RulesConfig.Sterilization config;
    private final TaskService tasks;
    private final RuleStateStore states;

    SterilizationRule(RulesConfig.Sterilization config, TaskService tasks, RuleStateStore states) {
        this.config = config;
        this.tasks = tasks;
        this.states = states;
    }

    /** Whether a command update concerns this rule (cheap, no database). */
    boolean concerns(JsonObject command) {
        return config.enabled()
                && "STERILIZATION_START".equals(command.getString("type"))
                && FAILED.contains(command.getString("status"));
    }

    void onCommand(Connection c, JsonObject command, RuleEffects effects) throws SQLException {
        String reason = command.getString("reasonCode");
        String detail = command.getString("detail");
        effects.task(tasks.raise(
                c,
                command.getString("vin"),
                TaskType.STERILIZATION_ABORTED,
                "sterilization " + command.getString("id") + " " + command.getString("status")
                        + (reason == null ? "" : " (" + reason + ")") + (detail == null ? "" : ": " + detail)));
    }

    /** The car went offline: if a cycle is running, look again after the grace time. */
    void onOffline(Connection c, String vin, Instant now) throws SQLException {
        if (!config.enabled()) {
            return;
        }
        Optional<String> running = runningCycle(c, vin);
        if (running.isPresent()) {
            states.save(
                    c,
                    vin,
                    RULE,
                    new JsonObject().put("commandId", running.get()).put("offlineMs", now.toEpochMilli()),
                    now.plus(config.silentGrace()),
                    now);
        }
    }

    void onOnline(Connection c, String vin) throws SQLException {
        states.delete(c, vin, RULE);
    }

    void onDue(Connection c, String vin, Instant now, RuleEffects effects) throws SQLException {
        Optional<JsonObject> state = states.lock(c, vin, RULE);
        if (state.isEmpty()) {
            return;
        }
        states.delete(c, vin, RULE);
        if (online(c, vin)) {
            return;
        }
        long silentFor = Duration.between(Instant.ofEpochMilli(state.get().getLong("offlineMs")), now)
                .toSeconds();
        effects.task(tasks.raise(
                c,
                vin,
                TaskType.STERILIZATION_INTERRUPTED,
                "offline for " + silentFor + " s during sterilization "
                        + state.get().getString("commandId")));
    }

    private static Optional<String> runningCycle(Connection c, String vin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM command.commands WHERE vin = ? "
                + "AND type = 'STERILIZATION_START' AND status IN ('SENT', 'DELIVERED', 'IN_PROGRESS') "
                + "ORDER BY created_at DESC LIMIT 1")) {
            ps.setString(1, vin);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static boolean online(Connection c, String vin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT online FROM command.vehicles WHERE vin = ?")) {
            ps.setString(1, vin);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
