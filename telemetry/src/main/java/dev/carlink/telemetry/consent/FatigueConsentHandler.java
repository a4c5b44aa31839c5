package dev.carlink.telemetry.consent;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.FatigueConsent;
import dev.carlink.proto.bus.v1.FatigueConsentQuery;
import dev.carlink.proto.bus.v1.FatigueConsents;
import dev.carlink.telemetry.series.DriverMonitoringErasure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link ConsentView} current and deletes what consent no longer allows. Listens to {@link
 * BusAddress#FATIGUE_CONSENT_CHANGED}; loads a snapshot from {@link BusAddress#FATIGUE_CONSENT_QUERY} at start (every
 * {@link #FIRST_LOAD_RETRY} until the command-service answers) and every {@link #RELOAD_INTERVAL} after, to heal a
 * missed publication.
 *
 * <p>When a car stops being consented, its stored driver-monitoring values are cleared on the <em>writer</em>
 * thread: every batch written before is then cleared too, and every batch written after is admitted by the view,
 * which already withholds the car's signals. After the first snapshot, the values of every car not consented are
 * cleared once (on the storage thread), for opt-outs published while this instance was down.
 *
 * <p>Metrics: {@code carlink.telemetry.fatigue-consent.cars} (gauge; NaN until the first snapshot), {@code
 * carlink.telemetry.driver-monitoring.cleared} (values cleared), {@code carlink.telemetry.storage.failures{job=
 * driver-monitoring}}.
 */
public final class FatigueConsentHandler {

    /** How often the first snapshot is asked for until the command-service answers. */
    public static final Duration FIRST_LOAD_RETRY = Duration.ofSeconds(1);

    /** How often the view is reloaded once it has been loaded. */
    public static final Duration RELOAD_INTERVAL = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(FatigueConsentHandler.class);

    private final Vertx vertx;
    private final ConsentView view;
    private final WorkerExecutor writerThread;
    private final WorkerExecutor storageThread;
    private final DriverMonitoringErasure erasure;
    private final Counter cleared;
    private final Counter failures;
    private MessageConsumer<Buffer> changes;
    private long timerId = -1;
    private boolean stopped;

    /**
     * @param writerThread the ingest writer's one thread: clearing a car there orders it after every batch that
     *     was written before the view withheld the car's signals
     * @param storageThread where the catch-up clearing of all cars not consented runs
     */
    public FatigueConsentHandler(
            Vertx vertx,
            ConsentView view,
            WorkerExecutor writerThread,
            WorkerExecutor storageThread,
            DriverMonitoringErasure erasure,
            MeterRegistry registry) {
        this.vertx = vertx;
        this.view = view;
        this.writerThread = writerThread;
        this.storageThread = storageThread;
        this.erasure = erasure;
        this.cleared =
                Counter.builder("carlink.telemetry.driver-monitoring.cleared").register(registry);
        this.failures = Counter.builder("carlink.telemetry.storage.failures")
                .tag("job", "driver-monitoring")
                .register(registry);
        Gauge.builder(
                        "carlink.telemetry.fatigue-consent.cars",
                        view,
                        v -> v.loaded() ? v.consented().size() : Double.NaN)
                .register(registry);
    }

    /** Starts listening and loading; the returned future completes once the consumer is registered. */
    public Future<Void> start() {
        changes = vertx.eventBus().consumer(BusAddress.FATIGUE_CONSENT_CHANGED, this::changed);
        load();
        return changes.completion();
    }

    public Future<Void> stop() {
        stopped = true;
        vertx.cancelTimer(timerId);
        return changes == null ? Future.succeededFuture() : changes.unregister();
    }

    private void changed(Message<Buffer> message) {
        FatigueConsent change;
        try {
            change = FatigueConsent.parseFrom(message.body().getBytes());
        } catch (InvalidProtocolBufferException e) {
            log.warn("malformed fatigue consent change ignored");
            return;
        }
        boolean applied = view.apply(change.getVin(), change.getOptedIn(), change.getVersion());
        log.debug(
                "fatigue consent changed [vin: {}, optedIn: {}, version: {}]",
                change.getVin(),
                change.getOptedIn(),
                change.getVersion());
        if (applied && !change.getOptedIn()) {
            // a repeated opt-out is a new choice and clears again
            clearOnWriter(List.of(change.getVin()), "opted out");
        }
    }

    private void load() {
        if (stopped) {
            return;
        }
        vertx.eventBus()
                .<Buffer>request(
                        BusAddress.FATIGUE_CONSENT_QUERY,
                        Buffer.buffer(FatigueConsentQuery.getDefaultInstance().toByteArray()),
                        new DeliveryOptions().setSendTimeout(10_000))
                .onComplete(done -> {
                    boolean first = !view.loaded();
                    if (done.succeeded()) {
                        merge(done.result().body(), first);
                    } else if (first) {
                        log.info(
                                "fatigue consents not loaded yet, driver-monitoring signals withheld for every car"
                                        + " [cause: {}]",
                                done.cause().getMessage());
                    } else {
                        log.warn(
                                "fatigue consents not reloaded [cause: {}]",
                                done.cause().getMessage());
                    }
                    if (!stopped) {
                        Duration next = view.loaded() ? RELOAD_INTERVAL : FIRST_LOAD_RETRY;
                        timerId = vertx.setTimer(next.toMillis(), id -> load());
                    }
                });
    }

    private void merge(Buffer body, boolean first) {
        FatigueConsents snapshot;
        try {
            snapshot = FatigueConsents.parseFrom(body.getBytes());
        } catch (InvalidProtocolBufferException e) {
            log.warn("malformed fatigue consents ignored");
            return;
        }
        Map<String, Long> optedIn = new HashMap<>();
        for (FatigueConsent consent : snapshot.getOptedInList()) {
            optedIn.put(consent.getVin(), consent.getVersion());
        }
        List<String> withdrawn = view.merge(optedIn, snapshot.getAsOfVersion());
        if (!withdrawn.isEmpty()) {
            clearOnWriter(withdrawn, "opt-out missed");
        }
        if (first) {
            log.info("fatigue consents loaded [optedIn: {}]", optedIn.size());
            clearAllButConsented();
        }
    }

    private void clearOnWriter(Collection<String> vins, String why) {
        writerThread
                .executeBlocking(() -> erasure.clear(vins), true)
                .onSuccess(done -> {
                    cleared.increment(done.total());
                    log.info(
                            "driver-monitoring telemetry cleared [cars: {}, reason: {}, rawRows: {}, latestStates: {}]",
                            vins,
                            why,
                            done.rawRows(),
                            done.latestStates());
                })
                .onFailure(e -> {
                    failures.increment();
                    log.warn(
                            "driver-monitoring telemetry not cleared, cleared at the next start [cars: {}, cause: {}]",
                            vins,
                            e.toString());
                });
    }

    private void clearAllButConsented() {
        storageThread
                .executeBlocking(() -> erasure.clearAllBut(view.consented()), true)
                .onSuccess(done -> {
                    cleared.increment(done.total());
                    if (done.total() > 0) {
                        log.info(
                                "driver-monitoring telemetry of cars not consented cleared [rawRows: {},"
                                        + " latestStates: {}]",
                                done.rawRows(),
                                done.latestStates());
                    }
                })
                .onFailure(e -> {
                    failures.increment();
                    log.warn("driver-monitoring catch-up not done, done at the next start [cause: {}]", e.toString());
                });
    }
}
