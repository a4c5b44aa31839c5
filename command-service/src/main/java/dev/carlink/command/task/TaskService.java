package dev.carlink.command.task;

import dev.carlink.command.account.Principal;
import dev.carlink.command.store.Db;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens proactive service tasks and runs the staff workflow on them. */
public final class TaskService {

    private static final Logger log = LoggerFactory.getLogger(TaskService.class);

    /** Outcome of a workflow step. */
    public record Step(Optional<TaskView> task, Problem problem, String message) {
        static Step ok(TaskView task) {
            return new Step(Optional.of(task), Problem.NONE, null);
        }

        static Step fail(Problem problem, String message) {
            return new Step(Optional.empty(), problem, message);
        }
    }

    /** Why a workflow step was refused. */
    public enum Problem {
        NONE,
        NOT_FOUND,
        CONFLICT
    }

    private final Db db;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final TaskRepository repository = new TaskRepository();

    public TaskService(Db db, Clock clock, MeterRegistry metrics) {
        this.db = db;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Inside the caller's transaction: opens a task of {@code type} for the car, or appends the trigger to
     * the open one. Returns the task id.
     */
    public long raise(Connection c, String vin, TaskType type, String trigger) throws SQLException {
        Instant now = clock.instant();
        long[] idAndNew = repository.openOrAppend(c, vin, type, now);
        repository.insertEntry(c, idAndNew[0], now, "TRIGGER", "system", trigger);
        boolean opened = idAndNew[1] == 1;
        metrics.counter("carlink.tasks.triggers", "type", type.name(), "opened", String.valueOf(opened))
                .increment();
        if (opened) {
            log.info("opened task [id: {}, vin: {}, type: {}]", idAndNew[0], vin, type);
        }
        return idAndNew[0];
    }

    public Future<List<TaskView>> list(List<TaskStatus> statuses, String vin, int limit) {
        List<String> names = statuses.stream().map(Enum::name).toList();
        return db.tx(c -> repository.list(c, names, vin, limit));
    }

    public Future<Optional<TaskView>> get(long id) {
        return db.tx(c -> repository.find(c, id, false).map(t -> withTimeline(c, t)));
    }

    public Future<Step> claim(long id, Principal staff) {
        return move(id, staff, TaskStatus.CLAIMED, null, null);
    }

    public Future<Step> resolve(long id, Principal staff, String outcome, String note) {
        return move(id, staff, TaskStatus.RESOLVED, outcome, note);
    }

    public Future<Step> dismiss(long id, Principal staff, String outcome, String note) {
        return move(id, staff, TaskStatus.DISMISSED, outcome, note);
    }

    private Future<Step> move(long id, Principal staff, TaskStatus to, String outcome, String note) {
        return db.tx(c -> {
            Optional<TaskView> found = repository.find(c, id, true);
            if (found.isEmpty()) {
                return Step.fail(Problem.NOT_FOUND, "no task " + id);
            }
            TaskView task = found.get();
            if (!to.canFollow(task.status())) {
                return Step.fail(Problem.CONFLICT, "task " + id + " is " + task.status() + "; cannot move to " + to);
            }
            boolean claimedByOther = task.assignee() != null && !task.assignee().equals(staff.username());
            if (to == TaskStatus.RESOLVED && claimedByOther) {
                return Step.fail(Problem.CONFLICT, "task " + id + " is claimed by " + task.assignee());
            }
            Instant now = clock.instant();
            String assignee = to == TaskStatus.CLAIMED ? staff.username() : task.assignee();
            repository.updateStatus(c, id, to, assignee, outcome, now);
            String text = to + (outcome == null ? "" : ": " + outcome);
            repository.insertEntry(c, id, now, "STATUS", staff.username(), text);
            if (note != null && !note.isBlank()) {
                repository.insertEntry(c, id, now, "NOTE", staff.username(), note);
            }
            metrics.counter("carlink.tasks.transitions", "to", to.name()).increment();
            return Step.ok(withTimeline(c, repository.find(c, id, false).orElseThrow()));
        });
    }

    private TaskView withTimeline(Connection c, TaskView task) {
        try {
            return new TaskView(
                    task.id(),
                    task.vin(),
                    task.type(),
                    task.priority(),
                    task.status(),
                    task.assignee(),
                    task.outcome(),
                    task.occurrences(),
                    task.createdAt(),
                    task.updatedAt(),
                    task.slaDueAt(),
                    repository.timeline(c, task.id()));
        } catch (SQLException e) {
            throw new IllegalStateException("task timeline not readable", e);
        }
    }
}
