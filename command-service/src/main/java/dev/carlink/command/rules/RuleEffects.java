package dev.carlink.command.rules;

import dev.carlink.command.lifecycle.CommandSpec;
import dev.carlink.command.task.TaskView;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What a rule decided inside a transaction and what must happen only once it committed: tasks to show in the live
 * queue, alerts to push to the owner, commands to request. Collected while the transaction runs; {@link
 * ServiceRules} applies them after the commit, so nothing is announced that was rolled back.
 */
public final class RuleEffects {

    /** A command a rule asks for, under an id that makes a retried decision ask only once. */
    record Request(UUID id, String vin, CommandSpec spec, String requester) {}

    final List<TaskView> tasks = new ArrayList<>();
    final List<OwnerAlerts.Alert> alerts = new ArrayList<>();
    final List<Request> requests = new ArrayList<>();
    final List<Runnable> after = new ArrayList<>();

    void task(TaskView task) {
        tasks.add(task);
    }

    void alert(OwnerAlerts.Alert alert) {
        alerts.add(alert);
    }

    void request(UUID id, String vin, CommandSpec spec, String requester) {
        requests.add(new Request(id, vin, spec, requester));
    }

    /** Something to do in memory once committed (a cache that mirrors the committed state). */
    void after(Runnable action) {
        after.add(action);
    }

    boolean isEmpty() {
        return tasks.isEmpty() && alerts.isEmpty() && requests.isEmpty() && after.isEmpty();
    }
}
