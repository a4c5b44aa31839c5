package dev.carlink.command.event;

import dev.carlink.command.rules.RuleEffects;
import dev.carlink.command.rules.ServiceRules;
import dev.carlink.command.schedule.ScheduleSync;
import dev.carlink.command.store.Db;
import dev.carlink.command.vehicle.VehicleService;
import dev.carlink.proto.bus.v1.VehicleEventIngest;
import dev.carlink.proto.v1.VehicleEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Stores each event a car sends, once, and hands it to what acts on it: the service rules (fatigue ladder, skipped
 * schedules) and the reports of schedules the car runs itself. A task an event opens is written in the same
 * transaction as the event; an in-car reminder is a command with an id derived from the event, so a redelivered
 * event never acts twice and a retried one still acts. A fatigue alert of a car whose owner did not opt in to the
 * fatigue service is acknowledged and not kept.
 */
public final class VehicleEventService {

    /** The longest a car may promise to stay asleep: a day. */
    static final int MAX_CHECK_IN_S = 86_400;

    private final Db db;
    private final VehicleService vehicles;
    private Consumer<String> presenceChanged = vin -> {};
    private final ServiceRules rules;
    private final ScheduleSync schedules;
    private final MeterRegistry metrics;
    private final VehicleEventRepository repository = new VehicleEventRepository();

    /** 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z: the times an event may carry. */
    static final long EARLIEST_MS = 946_684_800_000L;

    static final long LATEST_MS = 4_102_444_800_000L;

    public VehicleEventService(
            Db db, VehicleService vehicles, ServiceRules rules, ScheduleSync schedules, MeterRegistry metrics) {
        this.db = db;
        this.vehicles = vehicles;
        this.rules = rules;
        this.schedules = schedules;
        this.metrics = metrics;
    }

    /** Hears the VIN of a car whose announced sleep was just stored. */
    public void onPresenceChanged(Consumer<String> listener) {
        this.presenceChanged = listener;
    }

    /** Fails with IllegalArgumentException for an event that can never be stored (bad content). */
    public Future<Void> ingest(VehicleEventIngest ingest) {
        VehicleEvent event = ingest.getEvent();
        if (event.getTimestampMs() <= 0) {
            return Future.failedFuture(new IllegalArgumentException("timestamp_ms must be set"));
        }
        if (event.getTimestampMs() < EARLIEST_MS || event.getTimestampMs() >= LATEST_MS) {
            // a time no car can have meant; refused for good, never retried (found by the fuzz run)
            return Future.failedFuture(new IllegalArgumentException(
                    "timestamp_ms must be between 2000-01-01 and 2100-01-01, was " + event.getTimestampMs()));
        }
        if (event.getSeq() <= 0) {
            return Future.failedFuture(new IllegalArgumentException("seq must be positive"));
        }
        if (event.getKindCase() == VehicleEvent.KindCase.KIND_NOT_SET) {
            return Future.failedFuture(new IllegalArgumentException("event kind is not set"));
        }
        if (event.hasScheduleRun()) {
            try {
                ScheduleSync.validate(event.getScheduleRun());
            } catch (IllegalArgumentException e) {
                return Future.failedFuture(e);
            }
        }
        if (event.hasSleepStarted()) {
            int checkIn = event.getSleepStarted().getCheckInS();
            if (checkIn < 1 || checkIn > MAX_CHECK_IN_S) {
                return Future.failedFuture(new IllegalArgumentException("sleep_started.check_in_s must be 1.."
                        + MAX_CHECK_IN_S + ", was " + Integer.toUnsignedString(checkIn)));
            }
        }
        String vin = ingest.getVin();
        String kind = event.getKindCase().name().toLowerCase(Locale.ROOT);
        RuleEffects effects = ServiceRules.effects();
        return db.tx(c -> {
                    if (event.hasFatigueAlert() && !rules.servesFatigue(c, vin)) {
                        // driver monitoring is personal data: not kept for a car whose owner did not opt in
                        return Stored.NOT_WANTED;
                    }
                    boolean stored = repository.insert(
                            c,
                            vin,
                            event.getSeq(),
                            Instant.ofEpochMilli(event.getTimestampMs()),
                            Instant.ofEpochMilli(ingest.getReceivedAtMs()),
                            kind,
                            event.toByteArray());
                    if (!stored) {
                        return Stored.DUPLICATE;
                    }
                    if (event.hasSleepStarted()) {
                        // the backend's clock, not the car's: compared with the gateway's connect times
                        Instant received = Instant.ofEpochMilli(ingest.getReceivedAtMs());
                        vehicles.recordSleep(
                                c,
                                vin,
                                received,
                                received.plusSeconds(event.getSleepStarted().getCheckInS()));
                    }
                    if (event.hasScheduleRun()) {
                        schedules.onCarReport(
                                c, vin, event.getScheduleRun(), Instant.ofEpochMilli(ingest.getReceivedAtMs()));
                    }
                    return new Stored(true, true, rules.onEvent(c, vin, event, effects));
                })
                .compose(stored -> {
                    metrics.counter(
                                    "carlink.events.received",
                                    "kind",
                                    kind,
                                    "outcome",
                                    !stored.wanted() ? "not-opted-in" : stored.fresh() ? "stored" : "duplicate")
                            .increment();
                    rules.apply(effects);
                    if (stored.fresh() && event.hasSleepStarted()) {
                        presenceChanged.accept(vin);
                    }
                    return stored.reminder().isPresent()
                            ? rules.sendReminder(vin, stored.reminder().get())
                            : Future.<Void>succeededFuture();
                });
    }

    /** What the transaction did with an event, and the reminder it asks for. */
    private record Stored(boolean fresh, boolean wanted, Optional<UUID> reminder) {
        static final Stored DUPLICATE = new Stored(false, true, Optional.empty());
        static final Stored NOT_WANTED = new Stored(false, false, Optional.empty());
    }
}
