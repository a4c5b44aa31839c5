package dev.carlink.command.schedule;

import dev.carlink.command.lifecycle.FieldError;
import dev.carlink.command.state.TelemetryClient;
import dev.carlink.command.store.Db;
import dev.carlink.proto.ScheduleRules;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owners' A/C schedules: create, replace, delete, read, and their decided occurrences. Every change bumps the
 * car's schedule version in the same transaction, under a lock on the car's row, re-plans the next
 * occurrence with a lead time from the car's latest temperatures, and once committed sends the car its new
 * schedules ({@link ScheduleSync}).
 */
public final class ScheduleService {

    /** Cars hold a few schedules (a weekday commute, a weekend, a trip). */
    public static final int MAX_SCHEDULES_PER_VEHICLE = 10;

    private static final Logger log = LoggerFactory.getLogger(ScheduleService.class);

    /** A car's schedules and the version of that set. */
    public record Listing(String vin, long version, List<ScheduleView> schedules) {}

    private final Db db;
    private final TelemetryClient telemetry;
    private final ScheduleCalculator calculator;
    private final Clock clock;
    private final ScheduleSync sync;
    private final ScheduleRepository repository = new ScheduleRepository();

    public ScheduleService(
            Db db, TelemetryClient telemetry, ScheduleCalculator calculator, Clock clock, ScheduleSync sync) {
        this.db = db;
        this.telemetry = telemetry;
        this.calculator = calculator;
        this.clock = clock;
        this.sync = sync;
    }

    /**
     * Stores a new schedule. Fails with {@link TooManySchedulesException} when the car holds the most it may,
     * and with {@link FieldError} when the schedule has no occurrence left; nothing is stored then.
     */
    public Future<ScheduleView> create(String vin, ScheduleSpec spec, String createdBy) {
        return leadTime(vin, spec)
                .compose(lead -> db.tx(c -> {
                    requireVehicle(c, vin);
                    if (repository.count(c, vin) >= MAX_SCHEDULES_PER_VEHICLE) {
                        throw new TooManySchedulesException(vin, MAX_SCHEDULES_PER_VEHICLE);
                    }
                    Instant now = clock.instant();
                    UUID id = UUID.randomUUID();
                    long version = repository.bumpVersion(c, vin);
                    ScheduleView created = planned(
                            new ScheduleView(id, vin, spec, version, createdBy, now, now, null, null), now, lead);
                    repository.insert(c, created);
                    log.info("schedule created [vin: {}, schedule: {}, version: {}]", vin, id, version);
                    return created;
                }))
                .onSuccess(created -> sync.changed(vin));
    }

    /** Replaces a schedule's fields and re-plans it; empty when the car has no such schedule. */
    public Future<Optional<ScheduleView>> update(String vin, UUID id, ScheduleSpec spec) {
        return leadTime(vin, spec)
                .compose(lead -> db.tx(c -> {
                    requireVehicle(c, vin);
                    Optional<ScheduleView> current = repository.find(c, vin, id, true);
                    if (current.isEmpty()) {
                        return Optional.<ScheduleView>empty();
                    }
                    Instant now = clock.instant();
                    Instant after = repository
                            .lastOccurrence(c, id)
                            .filter(last -> last.isAfter(now))
                            .orElse(now);
                    long version = repository.bumpVersion(c, vin);
                    ScheduleView old = current.get();
                    ScheduleView updated = planned(
                            new ScheduleView(id, vin, spec, version, old.createdBy(), old.createdAt(), now, null, null),
                            after,
                            lead);
                    repository.update(c, updated);
                    log.info("schedule replaced [vin: {}, schedule: {}, version: {}]", vin, id, version);
                    return Optional.of(updated);
                }))
                .onSuccess(updated -> updated.ifPresent(u -> sync.changed(vin)));
    }

    /** Deletes a schedule and its history; false when the car has no such schedule. */
    public Future<Boolean> delete(String vin, UUID id) {
        return db.tx(c -> {
                    requireVehicle(c, vin);
                    if (!repository.delete(c, vin, id)) {
                        return false;
                    }
                    long version = repository.bumpVersion(c, vin);
                    log.info("schedule deleted [vin: {}, schedule: {}, version: {}]", vin, id, version);
                    return true;
                })
                .onSuccess(deleted -> {
                    if (deleted) {
                        sync.changed(vin);
                    }
                });
    }

    public Future<Listing> list(String vin) {
        return db.tx(c -> new Listing(vin, repository.version(c, vin), repository.list(c, vin)));
    }

    public Future<Optional<ScheduleView>> find(String vin, UUID id) {
        return db.tx(c -> repository.find(c, vin, id, false));
    }

    /** The schedule's decided occurrences, latest first; empty when the car has no such schedule. */
    public Future<Optional<List<FireRecord>>> fires(String vin, UUID id, int limit) {
        return db.tx(c -> {
            if (repository.find(c, vin, id, false).isEmpty()) {
                return Optional.<List<FireRecord>>empty();
            }
            return Optional.of(repository.fires(c, id, limit));
        });
    }

    /** The lead time from the car's latest temperatures; a conservative one when telemetry cannot tell. */
    private Future<Duration> leadTime(String vin, ScheduleSpec spec) {
        return telemetry
                .latest(vin)
                .otherwise(failure -> {
                    log.debug("no latest state for planning, assuming the conservative gap [vin: {}]", vin);
                    return Optional.empty();
                })
                .map(state -> {
                    VehicleFacts facts = VehicleFacts.of(false, state);
                    return ScheduleRules.leadTime(facts.cabinC(), facts.exteriorC(), spec.targetTemperatureC());
                });
    }

    /** The schedule with its next occurrence after {@code after}, or none while disabled. */
    private ScheduleView planned(ScheduleView s, Instant after, Duration lead) {
        if (!s.spec().enabled()) {
            return s;
        }
        ScheduleCalculator.NextRun next = calculator
                .plan(s.spec(), after, lead)
                .orElseThrow(() -> new FieldError(
                        s.spec().recurrence() instanceof Recurrence.Once ? "date" : "readyBy",
                        "this schedule has no occurrence left after " + after + "; choose a later date or time"));
        return new ScheduleView(
                s.id(),
                s.vin(),
                s.spec(),
                s.version(),
                s.createdBy(),
                s.createdAt(),
                s.updatedAt(),
                next.readyBy(),
                next.startAt());
    }

    /** Locks the car's row so its schedule changes are serialised; the caller has checked that it exists. */
    private void requireVehicle(Connection c, String vin) throws SQLException {
        OptionalLong version = repository.lockVersion(c, vin);
        if (version.isEmpty()) {
            throw new IllegalStateException("no vehicle " + vin);
        }
    }
}
