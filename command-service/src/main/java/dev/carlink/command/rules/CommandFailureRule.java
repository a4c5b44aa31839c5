package dev.carlink.command.rules;

import dev.carlink.command.task.TaskService;
import dev.carlink.command.task.TaskType;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Set;

/**
 * Commands that keep failing. Counted from the commands table itself (what is committed is the state, so a
 * restart loses nothing): the car's owner-requested commands that ended FAILED, REJECTED, TIMED_OUT or EXPIRED
 * within the window. So many of them opens a REPEATED_COMMAND_FAILURES task; so many of the same type from the
 * same owner (someone tapping "start A/C" again and again) opens an OWNER_RETRYING_FAILED_COMMAND task, so staff
 * can call before the owner does.
 */
final class CommandFailureRule {

    static final Set<String> FAILED = Set.of("FAILED", "REJECTED", "TIMED_OUT", "EXPIRED");

    private final RulesConfig.Repeats failures;
    private final RulesConfig.Repeats retries;
    private final TaskService tasks;

    CommandFailureRule(RulesConfig.Repeats failures, RulesConfig.Repeats retries, TaskService tasks) {
        this.failures = failures;
        this.retries = retries;
        this.tasks = tasks;
    }

    /** A failed command an owner asked for (the rules' own and the schedules' commands are not the owner's). */
    boolean concerns(JsonObject command) {
        String by = command.getString("requestedBy", "");
        return (failures.enabled() || retries.enabled())
                && FAILED.contains(command.getString("status"))
                && !by.startsWith("system:")
                && !by.startsWith("schedule");
    }

    void onCommand(Connection c, JsonObject command, Instant now, RuleEffects effects) throws SQLException {
        String vin = command.getString("vin");
        String type = command.getString("type");
        String by = command.getString("requestedBy");
        String what = type + " " + command.getString("status")
                + (command.getString("reasonCode") == null ? "" : " (" + command.getString("reasonCode") + ")");
        if (retries.enabled()) {
            int same = count(c, vin, type, by, now.minus(retries.window()));
            if (same >= retries.count()) {
                effects.task(tasks.raise(
                        c,
                        vin,
                        TaskType.OWNER_RETRYING_FAILED_COMMAND,
                        by + " tried " + type + " " + same + " times in "
                                + retries.window().toMinutes() + " min; last: " + what));
                return;
            }
        }
        if (failures.enabled()) {
            int all = count(c, vin, null, null, now.minus(failures.window()));
            if (all >= failures.count()) {
                effects.task(tasks.raise(
                        c,
                        vin,
                        TaskType.REPEATED_COMMAND_FAILURES,
                        all + " commands failed in " + failures.window().toMinutes() + " min; last: " + what));
            }
        }
    }

    private static int count(Connection c, String vin, String type, String requester, Instant since)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM command.commands WHERE vin = ? "
                + "AND status IN ('FAILED', 'REJECTED', 'TIMED_OUT', 'EXPIRED') AND updated_at >= ? "
                + "AND requested_by NOT LIKE 'system:%' AND requested_by NOT LIKE 'schedule%' "
                + "AND (?::text IS NULL OR type = ?) AND (?::text IS NULL OR requested_by = ?)")) {
            ps.setString(1, vin);
            ps.setTimestamp(2, Timestamp.from(since));
            ps.setString(3, type);
            ps.setString(4, type);
            ps.setString(5, requester);
            ps.setString(6, requester);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
