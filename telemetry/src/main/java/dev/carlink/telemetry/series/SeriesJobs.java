package dev.carlink.telemetry.series;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic work of the time-series storage, on one storage worker thread: the rollup refresh (when the
 * module refreshes the rollups itself) and the maintenance round. A round never overlaps the previous one of
 * its kind; a refresh that is behind (after downtime) runs again at once. Failures are logged and counted, and
 * the next round retries.
 *
 * <p>Metrics: {@code carlink.telemetry.rollup.refresh} (timer), {@code carlink.telemetry.rollup.lag} (gauge,
 * seconds between now and the watermark), {@code carlink.telemetry.storage.failures{job}}.
 */
public final class SeriesJobs {

    private static final Logger log = LoggerFactory.getLogger(SeriesJobs.class);

    private final Vertx vertx;
    private final WorkerExecutor storageThread;
    private final SeriesStorage storage;
    private final RollupRefresher refresher;
    private final Clock clock;
    private final Timer refreshTimer;
    private final Counter refreshFailures;
    private final Counter maintenanceFailures;
    private final AtomicLong watermarkMs = new AtomicLong(-1);
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final AtomicBoolean maintaining = new AtomicBoolean();
    private long refreshTimerId = -1;
    private long maintenanceTimerId = -1;
    private volatile boolean stopped;

    public SeriesJobs(
            Vertx vertx, WorkerExecutor storageThread, SeriesStorage storage, MeterRegistry registry, Clock clock) {
        this.vertx = vertx;
        this.storageThread = storageThread;
        this.storage = storage;
        this.clock = clock;
        this.refresher = storage.dialect().refreshedByModule()
                ? new RollupRefresher(storage.dataSource(), storage.config().refreshLag())
                : null;
        this.refreshTimer = Timer.builder("carlink.telemetry.rollup.refresh").register(registry);
        this.refreshFailures = Counter.builder("carlink.telemetry.storage.failures")
                .tag("job", "refresh")
                .register(registry);
        this.maintenanceFailures = Counter.builder("carlink.telemetry.storage.failures")
                .tag("job", "maintenance")
                .register(registry);
        Gauge.builder(
                        "carlink.telemetry.rollup.lag",
                        watermarkMs,
                        w -> w.get() < 0 ? Double.NaN : (clock.millis() - w.get()) / 1000.0)
                .baseUnit("seconds")
                .register(registry);
    }

    public void start() {
        SeriesConfig config = storage.config();
        if (refresher != null) {
            refreshTimerId = vertx.setPeriodic(0, config.refreshInterval().toMillis(), id -> refresh());
        }
        maintenanceTimerId = vertx.setPeriodic(
                config.maintenanceInterval().toMillis(),
                config.maintenanceInterval().toMillis(),
                id -> maintain());
    }

    public void stop() {
        stopped = true;
        vertx.cancelTimer(refreshTimerId);
        vertx.cancelTimer(maintenanceTimerId);
    }

    private void refresh() {
        if (stopped || !refreshing.compareAndSet(false, true)) {
            return;
        }
        long started = System.nanoTime();
        storageThread
                .executeBlocking(() -> refresher.refresh(clock.instant()), true)
                .onComplete(done -> {
                    refreshing.set(false);
                    if (done.failed()) {
                        refreshFailures.increment();
                        log.warn(
                                "rollup refresh failed, retried next round [cause: {}]",
                                done.cause().toString());
                        return;
                    }
                    RollupRefresher.Round round = done.result();
                    if (round.skipped()) {
                        return;
                    }
                    refreshTimer.record(Duration.ofNanos(System.nanoTime() - started));
                    watermarkMs.set(round.to().toEpochMilli());
                    if (round.invalidatedCars() > 0) {
                        log.debug("late samples rolled up again [cars: {}]", round.invalidatedCars());
                    }
                    if (round.behind() && !stopped) {
                        log.info("rollups catching up [watermark: {}]", round.to());
                        vertx.runOnContext(v -> refresh());
                    }
                });
    }

    private void maintain() {
        if (stopped || !maintaining.compareAndSet(false, true)) {
            return;
        }
        Instant now = clock.instant();
        storageThread.executeBlocking(() -> storage.maintain(now), true).onComplete(done -> {
            maintaining.set(false);
            if (done.failed()) {
                maintenanceFailures.increment();
                log.warn(
                        "telemetry storage maintenance failed, retried next round [cause: {}]",
                        done.cause().toString());
            }
        });
    }
}
