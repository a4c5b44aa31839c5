package dev.carlink.command.schedule;

import dev.carlink.command.CommandServiceConfig;
import dev.carlink.command.lifecycle.CommandRecord;
import dev.carlink.command.lifecycle.CommandService;
import dev.carlink.command.lifecycle.CommandSpec;
import dev.carlink.command.lifecycle.CommandStatus;
import dev.carlink.command.state.TelemetryClient;
import dev.carlink.command.store.Db;
import dev.carlink.proto.ScheduleRules;
import dev.carlink.proto.bus.v1.LatestState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires due schedule occurrences, safely from any number of instances sharing the database.
 *
 * <p>A round claims due schedules ({@code FOR UPDATE SKIP LOCKED}, so instances take disjoint sets without
 * waiting) with a lease, then decides each occurrence on the car's facts. The decision is stored first, in
 * {@code schedule_fires} whose primary key (schedule, occurrence) admits one decision per occurrence ever;
 * a FIRED decision then creates its CLIMATE_START through {@link CommandService#request} with an id derived
 * from the schedule and the occurrence, so a retry (this instance, or another after the lease lapsed) finds
 * the same command instead of making a second. Only then is the schedule advanced to its next occurrence.
 * An instance that dies anywhere in between leaves the claim to lapse; the next one completes the work.
 */
public final class Scheduler {

    /** Rounds at most this many full batches in one tick, so a backlog cannot hold a tick forever. */
    static final int MAX_BATCHES_PER_TICK = 50;

    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

    private final Db db;
    private final TelemetryClient telemetry;
    private final CommandService commands;
    private final FireRules rules;
    private final ScheduleCalculator calculator;
    private final CommandServiceConfig.Schedules settings;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Timer lateness;
    private final ScheduleRepository repository = new ScheduleRepository();
    private final AtomicBoolean running = new AtomicBoolean();
    private java.util.function.BiConsumer<String, FireRecord> skipped = (vin, fire) -> {};

    public Scheduler(
            Db db,
            TelemetryClient telemetry,
            CommandService commands,
            FireRules rules,
            ScheduleCalculator calculator,
            CommandServiceConfig.Schedules settings,
            Clock clock,
            MeterRegistry metrics) {
        this.db = db;
        this.telemetry = telemetry;
        this.commands = commands;
        this.rules = rules;
        this.calculator = calculator;
        this.settings = settings;
        this.clock = clock;
        this.metrics = metrics;
        this.lateness = Timer.builder("carlink.schedules.fire.lateness")
                .description("how long after its planned start an occurrence fired")
                .publishPercentileHistogram()
                .register(metrics);
    }

    /** The id of the command an occurrence fires: the same for every instance and every retry. */
    public static UUID commandId(UUID scheduleId, Instant occurrence) {
        return ScheduleRules.commandId(scheduleId.toString(), occurrence);
    }

    /** The periodic entry point: runs rounds until no full batch is left, unless a tick is still running. */
    public void tick() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        drain(MAX_BATCHES_PER_TICK).onComplete(done -> {
            running.set(false);
            if (done.failed()) {
                log.warn(
                        "schedule round failed, retrying next tick [cause: {}]",
                        done.cause().getMessage());
            }
        });
    }

    private Future<Integer> drain(int batchesLeft) {
        return runOnce()
                .compose(claimed -> claimed == settings.batchSize() && batchesLeft > 1
                        ? drain(batchesLeft - 1).map(more -> claimed + more)
                        : Future.succeededFuture(claimed));
    }

    /**
     * One round: claims up to a batch of due occurrences and decides each. Completes with how many were
     * claimed; an occurrence whose work failed stays claimed until the lease lapses, then is retried.
     */
    public Future<Integer> runOnce() {
        Instant now = clock.instant();
        return db.tx(c -> repository.claimDue(c, now, now.plus(settings.claimLease()), settings.batchSize()))
                .compose(claimed -> {
                    List<Future<Void>> work = claimed.stream()
                            .map(one -> process(one).recover(failure -> {
                                log.warn(
                                        "schedule occurrence not settled, retried when its claim lapses "
                                                + "[schedule: {}, vin: {}, cause: {}]",
                                        one.schedule().id(),
                                        one.schedule().vin(),
                                        failure.toString());
                                return Future.succeededFuture();
                            }))
                            .toList();
                    return Future.join(work).map(done -> claimed.size());
                });
    }

    private Future<Void> process(ScheduleRepository.Claimed claimed) {
        ScheduleView schedule = claimed.schedule();
        Instant now = clock.instant();
        boolean held = claimed.heldByCar();
        // A missed occurrence, or one the car decides, needs no facts; its state only helps plan the next one.
        Future<Optional<LatestState>> state = held || rules.isMissed(schedule.nextRunAt(), now)
                ? telemetry.latest(schedule.vin()).otherwise(Optional.empty())
                : telemetry.latest(schedule.vin());
        return state.compose(latest -> {
            VehicleFacts facts = VehicleFacts.of(claimed.online(), latest);
            FireRules.Decision decision =
                    rules.decide(schedule.nextRunAt(), now, schedule.spec().location(), facts, held);
            Duration lead = ScheduleRules.leadTime(
                    facts.cabinC(), facts.exteriorC(), schedule.spec().targetTemperatureC());
            FireRecord fire = new FireRecord(
                    schedule.id(),
                    schedule.nextReadyBy(),
                    schedule.nextRunAt(),
                    now,
                    decision.outcome(),
                    decision.reason(),
                    decision.detail(),
                    decision.outcome() == FireOutcome.SKIPPED
                            ? Optional.empty()
                            : Optional.of(commandId(schedule.id(), schedule.nextReadyBy())));
            return db.tx(c -> record(c, fire, lead)).compose(recorded -> {
                if (recorded.isEmpty()) {
                    return Future.succeededFuture();
                }
                if (recorded.get().inserted()) {
                    counted(schedule.vin(), fire);
                }
                FireRecord decided = recorded.get().fire();
                return decided.outcome() == FireOutcome.FIRED
                        ? fire(schedule, decided, now, lead)
                        : Future.succeededFuture();
            });
        });
    }

    /**
     * Stores the decision unless this occurrence was decided before, by an instance or by the car's report
     * (then that decision stands) and, unless the cloud fires it, advances the schedule. Empty when the owner changed or deleted the schedule since the claim: the
     * occurrence is no longer wanted, and the re-planned one is claimed on its own.
     */
    private Optional<Recorded> record(Connection c, FireRecord fire, Duration lead) throws SQLException {
        Optional<ScheduleView> current = repository.lock(c, fire.scheduleId());
        if (current.isEmpty() || !fire.occurrence().equals(current.get().nextReadyBy())) {
            log.debug("schedule changed since it was claimed, occurrence dropped [schedule: {}]", fire.scheduleId());
            return Optional.empty();
        }
        boolean inserted = repository.insertFire(c, fire);
        FireRecord decided = inserted
                ? fire
                : repository
                        .findFire(c, fire.scheduleId(), fire.occurrence())
                        .orElseThrow(() -> new IllegalStateException("fire neither inserted nor found"));
        if (decided.outcome() != FireOutcome.FIRED) {
            advance(c, current.get(), fire.occurrence(), lead);
        }
        return Optional.of(new Recorded(decided, inserted));
    }

    /** The decision that stands for an occurrence, and whether this instance made it. */
    private record Recorded(FireRecord fire, boolean inserted) {}

    /** Creates (or finds) the occurrence's command, then advances the schedule. */
    private Future<Void> fire(ScheduleView schedule, FireRecord decided, Instant now, Duration lead) {
        UUID commandId = decided.commandId().orElseThrow();
        CommandSpec spec = new CommandSpec.ClimateStartSpec(
                schedule.spec().targetTemperatureC(), ScheduleRules.runMinutes(decided.occurrence(), now), false);
        return commands.request(commandId, schedule.vin(), spec, "schedule:" + schedule.id())
                .compose(created -> db.tx(c -> {
                    CommandRecord command = created.command();
                    if (command.status() == CommandStatus.REJECTED) {
                        repository.appendFireDetail(
                                c,
                                schedule.id(),
                                decided.occurrence(),
                                "the command was rejected: " + command.reasonCode());
                    }
                    Optional<ScheduleView> current = repository.lock(c, schedule.id());
                    if (current.isPresent()) {
                        advance(c, current.get(), decided.occurrence(), lead);
                    }
                    log.debug(
                            "schedule fired [schedule: {}, vin: {}, command: {}, existing: {}]",
                            schedule.id(),
                            schedule.vin(),
                            commandId,
                            created.existing());
                    return null;
                }));
    }

    /** Moves the schedule past {@code occurrence}, unless the owner already re-planned it. */
    private void advance(Connection c, ScheduleView current, Instant occurrence, Duration lead) throws SQLException {
        if (!occurrence.equals(current.nextReadyBy())) {
            return;
        }
        Optional<ScheduleCalculator.NextRun> next = calculator.plan(current.spec(), occurrence, lead);
        if (next.isEmpty()) {
            log.info("one-time schedule done, disabled [schedule: {}, vin: {}]", current.id(), current.vin());
        }
        repository.advance(
                c,
                current.id(),
                next.map(ScheduleCalculator.NextRun::readyBy).orElse(null),
                next.map(ScheduleCalculator.NextRun::startAt).orElse(null),
                next.isPresent());
    }

    /** Hears every occurrence this scheduler skipped (once, when first decided): the car's VIN and the decision. */
    public void onSkipped(java.util.function.BiConsumer<String, FireRecord> listener) {
        this.skipped = listener;
    }

    private void counted(String vin, FireRecord fire) {
        metrics.counter(
                        "carlink.schedules.fires",
                        "outcome",
                        fire.outcome().name(),
                        "reason",
                        fire.reason().map(Enum::name).orElse("none"))
                .increment();
        if (fire.outcome() == FireOutcome.SKIPPED) {
            skipped.accept(vin, fire);
        }
        if (fire.outcome() == FireOutcome.FIRED) {
            lateness.record(fire.lateness());
        } else if (fire.reason().filter(SkipReason.MISSED::equals).isPresent()) {
            log.warn(
                    "schedule occurrence missed [schedule: {}, occurrence: {}, detail: {}]",
                    fire.scheduleId(),
                    fire.occurrence(),
                    fire.detail());
        }
    }
}
