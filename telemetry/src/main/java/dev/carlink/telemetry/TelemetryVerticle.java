package dev.carlink.telemetry;

import dev.carlink.proto.BusAddress;
import dev.carlink.telemetry.consent.ConsentView;
import dev.carlink.telemetry.consent.FatigueConsentHandler;
import dev.carlink.telemetry.erase.EraseHandler;
import dev.carlink.telemetry.ingest.IngestHandler;
import dev.carlink.telemetry.query.FleetHandler;
import dev.carlink.telemetry.query.QueryHandler;
import dev.carlink.telemetry.query.SeriesHandler;
import dev.carlink.telemetry.series.BucketQueries;
import dev.carlink.telemetry.series.DriverMonitoringErasure;
import dev.carlink.telemetry.series.SeriesConfig;
import dev.carlink.telemetry.series.SeriesDialect;
import dev.carlink.telemetry.series.SeriesJobs;
import dev.carlink.telemetry.series.SeriesStorage;
import dev.carlink.telemetry.series.VehicleErasure;
import dev.carlink.telemetry.store.FleetQueries;
import dev.carlink.telemetry.store.TelemetryRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The telemetry module on the event bus: ingest ({@link BusAddress#TELEMETRY_INGEST}), latest state
 * ({@link BusAddress#TELEMETRY_QUERY_LATEST}), history ({@link BusAddress#TELEMETRY_QUERY_HISTORY}) and
 * erasure ({@link BusAddress#TELEMETRY_ERASE}) consumers, the fatigue consent view ({@link
 * BusAddress#FATIGUE_CONSENT_CHANGED}, {@link BusAddress#FATIGUE_CONSENT_QUERY}: driver-monitoring signals are stored
 * only for consented cars), and the {@link BusAddress#TELEMETRY_STATE_CHANGED} publications. Lifecycle only: the work
 * is done by the handlers it registers.
 *
 * <p>Deploy one instance per Vert.x (it owns one writer thread). The schema must be migrated first
 * ({@link TelemetrySchema#migrate}). Undeploying unregisters the consumers, then writes every queued
 * sample (or refuses them with 503 if the store fails) before it completes.
 */
public final class TelemetryVerticle extends VerticleBase {

    /** Worker threads for queries; the pool's size bounds them further. */
    static final int QUERY_THREADS = 4;

    private static final Logger log = LoggerFactory.getLogger(TelemetryVerticle.class);

    private final DataSource dataSource;
    private final TelemetryConfig config;
    private final SeriesConfig series;
    private final MeterRegistry registry;
    private final Clock clock;

    private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
    private WorkerExecutor writerThread;
    private WorkerExecutor queryThreads;
    private WorkerExecutor storageThread;
    private IngestHandler ingest;
    private SeriesJobs jobs;
    private FatigueConsentHandler consentHandler;

    /** With the default retention and rollup settings ({@link SeriesConfig#defaults()}). */
    public TelemetryVerticle(DataSource dataSource, TelemetryConfig config, MeterRegistry registry, Clock clock) {
        this(dataSource, config, SeriesConfig.defaults(), registry, clock);
    }

    /**
     * @param dataSource a connection pool on the database migrated by {@link TelemetrySchema#migrate}
     * @param config batching, backpressure and query limits
     * @param series retention, rollup refresh and maintenance of the time-series storage
     * @param registry where the {@code carlink.telemetry.*} meters are registered
     * @param clock the time that future-dated samples are judged against
     */
    public TelemetryVerticle(
            DataSource dataSource, TelemetryConfig config, SeriesConfig series, MeterRegistry registry, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.config = Objects.requireNonNull(config, "config");
        this.series = Objects.requireNonNull(series, "series");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Future<?> start() {
        writerThread = vertx.createSharedWorkerExecutor("carlink-telemetry-writer-" + deploymentID(), 1);
        queryThreads = vertx.createSharedWorkerExecutor("carlink-telemetry-query-" + deploymentID(), QUERY_THREADS);
        storageThread = vertx.createSharedWorkerExecutor("carlink-telemetry-storage-" + deploymentID(), 1);
        return storageThread
                .executeBlocking(() -> {
                    SeriesStorage storage = new SeriesStorage(dataSource, SeriesStorage.detect(dataSource), series);
                    storage.start(clock.instant());
                    return storage;
                })
                .compose(this::register);
    }

    private Future<?> register(SeriesStorage storage) {
        SeriesDialect dialect = storage.dialect();
        TelemetryRepository repository = new TelemetryRepository(dataSource, dialect);
        ConsentView consents = new ConsentView();
        Counter withheld = Counter.builder("carlink.telemetry.driver-monitoring.withheld")
                .description("samples stored without their driver-monitoring signals: the car is not consented")
                .register(registry);
        ingest = new IngestHandler(
                vertx, writerThread, repository, config, series.rawRetention(), registry, clock, sample -> {
                    TelemetrySample admitted = consents.admit(sample);
                    if (admitted != sample) {
                        withheld.increment();
                    }
                    return admitted;
                });
        consentHandler = new FatigueConsentHandler(
                vertx,
                consents,
                writerThread,
                storageThread,
                new DriverMonitoringErasure(dataSource, dialect),
                registry);
        QueryHandler query = new QueryHandler(queryThreads, repository, config);
        SeriesHandler seriesQueries =
                new SeriesHandler(queryThreads, new BucketQueries(dataSource, dialect, series, clock));
        FleetHandler fleet = new FleetHandler(queryThreads, new FleetQueries(dataSource));
        EraseHandler erase = new EraseHandler(queryThreads, new VehicleErasure(dataSource, dialect));
        jobs = new SeriesJobs(vertx, storageThread, storage, registry, clock);
        jobs.start();

        EventBus bus = vertx.eventBus();
        consumers.add(bus.consumer(BusAddress.TELEMETRY_INGEST, ingest::handle));
        consumers.add(bus.consumer(BusAddress.TELEMETRY_QUERY_LATEST, query::latest));
        consumers.add(bus.consumer(BusAddress.TELEMETRY_QUERY_HISTORY, query::history));
        consumers.add(bus.consumer(BusAddress.TELEMETRY_QUERY_SERIES, seriesQueries::series));
        consumers.add(bus.consumer(BusAddress.TELEMETRY_QUERY_FLEET, fleet::fleet));
        consumers.add(bus.consumer(BusAddress.TELEMETRY_ERASE, erase::erase));
        List<Future<Void>> registered = new ArrayList<>();
        for (MessageConsumer<Object> consumer : consumers) {
            registered.add(consumer.completion());
        }
        registered.add(consentHandler.start());
        return Future.all(registered)
                .onSuccess(done -> log.info(
                        "telemetry started [storage: {}, batchMaxSize: {}, batchMaxDelay: {}, maxPending: {},"
                                + " historyMaxLimit: {}, maxFutureSkew: {}, rawRetention: {}]",
                        dialect.name(),
                        config.batchMaxSize(),
                        config.batchMaxDelay(),
                        config.maxPending(),
                        config.historyMaxLimit(),
                        config.maxFutureSkew(),
                        series.rawRetention()));
    }

    @Override
    public Future<?> stop() {
        if (jobs != null) {
            jobs.stop();
        }
        List<Future<Void>> unregistered = new ArrayList<>();
        if (consentHandler != null) {
            unregistered.add(consentHandler.stop());
        }
        for (MessageConsumer<Object> consumer : consumers) {
            unregistered.add(consumer.unregister());
        }
        return Future.join(unregistered)
                .transform(done -> ingest == null ? Future.succeededFuture() : ingest.close())
                .transform(done -> Future.join(writerThread.close(), queryThreads.close(), storageThread.close()))
                .onComplete(done -> log.info("telemetry stopped"));
    }
}
