package dev.carlink.command.schedule;

import dev.carlink.command.lifecycle.CommandRecord;
import dev.carlink.command.lifecycle.CommandService;
import dev.carlink.command.lifecycle.CommandSpec;
import dev.carlink.command.lifecycle.CommandStatus;
import dev.carlink.command.lifecycle.CommandType;
import dev.carlink.command.store.Db;
import dev.carlink.proto.ScheduleRules;
import dev.carlink.proto.v1.ReasonCode;
import dev.carlink.proto.v1.ScheduleRun;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each car's copy of its schedules (versioned desired state) in step with the owner's, so the car runs
 * them while offline.
 *
 * <p>After every owner change, and whenever a car connects that does not hold the current version, the
 * car's enabled schedules go down as a signed {@code SCHEDULES_SYNC} command: durable, re-sent on
 * reconnection, expiring after an hour (the next connection sends a fresh one). The car answers SUCCEEDED
 * once it holds that version (or a newer one); the answer, in the transaction that stores it, raises
 * {@code vehicles.schedule_acked_version}. From then on the scheduler leaves the schedules of that version
 * to the car ({@link FireOutcome#CAR}), and the car's reports ({@code ScheduleRun} events) fill in what it
 * did.
 */
public final class ScheduleSync {

    /** Who the sync commands are requested by, in the audit trail. */
    static final String REQUESTER = "cloud:schedules";

    private static final Logger log = LoggerFactory.getLogger(ScheduleSync.class);
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

    private final Db db;
    private final CommandService commands;
    private final MeterRegistry metrics;
    private final ScheduleRepository repository = new ScheduleRepository();

    public ScheduleSync(Db db, CommandService commands, MeterRegistry metrics) {
        this.db = db;
        this.commands = commands;
        this.metrics = metrics;
        commands.addResultHook(this::onResult);
    }

    /**
     * Sends the car its current schedules. Completes with the command, or empty when the car never had
     * any schedule.
     */
    public Future<Optional<CommandRecord>> push(String vin) {
        return db.tx(c -> {
                    Optional<ScheduleRepository.SyncState> state = repository.syncState(c, vin);
                    if (state.isEmpty() || state.get().version() == 0) {
                        return Optional.<CommandSpec>empty();
                    }
                    JsonArray schedules = new JsonArray();
                    repository.list(c, vin).stream()
                            .filter(s -> s.spec().enabled())
                            .forEach(s -> schedules.add(toJson(s)));
                    return Optional.<CommandSpec>of(
                            new CommandSpec.ScheduleSetSpec(state.get().version(), schedules));
                })
                .compose(spec -> {
                    if (spec.isEmpty()) {
                        return Future.succeededFuture(Optional.<CommandRecord>empty());
                    }
                    return commands.request(UUID.randomUUID(), vin, spec.get(), REQUESTER)
                            .map(created -> {
                                log.debug(
                                        "schedules sent to the car [vin: {}, version: {}, command: {}]",
                                        vin,
                                        spec.get().params().getLong("version"),
                                        created.command().id());
                                return Optional.of(created.command());
                            });
                });
    }

    /**
     * After an owner change: sends the new version, logging (not failing) when it cannot; the car then gets it
     * when it next connects, and until it holds it the cloud fires the schedules itself.
     */
    public void changed(String vin) {
        push(vin)
                .onFailure(e -> log.warn(
                        "schedules not sent to the car, sent when it next connects [vin: {}, cause: {}]",
                        vin,
                        e.getMessage()));
    }

    /**
     * A car connected: sends its schedules if it does not hold the current version and no sync is on its way
     * (one still open is re-sent by the command lifecycle itself).
     */
    public Future<Boolean> onVehicleOnline(String vin) {
        return db.tx(c -> {
                    Optional<ScheduleRepository.SyncState> state = repository.syncState(c, vin);
                    return state.isPresent()
                            && state.get().ackedVersion() < state.get().version()
                            && !repository.hasOpenSync(c, vin);
                })
                .compose(behind -> behind ? push(vin).map(true) : Future.succeededFuture(false));
    }

    private void onResult(Connection c, CommandRecord command) throws SQLException {
        if (command.type() != CommandType.SCHEDULES_SYNC || command.status() != CommandStatus.SUCCEEDED) {
            return;
        }
        long version = command.params().getLong("version");
        if (repository.acknowledge(c, command.vin(), version)) {
            metrics.counter("carlink.schedules.synced").increment();
            log.info("car holds its schedules [vin: {}, version: {}]", command.vin(), version);
        }
    }

    /**
     * Validates a car's report of an occurrence it decided itself before anything is stored; throws
     * IllegalArgumentException naming the bad field.
     */
    public static void validate(ScheduleRun run) {
        UUID scheduleId;
        try {
            scheduleId = UUID.fromString(run.getScheduleId());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("schedule_run.schedule_id is not a UUID: " + run.getScheduleId());
        }
        if (run.getOccurrenceMs() <= 0 || run.getPlannedStartMs() <= 0) {
            throw new IllegalArgumentException("schedule_run.occurrence_ms and planned_start_ms must be set");
        }
        UUID expected = ScheduleRules.commandId(scheduleId.toString(), Instant.ofEpochMilli(run.getOccurrenceMs()));
        if (!expected.toString().equals(run.getCommandId())) {
            throw new IllegalArgumentException(
                    "schedule_run.command_id must be the occurrence's id " + expected + ", was " + run.getCommandId());
        }
        if (run.getStarted() != (run.getSkipReason() == ReasonCode.REASON_CODE_UNSPECIFIED)) {
            throw new IllegalArgumentException("schedule_run: a skip, and only a skip, has a skip_reason");
        }
    }

    /** Records a validated car report in the transaction that stores its event. */
    public void onCarReport(Connection c, String vin, ScheduleRun run, Instant receivedAt) throws SQLException {
        UUID scheduleId = UUID.fromString(run.getScheduleId());
        Optional<SkipReason> reason =
                run.getStarted() ? Optional.empty() : Optional.of(skipReason(run.getSkipReason()));
        String detail = run.getStarted()
                ? "the car started the A/C" + (run.getDetail().isEmpty() ? "" : ": " + run.getDetail())
                : "the car skipped it: "
                        + (run.getDetail().isEmpty() ? run.getSkipReason().name() : run.getDetail());
        boolean known = repository.recordCarRun(
                c,
                vin,
                scheduleId,
                Instant.ofEpochMilli(run.getOccurrenceMs()),
                Instant.ofEpochMilli(run.getPlannedStartMs()),
                reason,
                detail,
                UUID.fromString(run.getCommandId()),
                receivedAt);
        metrics.counter("carlink.schedules.car.reports", "started", String.valueOf(run.getStarted()))
                .increment();
        if (!known) {
            log.debug("car reported a schedule it no longer has [vin: {}, schedule: {}]", vin, scheduleId);
        }
    }

    /** The skip reason the owner sees for a car's refusal code. */
    public static SkipReason skipReason(ReasonCode code) {
        switch (code) {
            case REASON_CODE_LOW_CHARGE:
                return SkipReason.SOC_TOO_LOW;
            case REASON_CODE_VEHICLE_MOVING:
            case REASON_CODE_NOT_IN_PARK:
            case REASON_CODE_IGNITION_ON:
                return SkipReason.DRIVING;
            case REASON_CODE_NOT_AT_LOCATION:
                return SkipReason.NOT_AT_LOCATION;
            case REASON_CODE_EXPIRED:
                return SkipReason.MISSED;
            default:
                return SkipReason.REFUSED_BY_CAR;
        }
    }

    /** A schedule as the car gets it (see {@link CommandSpec.ScheduleSetSpec}). */
    static JsonObject toJson(ScheduleView s) {
        ScheduleSpec spec = s.spec();
        JsonObject json = new JsonObject()
                .put("id", s.id().toString())
                .put("readyBy", spec.readyBy().format(HH_MM))
                .put("timeZone", spec.timeZone().getId())
                .put("targetTemperatureC", spec.targetTemperatureC());
        if (spec.recurrence() instanceof Recurrence.Weekly weekly) {
            json.put("weekdayMask", weekly.mask());
        } else {
            json.put("date", ((Recurrence.Once) spec.recurrence()).date().toString());
        }
        spec.location()
                .ifPresent(l -> json.put(
                        "location",
                        new JsonObject()
                                .put("latitude", l.latitude())
                                .put("longitude", l.longitude())
                                .put("radiusM", l.radiusM())));
        return json;
    }
}
