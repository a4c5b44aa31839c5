package dev.carlink.command.event;

import dev.carlink.command.fatigue.FatigueLoop;
import dev.carlink.command.schedule.ScheduleSync;
import dev.carlink.command.store.Db;
import dev.carlink.proto.bus.v1.VehicleEventIngest;
import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.proto.v1.VehicleEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Locale;

/**
 * Stores each event a car sends, once, and hands it to the loops that act on it (fatigue, and the reports of
 * schedules the car runs itself). A task an event opens is
 * written in the same transaction as the event; an in-car reminder is a command with an id derived from the
 * event, so a redelivered event never acts twice and a retried one still acts.
 */
public final class VehicleEventService {

    private final Db db;
    private final FatigueLoop fatigue;
    private final ScheduleSync schedules;
    private final MeterRegistry metrics;
    private final VehicleEventRepository repository = new VehicleEventRepository();

    /** 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z: the times an event may carry. */
    static final long EARLIEST_MS = 946_684_800_000L;

    static final long LATEST_MS = 4_102_444_800_000L;

    public VehicleEventService(Db db, FatigueLoop fatigue, ScheduleSync schedules, MeterRegistry metrics) {
        this.db = db;
        this.fatigue = fatigue;
        this.schedules = schedules;
        this.metrics = metrics;
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
        String vin = ingest.getVin();
        String kind = event.getKindCase().name().toLowerCase(Locale.ROOT);
        boolean critical =
                event.hasFatigueAlert() && event.getFatigueAlert().getLevel() == FatigueLevel.FATIGUE_LEVEL_CRITICAL;
        return db.tx(c -> {
                    boolean stored = repository.insert(
                            c,
                            vin,
                            event.getSeq(),
                            Instant.ofEpochMilli(event.getTimestampMs()),
                            Instant.ofEpochMilli(ingest.getReceivedAtMs()),
                            kind,
                            event.toByteArray());
                    if (stored && critical) {
                        fatigue.onCritical(c, vin, event);
                    }
                    if (stored && event.hasScheduleRun()) {
                        schedules.onCarReport(
                                c, vin, event.getScheduleRun(), Instant.ofEpochMilli(ingest.getReceivedAtMs()));
                    }
                    return stored;
                })
                .compose(stored -> {
                    metrics.counter("carlink.events.received", "kind", kind, "duplicate", String.valueOf(!stored))
                            .increment();
                    if (event.hasFatigueAlert()
                            && event.getFatigueAlert().getLevel() == FatigueLevel.FATIGUE_LEVEL_WARNING) {
                        return fatigue.onWarning(vin, event);
                    }
                    return Future.succeededFuture();
                });
    }
}
