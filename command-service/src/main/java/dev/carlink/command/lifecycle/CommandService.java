package dev.carlink.command.lifecycle;

import dev.carlink.command.signing.CommandSigner;
import dev.carlink.command.signing.SigningKeyRetiredException;
import dev.carlink.command.state.TelemetryClient;
import dev.carlink.command.store.Db;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.CommandTransportAck;
import dev.carlink.proto.bus.v1.LatestState;
import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.CommandResult;
import dev.carlink.proto.v1.ReasonCode;
import dev.carlink.proto.v1.SignedCommand;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable command lifecycle: checks, stores, dispatches through the gateway, and moves each command
 * by the gateway's receipts, the car's results and deadlines. Every change is stored with its cause
 * before anyone is told, and published on {@link #UPDATES_ADDRESS} for live streams.
 */
public final class CommandService {

    /** Local publish of a command's JSON view after each stored change. */
    public static final String UPDATES_ADDRESS = "carlink.command-service.command-updated";

    private static final Logger log = LoggerFactory.getLogger(CommandService.class);
    private static final int SWEEP_BATCH = 500;
    /** Audit actors besides users and cars ("vehicle:VIN"). */
    private static final String CLOUD = "cloud";

    private static final String GATEWAY = "gateway";

    /** VISION: at most two consecutive remote starts without a drive, so a parked car's battery is not drained. */
    public static final int MAX_REMOTE_STARTS_WITHOUT_DRIVE = 2;

    /**
     * A request's outcome: the stored command, and the cloud's refusal when it was refused. {@code
     * existing} is true when a command with the requested id was already stored (nothing new happened).
     */
    public record Created(CommandRecord command, Optional<Refusal> refusal, boolean existing) {}

    private final Vertx vertx;
    private final Db db;
    private final TelemetryClient telemetry;
    private final CloudPreconditions preconditions;
    private final Duration deliveryTimeout;
    private final Duration resultTimeout;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final CommandSigner signer;
    private final CommandRepository repository = new CommandRepository();
    private final List<ResultHook> resultHooks = new CopyOnWriteArrayList<>();

    /**
     * Hears a car's answer that moved a command, inside the transaction that stores it, so what it writes
     * is committed with the answer or not at all.
     */
    @FunctionalInterface
    public interface ResultHook {
        void moved(Connection c, CommandRecord command) throws SQLException;
    }

    public CommandService(
            Vertx vertx,
            Db db,
            TelemetryClient telemetry,
            CloudPreconditions preconditions,
            Duration deliveryTimeout,
            Duration resultTimeout,
            Clock clock,
            MeterRegistry metrics,
            CommandSigner signer) {
        this.vertx = vertx;
        this.db = db;
        this.telemetry = telemetry;
        this.preconditions = preconditions;
        this.deliveryTimeout = deliveryTimeout;
        this.resultTimeout = resultTimeout;
        this.clock = clock;
        this.metrics = metrics;
        this.signer = signer;
    }

    /** Adds a hook that hears every car answer that moved a command. */
    public void addResultHook(ResultHook hook) {
        resultHooks.add(hook);
    }

    /** {@link #request(UUID, String, CommandSpec, Delivery, String)} with the type's default delivery. */
    public Future<Created> request(UUID id, String vin, CommandSpec spec, String requestedBy) {
        return request(id, vin, spec, Delivery.defaults(spec.type()), requestedBy);
    }

    /**
     * Checks the cloud's preconditions on the latest state, stores the command (QUEUED, or REJECTED with
     * the reason) and, when queued, dispatches it. It waits for an offline car until {@code delivery}'s
     * window ends, or is refused at once when the request asked to fail fast.
     */
    public Future<Created> request(UUID id, String vin, CommandSpec spec, Delivery delivery, String requestedBy) {
        Future<Optional<Refusal>> offline = delivery.failIfOffline()
                ? db.tx(c -> repository.isOnline(c, vin)
                        ? Optional.<Refusal>empty()
                        : Optional.of(new Refusal(
                                ReasonCode.REASON_CODE_OFFLINE_FAIL_FAST,
                                "the car is not connected and the request asked to fail fast")))
                : Future.succeededFuture(Optional.empty());
        return offline.compose(fast -> fast.isPresent() ? Future.succeededFuture(fast) : checkPreconditions(vin, spec))
                .compose(refusal -> store(id, vin, spec, delivery, requestedBy, refusal));
    }

    private Future<Created> store(
            UUID id, String vin, CommandSpec spec, Delivery delivery, String requestedBy, Optional<Refusal> refusal) {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(delivery.window());
        CommandRecord record = new CommandRecord(
                id,
                vin,
                spec.type(),
                spec.params(),
                refusal.isPresent() ? CommandStatus.REJECTED : CommandStatus.QUEUED,
                refusal.map(Refusal::code).orElse(null),
                refusal.map(Refusal::detail).orElse(null),
                requestedBy,
                now,
                now,
                expiresAt,
                expiresAt,
                List.of());
        String cause =
                refusal.isPresent() ? "refused by the cloud: " + refusal.get().detail() : "requested by " + requestedBy;
        return db.tx(c -> repository.insert(c, record, requestedBy, cause)
                        ? Optional.<CommandRecord>empty()
                        : repository.find(c, id, false))
                .map(existing -> {
                    if (existing.isPresent()) {
                        return new Created(existing.get(), Optional.empty(), true);
                    }
                    CommandRecord stored = record;
                    metrics.counter(
                                    "carlink.commands.created",
                                    "type",
                                    spec.type().name())
                            .increment();
                    refusal.ifPresent(
                            r -> metrics.counter("carlink.commands.rejected", "by", "cloud", "reason", r.code())
                                    .increment());
                    publishUpdate(stored);
                    if (refusal.isEmpty()) {
                        dispatch(stored);
                    }
                    return new Created(stored, refusal, false);
                });
    }

    private Future<Optional<Refusal>> checkPreconditions(String vin, CommandSpec spec) {
        if (spec instanceof CommandSpec.SterilizationStartSpec sterilization) {
            return telemetry
                    .latest(vin)
                    .map(state -> preconditions.sterilization(sterilization, state, clock.instant()));
        }
        if (spec instanceof CommandSpec.ClimateStartSpec climate) {
            Future<Optional<Refusal>> charge = climate.allowLowCharge()
                    ? Future.succeededFuture(Optional.empty())
                    : telemetry.latest(vin).map(state -> preconditions.climate(climate, state));
            return charge.compose(refusal -> refusal.isPresent() ? Future.succeededFuture(refusal) : remoteStarts(vin));
        }
        return Future.succeededFuture(Optional.empty());
    }

    /** At most {@link #MAX_REMOTE_STARTS_WITHOUT_DRIVE} remote climate starts without a drive in between. */
    private Future<Optional<Refusal>> remoteStarts(String vin) {
        return db.tx(c -> {
            Instant since = repository.lastDrive(c, vin).orElse(Instant.EPOCH);
            int starts = repository.climateStartsSince(c, vin, since);
            return starts >= MAX_REMOTE_STARTS_WITHOUT_DRIVE
                    ? Optional.of(new Refusal(
                            ReasonCode.REASON_CODE_TOO_MANY_REMOTE_STARTS,
                            starts + " remote climate starts since the car was last driven; drive it before the next"))
                    : Optional.<Refusal>empty();
        });
    }

    /** A command with its transitions, if it exists and belongs to {@code vin}. */
    public Future<Optional<CommandRecord>> find(String vin, UUID id) {
        return db.tx(c -> {
            Optional<CommandRecord> found =
                    repository.find(c, id, false).filter(r -> r.vin().equals(vin));
            if (found.isEmpty()) {
                return found;
            }
            return Optional.of(found.get().withTransitions(repository.transitions(c, id)));
        });
    }

    /** The audit trail, newest first; {@code vin} null for every car; {@code beforeId} for the next page. */
    public Future<List<AuditEntry>> audit(String vin, long beforeId, int limit) {
        return db.tx(c -> repository.audit(c, vin, beforeId, limit));
    }

    public Future<List<CommandRecord>> recent(String vin, int limit) {
        return db.tx(c -> repository.recent(c, vin, limit));
    }

    /**
     * Signs a command for its car and hands it to the gateway holding the car's session. No session: it
     * stays where it is (QUEUED) and is sent when the car comes online, or expires at its deadline. Every
     * send is signed anew, with the car's next counter and a fresh short validity.
     */
    public void dispatch(CommandRecord record) {
        Command.Builder command = Command.newBuilder()
                .setId(record.id().toString())
                .setVin(record.vin())
                .setIssuedAtMs(record.createdAt().toEpochMilli())
                .setExpiresAtMs(record.expiresAt().toEpochMilli());
        CommandSpec.fromStored(record.type(), record.params()).applyTo(command);
        db.tx(c -> signer.sign(c, command))
                .onSuccess(signed -> send(record, signed))
                .onFailure(failure -> {
                    if (failure instanceof SigningKeyRetiredException) {
                        transition(
                                record.id(),
                                CommandStatus.REJECTED,
                                ReasonCodes.name(ReasonCode.REASON_CODE_SIGNING_KEY_RETIRED),
                                failure.getMessage(),
                                record.deadlineAt(),
                                CLOUD,
                                "refused by the cloud: no key the car trusts");
                    } else {
                        log.warn(
                                "command not signed, it stays where it is [vin: {}, command: {}, cause: {}]",
                                record.vin(),
                                record.id(),
                                failure.getMessage());
                    }
                });
    }

    private void send(CommandRecord record, SignedCommand signed) {
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(deliveryTimeout.toMillis());
        vertx.eventBus()
                .<Buffer>request(BusAddress.commandDelivery(record.vin()), Buffer.buffer(signed.toByteArray()), options)
                .onSuccess(receipt -> transition(
                        record.id(),
                        CommandStatus.SENT,
                        null,
                        null,
                        clock.instant().plus(resultTimeout),
                        GATEWAY,
                        sentCause(signed.getKeyId())))
                .onFailure(failure -> {
                    if (isOffline(failure)) {
                        log.debug("vehicle offline, command waits [vin: {}, command: {}]", record.vin(), record.id());
                    } else {
                        log.warn(
                                "command not handed to the gateway, it stays queued [vin: {}, command: {}, cause: {}]",
                                record.vin(),
                                record.id(),
                                failure.getMessage());
                    }
                });
    }

    private static boolean isOffline(Throwable failure) {
        return failure instanceof ReplyException e
                && (e.failureType() == ReplyFailure.NO_HANDLERS || e.failureCode() == 404);
    }

    /**
     * A car just became reachable: sends its queued commands, and again those sent before it went away
     * that it never answered (a gateway or the car may have restarted in between; the car executes each id
     * at most once and answers a repeat with its earlier result). Oldest first.
     */
    public Future<Integer> onVehicleOnline(String vin) {
        return db.tx(c -> repository.undelivered(c, vin, clock.instant())).map(open -> {
            open.forEach(this::dispatch);
            if (!open.isEmpty()) {
                log.info("sending open commands [vin: {}, count: {}]", vin, open.size());
            }
            return open.size();
        });
    }

    /** The car's transport acknowledged the command (MQTT PUBACK): DELIVERED. */
    public Future<Optional<CommandRecord>> onTransportAck(CommandTransportAck ack) {
        UUID id;
        try {
            id = UUID.fromString(ack.getCommandId());
        } catch (IllegalArgumentException e) {
            return Future.succeededFuture(Optional.empty());
        }
        Instant deadline = clock.instant().plus(resultTimeout);
        return db.tx(c -> {
                    Optional<CommandRecord> current = repository.find(c, id, true);
                    if (current.isEmpty()) {
                        return Optional.<CommandRecord>empty();
                    }
                    CommandRecord command = current.get();
                    if (command.status() == CommandStatus.QUEUED
                            && !ack.getKeyId().isEmpty()) {
                        // the car's acknowledgement overtook the gateway's delivery receipt: the send happened
                        // first, record it first (the receipt, when it comes, changes nothing)
                        command = apply(
                                        c,
                                        command,
                                        CommandStatus.SENT,
                                        null,
                                        null,
                                        deadline,
                                        GATEWAY,
                                        sentCause(ack.getKeyId()))
                                .orElse(command);
                    }
                    return apply(
                            c,
                            command,
                            CommandStatus.DELIVERED,
                            null,
                            null,
                            deadline,
                            GATEWAY,
                            "car's transport acknowledged");
                })
                .map(this::published)
                .onFailure(e -> log.error("command transition not stored [command: {}, to: DELIVERED]", id, e));
    }

    private static String sentCause(String keyId) {
        return "signed with key " + keyId + " and written to the car's session";
    }

    /**
     * The car's answer. Fails with {@link UnknownCommandException} when the command does not exist or
     * belongs to another car; a result that cannot move the command (a duplicate) is accepted and ignored.
     */
    public Future<Optional<CommandRecord>> onResult(String vin, CommandResult result) {
        UUID id;
        try {
            id = UUID.fromString(result.getCommandId());
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(
                    new UnknownCommandException("command_id is not a UUID: " + result.getCommandId()));
        }
        String reason = ReasonCodes.name(result.getReason());
        String detail = result.getDetail().isEmpty() ? null : result.getDetail();
        return db.tx(c -> {
                    Optional<CommandRecord> current = repository.find(c, id, true);
                    if (current.isEmpty() || !current.get().vin().equals(vin)) {
                        throw new UnknownCommandException("no command " + id + " for vehicle " + vin);
                    }
                    CommandRecord command = current.get();
                    if (!result.getTrustedKeyId().isEmpty() && signer.recordTrusted(c, vin, result.getTrustedKeyId())) {
                        log.info(
                                "vehicle trusts a newer signing key [vin: {}, keyId: {}]",
                                vin,
                                result.getTrustedKeyId());
                    }
                    CommandStatus to;
                    Instant deadline = command.deadlineAt();
                    switch (result.getStatus()) {
                        case COMMAND_OUTCOME_IN_PROGRESS -> {
                            to = CommandStatus.IN_PROGRESS;
                            CommandSpec spec = CommandSpec.fromStored(command.type(), command.params());
                            Duration allowance = spec instanceof CommandSpec.SterilizationStartSpec s
                                    ? s.runAllowance()
                                    : resultTimeout;
                            deadline = clock.instant().plus(allowance);
                        }
                        case COMMAND_OUTCOME_SUCCEEDED -> to = CommandStatus.SUCCEEDED;
                        case COMMAND_OUTCOME_FAILED -> to = CommandStatus.FAILED;
                        case COMMAND_OUTCOME_REJECTED -> to = CommandStatus.REJECTED;
                        default ->
                            throw new UnknownCommandException(
                                    "result status must be IN_PROGRESS, SUCCEEDED, FAILED or REJECTED, was "
                                            + result.getStatus());
                    }
                    List<CommandRecord> steps = new ArrayList<>(impliedByAnswer(c, command, vin));
                    CommandRecord answered = steps.isEmpty() ? command : steps.get(steps.size() - 1);
                    String cause = "car answered " + to + (reason == null ? "" : " (" + reason + ")");
                    Optional<CommandRecord> moved =
                            apply(c, answered, to, reason, detail, deadline, "vehicle:" + vin, cause);
                    if (moved.isPresent()) {
                        steps.add(moved.get());
                        for (ResultHook hook : resultHooks) {
                            hook.moved(c, moved.get());
                        }
                    }
                    return steps;
                })
                .map(steps -> {
                    steps.forEach(step -> published(Optional.of(step)));
                    return steps.isEmpty() ? Optional.<CommandRecord>empty() : Optional.of(steps.get(steps.size() - 1));
                });
    }

    /**
     * The steps a car's answer proves, when their own receipts have not been stored yet: a car that answers
     * was sent the command, and its transport took it. Without this, an answer that overtakes the gateway's
     * receipts (they travel separately) would leave SENT or DELIVERED out of the command's history.
     */
    private List<CommandRecord> impliedByAnswer(java.sql.Connection c, CommandRecord command, String vin)
            throws java.sql.SQLException {
        List<CommandRecord> steps = new ArrayList<>();
        CommandRecord current = command;
        for (CommandStatus step : List.of(CommandStatus.SENT, CommandStatus.DELIVERED)) {
            if (!step.canFollow(current.status())) {
                continue;
            }
            Optional<CommandRecord> moved = apply(
                    c,
                    current,
                    step,
                    null,
                    null,
                    current.deadlineAt(),
                    "vehicle:" + vin,
                    "implied by the car's answer, which arrived before the "
                            + (step == CommandStatus.SENT ? "gateway's receipt" : "transport acknowledgement"));
            if (moved.isPresent()) {
                steps.add(moved.get());
                current = moved.get();
            }
        }
        return steps;
    }

    /**
     * Moves commands past their deadline: QUEUED ones EXPIRED, sent ones TIMED_OUT ("may have
     * succeeded"; a late answer from the car still settles them).
     */
    public Future<Integer> sweep() {
        Instant now = clock.instant();
        redispatchStuck(now);
        return db.tx(c -> repository.pastDeadline(c, now, SWEEP_BATCH)).compose(ids -> {
            List<Future<Optional<CommandRecord>>> moves =
                    ids.stream().map(id -> settle(id, now)).toList();
            return Future.join(moves).map(done -> (int) moves.stream()
                    .filter(f -> f.succeeded() && f.result().isPresent())
                    .count());
        });
    }

    /** One command past its deadline: EXPIRED, TIMED_OUT, or SUCCEEDED when the car's telemetry proves it acted. */
    private Future<Optional<CommandRecord>> settle(UUID id, Instant now) {
        return db.tx(c -> repository.find(c, id, false))
                .compose(found -> {
                    if (found.isEmpty()
                            || found.get().status() == CommandStatus.QUEUED
                            || !found.get().status().isActive()) {
                        return Future.succeededFuture(Optional.<LatestState>empty());
                    }
                    CommandType type = found.get().type();
                    return type == CommandType.CLIMATE_START || type == CommandType.CLIMATE_STOP
                            ? telemetry.latest(found.get().vin()).otherwise(Optional.empty())
                            : Future.succeededFuture(Optional.<LatestState>empty());
                })
                .compose(state -> db.tx(c -> {
                    Optional<CommandRecord> current = repository.find(c, id, true);
                    if (current.isEmpty()
                            || !current.get().status().isActive()
                            || current.get().deadlineAt().isAfter(now)) {
                        return Optional.<CommandRecord>empty();
                    }
                    CommandRecord command = current.get();
                    if (command.status() == CommandStatus.QUEUED) {
                        return apply(
                                c,
                                command,
                                CommandStatus.EXPIRED,
                                "EXPIRED",
                                "the car did not connect before " + command.expiresAt(),
                                command.deadlineAt(),
                                CLOUD,
                                "delivery deadline passed");
                    }
                    Optional<String> proof = TelemetryEvidence.proves(command, state);
                    if (proof.isPresent()) {
                        return apply(
                                c,
                                command,
                                CommandStatus.SUCCEEDED,
                                null,
                                proof.get() + " (the car sent no result)",
                                command.deadlineAt(),
                                CLOUD,
                                "result deadline passed; reconciled with telemetry");
                    }
                    return apply(
                            c,
                            command,
                            CommandStatus.TIMED_OUT,
                            "NO_RESULT",
                            "no result from the car in time; it may have succeeded",
                            command.deadlineAt(),
                            CLOUD,
                            "result deadline passed");
                }))
                .map(this::published);
    }

    /** Hands again to the gateway the queued commands of online cars that it did not take the first time. */
    private void redispatchStuck(Instant now) {
        db.tx(c -> repository.stuckQueued(c, now, now.minus(deliveryTimeout), SWEEP_BATCH))
                .onSuccess(stuck -> {
                    if (!stuck.isEmpty()) {
                        log.info("sending queued commands again [count: {}]", stuck.size());
                    }
                    stuck.forEach(this::dispatch);
                })
                .onFailure(e -> log.warn("queued commands not re-read [cause: {}]", e.getMessage()));
    }

    private Future<Optional<CommandRecord>> transition(
            UUID id, CommandStatus to, String reason, String detail, Instant deadline, String actor, String cause) {
        return db.tx(c -> {
                    Optional<CommandRecord> current = repository.find(c, id, true);
                    if (current.isEmpty()) {
                        return Optional.<CommandRecord>empty();
                    }
                    return apply(c, current.get(), to, reason, detail, deadline, actor, cause);
                })
                .map(this::published)
                .onFailure(e -> log.error("command transition not stored [command: {}, to: {}]", id, to, e));
    }

    /** Stores one transition if the lifecycle allows it; empty when it does not (a late or repeated step). */
    private Optional<CommandRecord> apply(
            java.sql.Connection c,
            CommandRecord current,
            CommandStatus to,
            String reason,
            String detail,
            Instant deadline,
            String actor,
            String cause)
            throws java.sql.SQLException {
        if (!to.canFollow(current.status())) {
            log.debug(
                    "ignored transition [command: {}, from: {}, to: {}, cause: {}]",
                    current.id(),
                    current.status(),
                    to,
                    cause);
            return Optional.empty();
        }
        Instant now = clock.instant();
        CommandRecord next = new CommandRecord(
                current.id(),
                current.vin(),
                current.type(),
                current.params(),
                to,
                reason,
                detail,
                current.requestedBy(),
                current.createdAt(),
                now,
                current.expiresAt(),
                deadline,
                List.of());
        repository.update(c, next);
        repository.insertTransition(
                c, current.id(), new CommandRecord.Transition(current.status(), to, now, actor, cause, reason, detail));
        return Optional.of(next);
    }

    private Optional<CommandRecord> published(Optional<CommandRecord> changed) {
        changed.ifPresent(record -> {
            metrics.counter(
                            "carlink.commands.transitions",
                            "to",
                            record.status().name())
                    .increment();
            if (record.status() == CommandStatus.REJECTED && record.reasonCode() != null) {
                metrics.counter("carlink.commands.rejected", "by", "car", "reason", record.reasonCode())
                        .increment();
            }
            publishUpdate(record);
        });
        return changed;
    }

    private void publishUpdate(CommandRecord record) {
        vertx.eventBus().publish(UPDATES_ADDRESS, record.toJson());
    }
}
