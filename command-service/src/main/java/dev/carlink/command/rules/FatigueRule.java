package dev.carlink.command.rules;

import dev.carlink.command.task.TaskService;
import dev.carlink.command.task.TaskType;
import dev.carlink.proto.v1.FatigueAlert;
import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.proto.v1.VehicleEvent;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The fatigue ladder of VISION.md, run on the events of cars whose owner opted in. L1 (advisory) is noted. L2
 * (warning) is answered with an in-car reminder. L3 (critical) opens a HIGH task: when the car says so (eyes
 * closed 3 s and more), on a second L2 within the repeat window (30 min), or when the reminder of an L2 is not
 * acknowledged within the acknowledgement timeout (60 s). The ladder resets when the car has been parked for
 * the reset time (20 min). Its state is in {@code command.rule_state}, so a restart forgets neither a pending
 * acknowledgement nor the last warning.
 */
public final class FatigueRule {

    static final String RULE = "fatigue";

    /** Who the loop's commands are requested by, in the audit trail. */
    public static final String REQUESTER = "system:fatigue";

    static final String REMINDER_TEXT =
            "You seem tired. Please take a break at the next rest area; a 20-minute stop helps.";

    private final RulesConfig.Fatigue config;
    private final TaskService tasks;
    private final RuleStateStore states;
    private final OwnerAlerts alerts;

    FatigueRule(RulesConfig.Fatigue config, TaskService tasks, RuleStateStore states, OwnerAlerts alerts) {
        this.config = config;
        this.tasks = tasks;
        this.states = states;
        this.alerts = alerts;
    }

    /** Whether the cloud fatigue service runs for this car: the rule is on and the owner opted in. */
    boolean serves(Connection c, String vin) throws SQLException {
        if (!config.enabled()) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT fatigue_opt_in FROM command.vehicles WHERE vin = ?")) {
            ps.setString(1, vin);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** The reminder an L2 warning is answered with; its id comes from the event, so a redelivery sends none. */
    static UUID reminderId(String vin, long seq) {
        return UUID.nameUUIDFromBytes(("fatigue-reminder/" + vin + "/" + seq).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Inside the transaction that stored the event (only a first delivery gets here). Returns the reminder to
     * send once committed, if any.
     */
    Optional<UUID> onEvent(Connection c, String vin, VehicleEvent event, Instant now, RuleEffects effects)
            throws SQLException {
        JsonObject state = states.lock(c, vin, RULE).orElseGet(JsonObject::new);
        Optional<UUID> reminder = Optional.empty();
        long at = event.getTimestampMs();
        switch (event.getKindCase()) {
            case FATIGUE_ALERT -> {
                FatigueAlert alert = event.getFatigueAlert();
                if (alert.getLevel() == FatigueLevel.FATIGUE_LEVEL_ADVISORY) {
                    state.put("lastAdvisoryMs", at);
                } else if (alert.getLevel() == FatigueLevel.FATIGUE_LEVEL_WARNING) {
                    Long last = state.getLong("lastWarningMs");
                    reminder = Optional.of(reminderId(vin, event.getSeq()));
                    if (last != null && at - last <= config.repeatWindow().toMillis() && at >= last) {
                        critical(
                                c,
                                vin,
                                "a second L2 warning " + ((at - last) / 60_000) + " min after the first",
                                now,
                                effects);
                        state.remove("pendingReminder");
                        state.remove("ackDueMs");
                    } else {
                        state.put("pendingReminder", reminder.get().toString());
                        state.put(
                                "ackDueMs",
                                now.plus(config.acknowledgeTimeout()).toEpochMilli());
                    }
                    state.put("lastWarningMs", at);
                } else if (alert.getLevel() == FatigueLevel.FATIGUE_LEVEL_CRITICAL) {
                    critical(
                            c,
                            vin,
                            "L3 critical fatigue from the car ("
                                    + alert.getCause().name().replace("FATIGUE_CAUSE_", "") + ") after "
                                    + alert.getDrivingMinutes() + " min of driving",
                            now,
                            effects);
                }
            }
            case REMINDER_ACKNOWLEDGED -> {
                if (event.getReminderAcknowledged().getCommandId().equals(state.getString("pendingReminder"))) {
                    state.remove("pendingReminder");
                    state.remove("ackDueMs");
                }
            }
            case TRIP_CHANGED -> {
                if (event.getTripChanged().getStarted()) {
                    state.remove("parkedResetMs");
                } else {
                    state.put("parkedResetMs", now.plus(config.parkedReset()).toEpochMilli());
                }
            }
            default -> {
                return reminder;
            }
        }
        save(c, vin, state, now);
        return reminder;
    }

    /** What is due: an unacknowledged reminder escalates; a car parked long enough starts the ladder again. */
    void onDue(Connection c, String vin, Instant now, RuleEffects effects) throws SQLException {
        Optional<JsonObject> found = states.lock(c, vin, RULE);
        if (found.isEmpty()) {
            return;
        }
        JsonObject state = found.get();
        Long ackDue = state.getLong("ackDueMs");
        if (ackDue != null && ackDue <= now.toEpochMilli()) {
            state.remove("pendingReminder");
            state.remove("ackDueMs");
            critical(
                    c,
                    vin,
                    "the L2 reminder was not acknowledged within "
                            + config.acknowledgeTimeout().toSeconds() + " s",
                    now,
                    effects);
        }
        Long parked = state.getLong("parkedResetMs");
        if (parked != null && parked <= now.toEpochMilli()) {
            states.delete(c, vin, RULE);
            return;
        }
        save(c, vin, state, now);
    }

    private void critical(Connection c, String vin, String why, Instant now, RuleEffects effects) throws SQLException {
        effects.task(tasks.raise(c, vin, TaskType.DRIVER_FATIGUE_CRITICAL, why));
        effects.alert(alerts.insert(
                c,
                vin,
                "FATIGUE_CRITICAL",
                "The driver showed critical fatigue. Our service team will call; please take a break now.",
                now));
    }

    private void save(Connection c, String vin, JsonObject state, Instant now) throws SQLException {
        Long ackDue = state.getLong("ackDueMs");
        Long parked = state.getLong("parkedResetMs");
        Instant due = null;
        if (ackDue != null && parked != null) {
            due = Instant.ofEpochMilli(Math.min(ackDue, parked));
        } else if (ackDue != null) {
            due = Instant.ofEpochMilli(ackDue);
        } else if (parked != null) {
            due = Instant.ofEpochMilli(parked);
        }
        states.save(c, vin, RULE, state, due, now);
    }
}
