package dev.carlink.command.fatigue;

import dev.carlink.command.lifecycle.CommandService;
import dev.carlink.command.lifecycle.CommandSpec;
import dev.carlink.command.task.TaskService;
import dev.carlink.command.task.TaskType;
import dev.carlink.proto.v1.FatigueAlert;
import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.proto.v1.VehicleEvent;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/**
 * The first fatigue loop: an L2 warning from the car's driver monitoring is answered with an in-car
 * reminder; an L3 critical alert opens (or adds to) a HIGH service task so staff can call.
 */
public final class FatigueLoop {

    /** Who the loop's commands are requested by, in the audit trail. */
    public static final String REQUESTER = "system:fatigue";

    static final String REMINDER_TEXT =
            "You seem tired. Please take a break at the next rest area; a 20-minute stop helps.";

    private final CommandService commands;
    private final TaskService tasks;

    public FatigueLoop(CommandService commands, TaskService tasks) {
        this.commands = commands;
        this.tasks = tasks;
    }

    /** Sends the reminder; its id comes from the event so a redelivered event never sends a second one. */
    public Future<Void> onWarning(String vin, VehicleEvent event) {
        UUID id = UUID.nameUUIDFromBytes(
                ("fatigue-reminder/" + vin + "/" + event.getSeq()).getBytes(StandardCharsets.UTF_8));
        CommandSpec reminder = new CommandSpec.FatigueReminderSpec(FatigueLevel.FATIGUE_LEVEL_WARNING, REMINDER_TEXT);
        return commands.request(id, vin, reminder, REQUESTER).mapEmpty();
    }

    /** Inside the event's transaction: opens or appends to the car's critical-fatigue task. */
    public void onCritical(Connection c, String vin, VehicleEvent event) throws SQLException {
        FatigueAlert alert = event.getFatigueAlert();
        String trigger = "L3 critical fatigue (" + alert.getCause().name().replace("FATIGUE_CAUSE_", "") + ") after "
                + alert.getDrivingMinutes() + " min of driving";
        tasks.raise(c, vin, TaskType.DRIVER_FATIGUE_CRITICAL, trigger);
    }
}
