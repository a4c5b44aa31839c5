package dev.carlink.command.task;

import dev.carlink.command.account.Principal;
import dev.carlink.command.store.Db;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens proactive service tasks and runs the staff workflow on them. Every change is published, once committed,
 * on {@link #CHANGED_ADDRESS} (the task as JSON, without its timeline) for the staff console's live queue.
 */
public final class TaskService {

    private static final Logger log = LoggerFactory.getLogger(TaskService.class);

    /** Local event-bus address of committed task changes (JSON of {@link TaskView#toJson()}). */
    public static final String CHANGED_ADDRESS = "carlink.tasks.changed";

    /** The occurrence at which a repeat makes a task one priority more urgent (once). */
    static final int REPEATS_TO_RAISE = 3;

    /** Previous tasks shown with a task. */
    static final int PREVIOUS_TASKS = 20;

    private static final int ESCALATION_BATCH = 200;

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

    private final Vertx vertx;
    private final Db db;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final TaskRepository repository = new TaskRepository();

    public TaskService(Vertx vertx, Db db, Clock clock, MeterRegistry metrics) {
        this.vertx = vertx;
        this.db = db;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Inside the caller's transaction: opens a task of {@code type} for the car, or appends the trigger to the
     * open one (the third occurrence raises its priority one step). Returns the task as it is now; the caller
     * hands it to {@link #announce} once its transaction committed.
     */
    public TaskView raise(Connection c, String vin, TaskType type, String trigger) throws SQLException {
        Instant now = clock.instant();
        long[] idAndNew = repository.openOrAppend(c, vin, type, now);
        long id = idAndNew[0];
        repository.insertEntry(c, id, now, "TRIGGER", "system", trigger);
        boolean opened = idAndNew[1] == 1;
        TaskView task = repository.find(c, id, false).orElseThrow();
        if (!opened && task.occurrences() == REPEATS_TO_RAISE && task.priority() != TaskType.Priority.URGENT) {
            TaskType.Priority raised = task.priority().raised();
            repository.updatePriority(c, id, raised, now);
            repository.insertEntry(
                    c,
                    id,
                    now,
                    "PRIORITY",
                    "system",
                    task.priority() + " -> " + raised + ": occurred " + REPEATS_TO_RAISE + " times");
            task = repository.find(c, id, false).orElseThrow();
        }
        metrics.counter("carlink.tasks.triggers", "type", type.name(), "opened", String.valueOf(opened))
                .increment();
        if (opened) {
            log.info("opened task [id: {}, vin: {}, type: {}, priority: {}]", id, vin, type, task.priority());
        }
        return task;
    }

    /** {@link #raise} in a transaction of its own, announced once committed. */
    public Future<TaskView> raise(String vin, TaskType type, String trigger) {
        return db.tx(c -> raise(c, vin, type, trigger)).onSuccess(this::announce);
    }

    /** Publishes a committed change to the live queue. */
    public void announce(TaskView task) {
        vertx.eventBus().publish(CHANGED_ADDRESS, task.withTimeline(List.of()).toJson());
    }

    public Future<List<TaskView>> list(List<TaskStatus> statuses, String vin, int limit) {
        List<String> names = statuses.stream().map(Enum::name).toList();
        return db.tx(c -> repository.list(c, names, vin, limit));
    }

    public Future<Optional<TaskView>> get(long id) {
        return db.tx(c -> repository.find(c, id, false).map(t -> withTimeline(c, t)));
    }

    /** A task as the console shows it: with its timeline, the owner's contact and the car's previous tasks. */
    public Future<Optional<JsonObject>> detail(long id) {
        return db.tx(c -> {
            Optional<TaskView> found = repository.find(c, id, false);
            if (found.isEmpty()) {
                return Optional.<JsonObject>empty();
            }
            TaskView task = withTimeline(c, found.get());
            JsonObject json = task.toJson();
            if (!json.containsKey("timeline")) {
                json.put("timeline", new JsonArray());
            }
            repository
                    .ownerOf(c, task.vin())
                    .ifPresent(owner -> json.put(
                            "owner",
                            new JsonObject()
                                    .put("username", owner.username())
                                    .put("displayName", owner.displayName())
                                    .put("phone", owner.phone())
                                    .put("email", owner.email())));
            JsonArray previous = new JsonArray();
            repository.ofVehicle(c, task.vin(), id, PREVIOUS_TASKS).forEach(t -> previous.add(t.toJson()));
            json.put("previousTasks", previous);
            return Optional.of(json);
        });
    }

    /** Whether the car has an open task of this type (read in the caller's transaction). */
    public boolean hasOpen(Connection c, String vin, TaskType type) throws SQLException {
        return repository.hasOpen(c, vin, type);
    }

    public Future<Step> claim(long id, Principal staff) {
        return move(id, staff, TaskStatus.CLAIMED, null, null);
    }

    /** The assignee starts working on a claimed task. */
    public Future<Step> start(long id, Principal staff) {
        return move(id, staff, TaskStatus.IN_PROGRESS, null, null);
    }

    public Future<Step> resolve(long id, Principal staff, String outcome, String note) {
        return move(id, staff, TaskStatus.RESOLVED, outcome, note);
    }

    public Future<Step> dismiss(long id, Principal staff, String outcome, String note) {
        return move(id, staff, TaskStatus.DISMISSED, outcome, note);
    }

    /**
     * The owner rates a resolved task about their car (1 to 5 stars, an optional comment), once; staff see the
     * rating on the task and a RATING line in its timeline.
     */
    public Future<Step> rate(long id, String vin, String owner, int stars, String comment) {
        return db.tx(c -> {
                    Optional<TaskView> found = repository.find(c, id, true);
                    if (found.isEmpty() || !found.get().vin().equals(vin)) {
                        return Step.fail(Problem.NOT_FOUND, "no task " + id + " for vehicle " + vin);
                    }
                    if (found.get().status() != TaskStatus.RESOLVED) {
                        return Step.fail(
                                Problem.CONFLICT,
                                "task " + id + " is " + found.get().status() + "; only a resolved task can be rated");
                    }
                    Instant now = clock.instant();
                    if (!repository.rate(c, id, stars, comment, now)) {
                        return Step.fail(Problem.CONFLICT, "task " + id + " was rated already");
                    }
                    repository.insertEntry(
                            c, id, now, "RATING", owner, stars + "/5" + (comment == null ? "" : ": " + comment));
                    metrics.counter("carlink.tasks.ratings", "stars", String.valueOf(stars))
                            .increment();
                    return Step.ok(withTimeline(c, repository.find(c, id, false).orElseThrow()));
                })
                .onSuccess(this::announced);
    }

    /** A car's tasks as its owner sees them: newest first, without staff's timeline. */
    public Future<List<TaskView>> ofVehicle(String vin, int limit) {
        return db.tx(c -> repository.ofVehicle(c, vin, -1, limit));
    }

    /** Adds a note to a task's timeline, whatever its status. */
    public Future<Step> note(long id, Principal staff, String text) {
        return db.tx(c -> {
                    Optional<TaskView> found = repository.find(c, id, true);
                    if (found.isEmpty()) {
                        return Step.fail(Problem.NOT_FOUND, "no task " + id);
                    }
                    repository.insertEntry(c, id, clock.instant(), "NOTE", staff.username(), text);
                    return Step.ok(withTimeline(c, found.get()));
                })
                .onSuccess(this::announced);
    }

    /**
     * Escalates open tasks past their SLA: each once, one priority more urgent, with an ESCALATED line in its
     * timeline and {@code carlink.tasks.escalated}. Returns how many.
     */
    public Future<Integer> escalateOverdue() {
        Instant now = clock.instant();
        return db.tx(c -> {
                    List<TaskView> escalated = new ArrayList<>();
                    for (long[] row : repository.escalateOverdue(c, now, ESCALATION_BATCH)) {
                        TaskView task = repository.find(c, row[0], false).orElseThrow();
                        TaskType.Priority before = TaskType.Priority.values()[(int) row[1]];
                        repository.insertEntry(
                                c,
                                task.id(),
                                now,
                                "ESCALATED",
                                "system",
                                "SLA passed at " + task.slaDueAt()
                                        + (before == task.priority()
                                                ? "; already " + before
                                                : "; priority " + before + " -> " + task.priority()));
                        escalated.add(task);
                    }
                    return escalated;
                })
                .map(escalated -> {
                    for (TaskView task : escalated) {
                        metrics.counter(
                                        "carlink.tasks.escalated",
                                        "type",
                                        task.type().name())
                                .increment();
                        log.warn(
                                "task passed its SLA [id: {}, vin: {}, type: {}, status: {}, assignee: {}]",
                                task.id(),
                                task.vin(),
                                task.type(),
                                task.status(),
                                task.assignee());
                        announce(task);
                    }
                    return escalated.size();
                });
    }

    private Future<Step> move(long id, Principal staff, TaskStatus to, String outcome, String note) {
        return db.tx(c -> {
                    Optional<TaskView> found = repository.find(c, id, true);
                    if (found.isEmpty()) {
                        return Step.fail(Problem.NOT_FOUND, "no task " + id);
                    }
                    TaskView task = found.get();
                    if (!to.canFollow(task.status())) {
                        return Step.fail(
                                Problem.CONFLICT, "task " + id + " is " + task.status() + "; cannot move to " + to);
                    }
                    boolean claimedByOther =
                            task.assignee() != null && !task.assignee().equals(staff.username());
                    if ((to == TaskStatus.RESOLVED || to == TaskStatus.IN_PROGRESS) && claimedByOther) {
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
                    metrics.counter("carlink.tasks.transitions", "to", to.name())
                            .increment();
                    return Step.ok(withTimeline(c, repository.find(c, id, false).orElseThrow()));
                })
                .onSuccess(this::announced);
    }

    private void announced(Step step) {
        step.task().ifPresent(this::announce);
    }

    private TaskView withTimeline(Connection c, TaskView task) {
        try {
            return task.withTimeline(repository.timeline(c, task.id()));
        } catch (SQLException e) {
            throw new IllegalStateException("task timeline not readable", e);
        }
    }
}
