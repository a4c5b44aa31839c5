package dev.carlink.command.rules;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.command.lifecycle.CommandService;
import dev.carlink.command.lifecycle.CommandSpec;
import dev.carlink.command.schedule.ScheduleSync;
import dev.carlink.command.schedule.SkipReason;
import dev.carlink.command.store.Db;
import dev.carlink.command.task.TaskService;
import dev.carlink.command.task.TaskType;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.LatestState;
import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.proto.v1.ScheduleRun;
import dev.carlink.proto.v1.VehicleEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proactive-service rules, evaluated on the live stream: vehicle events (in the transaction that stores
 * them), the latest telemetry state of each car, command outcomes, presence and schedule skips. Each rule's state
 * is committed with the decision it leads to; what must only follow a commit (the live queue, owner alerts,
 * commands) is collected in {@link RuleEffects} and applied after it. A tick looks at what is due on its own
 * (unacknowledged warnings, long-parked cars, silent cars), escalates tasks past their SLA, and deletes fatigue
 * events past their retention.
 */
public final class ServiceRules {

    private static final Logger log = LoggerFactory.getLogger(ServiceRules.class);
    private static final int DUE_BATCH = 200;
    private static final Duration RETENTION_EVERY = Duration.ofMinutes(10);

    /** Skip reasons that mean the schedule could not run (the others are the owner's own doing: driving, away). */
    static final Set<SkipReason> NOT_RUN =
            Set.of(SkipReason.VEHICLE_OFFLINE, SkipReason.SOC_TOO_LOW, SkipReason.MISSED);

    private final Vertx vertx;
    private final Db db;
    private final RulesConfig config;
    private final CommandService commands;
    private final TaskService tasks;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final RuleStateStore states = new RuleStateStore();
    private final OwnerAlerts alerts;
    private final FatigueRule fatigue;
    private final HotCabinRule hotCabin;
    private final SterilizationRule sterilization;
    private final CommandFailureRule failures;
    private final List<MessageConsumer<?>> consumers = new ArrayList<>();
    private long timer = -1;
    private boolean ticking;
    private Instant nextRetention = Instant.EPOCH;

    public ServiceRules(
            Vertx vertx,
            Db db,
            RulesConfig config,
            CommandService commands,
            TaskService tasks,
            Clock clock,
            MeterRegistry metrics) {
        this.vertx = vertx;
        this.db = db;
        this.config = config;
        this.commands = commands;
        this.tasks = tasks;
        this.clock = clock;
        this.metrics = metrics;
        this.alerts = new OwnerAlerts(vertx);
        this.fatigue = new FatigueRule(config.fatigue(), tasks, states, alerts);
        this.hotCabin = new HotCabinRule(config.hotCabin(), tasks, states, alerts);
        this.sterilization = new SterilizationRule(config.sterilization(), tasks, states);
        this.failures = new CommandFailureRule(config.commandFailures(), config.ownerRetries(), tasks);
    }

    /** Reads what the rules committed before (cars in a hot-cabin emergency), subscribes, starts the tick. */
    public Future<Void> start() {
        return db.tx(c -> {
                    List<String> vins = new ArrayList<>();
                    try (PreparedStatement ps =
                            c.prepareStatement("SELECT vin FROM command.rule_state WHERE rule = ?")) {
                        ps.setString(1, HotCabinRule.RULE);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                vins.add(rs.getString(1));
                            }
                        }
                    }
                    return vins;
                })
                .map(vins -> {
                    hotCabin.remember(vins);
                    consumers.add(vertx.eventBus().<Buffer>consumer(BusAddress.TELEMETRY_STATE_CHANGED, msg -> {
                        try {
                            onState(LatestState.parseFrom(msg.body().getBytes()));
                        } catch (InvalidProtocolBufferException e) {
                            log.warn("unreadable state on the bus, ignored [cause: {}]", e.getMessage());
                        }
                    }));
                    consumers.add(vertx.eventBus()
                            .<JsonObject>localConsumer(CommandService.UPDATES_ADDRESS, msg -> onCommand(msg.body())));
                    timer = vertx.setPeriodic(config.interval().toMillis(), id -> tick());
                    log.info(
                            "service rules running [cars in a hot-cabin emergency: {}, rules: {}]",
                            vins.size(),
                            config);
                    return null;
                });
    }

    public Future<Void> stop() {
        vertx.cancelTimer(timer);
        return Future.join(consumers.stream().map(MessageConsumer::unregister).toList())
                .mapEmpty();
    }

    /** Whether the car's fatigue events are wanted at all (rule on, owner opted in). In the event's transaction. */
    public boolean servesFatigue(Connection c, String vin) throws SQLException {
        return fatigue.serves(c, vin);
    }

    /**
     * Inside the transaction that stored a car's event for the first time. Returns the in-car reminder to send once
     * committed, if any; {@code effects} collects the rest.
     */
    public Optional<UUID> onEvent(Connection c, String vin, VehicleEvent event, RuleEffects effects)
            throws SQLException {
        try {
            return decide(c, vin, event, effects);
        } catch (RuntimeException e) {
            // a rule's bug must not make the car's event a poison message: the event is stored, the rule skipped
            metrics.counter("carlink.rules.failures", "rule", "event").increment();
            log.error(
                    "rule failed on an event; the event is stored, the rule skipped [vin: {}, seq: {}]",
                    vin,
                    event.getSeq(),
                    e);
            return Optional.empty();
        }
    }

    private Optional<UUID> decide(Connection c, String vin, VehicleEvent event, RuleEffects effects)
            throws SQLException {
        Instant now = clock.instant();
        switch (event.getKindCase()) {
            case FATIGUE_ALERT, REMINDER_ACKNOWLEDGED, TRIP_CHANGED -> {
                if (fatigue.serves(c, vin)) {
                    return fatigue.onEvent(c, vin, event, now, effects);
                }
            }
            case SCHEDULE_RUN -> {
                ScheduleRun run = event.getScheduleRun();
                if (!run.getStarted()
                        && config.scheduleNotRun()
                        && NOT_RUN.contains(ScheduleSync.skipReason(run.getSkipReason()))) {
                    scheduleSkipped(
                            c,
                            vin,
                            "the car skipped the scheduled A/C: "
                                    + run.getSkipReason().name().replace("REASON_CODE_", "")
                                    + (run.getDetail().isEmpty() ? "" : " (" + run.getDetail() + ")"),
                            effects);
                }
            }
            default -> {}
        }
        return Optional.empty();
    }

    /** A fresh collector for a caller's transaction. */
    public static RuleEffects effects() {
        return new RuleEffects();
    }

    /** Applies what a committed transaction decided: live queue, owner alerts, commands. */
    public void apply(RuleEffects effects) {
        effects.after.forEach(Runnable::run);
        effects.tasks.forEach(tasks::announce);
        effects.alerts.forEach(alert -> {
            alerts.publish(alert);
            metrics.counter("carlink.owner.alerts", "kind", alert.kind()).increment();
        });
        for (RuleEffects.Request request : effects.requests) {
            commands.request(request.id(), request.vin(), request.spec(), request.requester())
                    .onSuccess(created -> log.info(
                            "rule requested a command [vin: {}, command: {}, by: {}, status: {}]",
                            request.vin(),
                            request.id(),
                            request.requester(),
                            created.command().status()))
                    .onFailure(e -> log.warn(
                            "rule's command not stored [vin: {}, command: {}, cause: {}]",
                            request.vin(),
                            request.id(),
                            e.getMessage()));
        }
    }

    /** The fatigue reminder for an L2 warning, requested once the event committed. */
    public Future<Void> sendReminder(String vin, UUID id) {
        CommandSpec reminder =
                new CommandSpec.FatigueReminderSpec(FatigueLevel.FATIGUE_LEVEL_WARNING, FatigueRule.REMINDER_TEXT);
        return commands.request(id, vin, reminder, FatigueRule.REQUESTER).mapEmpty();
    }

    /** The cloud scheduler skipped an occurrence. */
    public void onScheduleSkipped(String vin, SkipReason reason, String detail) {
        if (config.scheduleNotRun() && NOT_RUN.contains(reason)) {
            run(
                    "schedule",
                    (c, fx) -> scheduleSkipped(
                            c, vin, "scheduled A/C skipped by the cloud: " + reason + " (" + detail + ")", fx));
        }
    }

    private void scheduleSkipped(Connection c, String vin, String why, RuleEffects effects) throws SQLException {
        effects.task(tasks.raise(c, vin, TaskType.SCHEDULE_NOT_RUN, why));
    }

    /** Presence changed (applied): a car that went silent in the middle of a sterilization is watched. */
    public void onPresence(String vin, boolean online) {
        Instant now = clock.instant();
        run("presence", (c, fx) -> {
            if (online) {
                sterilization.onOnline(c, vin);
            } else {
                sterilization.onOffline(c, vin, now);
            }
        });
    }

    private void onState(LatestState state) {
        if (!hotCabin.concerns(state)) {
            return;
        }
        Instant now = clock.instant();
        run("hot-cabin", (c, fx) -> hotCabin.onState(c, state, now, fx));
    }

    private void onCommand(JsonObject command) {
        Instant now = clock.instant();
        if (sterilization.concerns(command)) {
            run("sterilization", (c, fx) -> sterilization.onCommand(c, command, fx));
        }
        if (failures.concerns(command)) {
            run("command-failures", (c, fx) -> failures.onCommand(c, command, now, fx));
        }
    }

    /** Looks at what is due, escalates overdue tasks, and now and then applies the fatigue retention. */
    void tick() {
        if (ticking) {
            return;
        }
        ticking = true;
        Instant now = clock.instant();
        Future<Void> due = db.tx(c -> states.due(c, now, DUE_BATCH)).compose(list -> {
            List<Future<Void>> each = new ArrayList<>();
            for (RuleStateStore.Due d : list) {
                each.add(run(d.rule(), (c, fx) -> {
                    switch (d.rule()) {
                        case FatigueRule.RULE -> fatigue.onDue(c, d.vin(), now, fx);
                        case SterilizationRule.RULE -> sterilization.onDue(c, d.vin(), now, fx);
                        default ->
                            states.save(
                                    c,
                                    d.vin(),
                                    d.rule(),
                                    states.lock(c, d.vin(), d.rule()).orElseGet(JsonObject::new),
                                    null,
                                    now);
                    }
                }));
            }
            return Future.join(each).mapEmpty();
        });
        Future<Integer> escalated = due.transform(done -> tasks.escalateOverdue());
        escalated
                .compose(n -> now.isBefore(nextRetention) ? Future.succeededFuture(0) : retention(now))
                .onComplete(done -> {
                    ticking = false;
                    if (done.failed()) {
                        log.warn(
                                "rules tick failed, retrying next round [cause: {}]",
                                done.cause().getMessage());
                    }
                });
    }

    /** Deletes fatigue events older than the retention: driver-monitoring data is kept no longer than needed. */
    Future<Integer> retention(Instant now) {
        nextRetention = now.plus(RETENTION_EVERY);
        Instant before = now.minus(config.fatigue().eventRetention());
        return db.tx(c -> {
                    try (PreparedStatement ps = c.prepareStatement(
                            "DELETE FROM command.vehicle_events WHERE kind = 'fatigue_alert' AND ts < ?")) {
                        ps.setTimestamp(1, Timestamp.from(before));
                        return ps.executeUpdate();
                    }
                })
                .onSuccess(deleted -> {
                    if (deleted > 0) {
                        metrics.counter("carlink.rules.fatigue.events.deleted").increment(deleted);
                        log.info(
                                "deleted fatigue events past their retention [count: {}, before: {}]", deleted, before);
                    }
                });
    }

    /** A rule's work in a transaction of its own, its effects applied once committed. */
    private Future<Void> run(String rule, RuleWork work) {
        RuleEffects effects = new RuleEffects();
        return db.tx(c -> {
                    work.run(c, effects);
                    return null;
                })
                .<Void>mapEmpty()
                .onSuccess(done -> apply(effects))
                .onFailure(e -> {
                    metrics.counter("carlink.rules.failures", "rule", rule).increment();
                    log.warn("rule failed, its state unchanged [rule: {}, cause: {}]", rule, e.getMessage());
                });
    }

    @FunctionalInterface
    private interface RuleWork {
        void run(Connection c, RuleEffects effects) throws SQLException;
    }
}
