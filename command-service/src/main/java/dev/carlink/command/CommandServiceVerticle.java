package dev.carlink.command;

import dev.carlink.command.account.AccountService;
import dev.carlink.command.account.PasswordHasher;
import dev.carlink.command.bus.VehicleBusHandlers;
import dev.carlink.command.consent.FatigueConsentService;
import dev.carlink.command.event.VehicleEventService;
import dev.carlink.command.http.ApiRouter;
import dev.carlink.command.lifecycle.CloudPreconditions;
import dev.carlink.command.lifecycle.CommandService;
import dev.carlink.command.privacy.OwnerDataService;
import dev.carlink.command.rules.ServiceRules;
import dev.carlink.command.schedule.FireRules;
import dev.carlink.command.schedule.ScheduleCalculator;
import dev.carlink.command.schedule.ScheduleService;
import dev.carlink.command.schedule.ScheduleSync;
import dev.carlink.command.schedule.Scheduler;
import dev.carlink.command.secrets.KeyRing;
import dev.carlink.command.secrets.SecretsAtRest;
import dev.carlink.command.signing.CommandSigner;
import dev.carlink.command.signing.SigningKeys;
import dev.carlink.command.state.TelemetryClient;
import dev.carlink.command.store.Db;
import dev.carlink.command.task.TaskService;
import dev.carlink.command.vehicle.VehicleService;
import dev.carlink.proto.BusAddress;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lifecycle of the command-service: wires its services, serves the HTTP API, registers its event-bus
 * consumers, and runs the deadline sweep and the A/C scheduler. The schema must be migrated first
 * ({@link CommandSchema}). At start, every secret in the store is left encrypted under the key ring's current KEK
 * ({@link SecretsAtRest}); a database whose secrets the ring cannot read fails the start.
 */
public final class CommandServiceVerticle extends VerticleBase {

    private static final Logger log = LoggerFactory.getLogger(CommandServiceVerticle.class);

    private final DataSource dataSource;
    private final CommandServiceConfig config;
    private final KeyRing keyRing;
    private final PrometheusMeterRegistry metrics;
    private final Clock clock;

    private HttpServer server;
    private VehicleBusHandlers busHandlers;
    private ServiceRules rules;
    private VehicleService vehicles;
    /** How long gateways have to announce their cars again after a command-service starts. */
    static final java.time.Duration PRESENCE_RESYNC_WINDOW = java.time.Duration.ofSeconds(5);

    private long sweepTimer = -1;
    private long resyncTimer = -1;
    private long scheduleTimer = -1;
    private long erasureTimer = -1;
    private OwnerDataService ownerData;
    private MessageConsumer<Buffer> revocations;
    private MessageConsumer<Buffer> consentQueries;

    /**
     * @param keyRing the key-encryption keys of the secrets in the store (signing private keys, DTLS keys); kept
     *     apart from {@code config}, which is logged
     */
    public CommandServiceVerticle(
            DataSource dataSource,
            CommandServiceConfig config,
            KeyRing keyRing,
            PrometheusMeterRegistry metrics,
            Clock clock) {
        this.dataSource = dataSource;
        this.config = config;
        this.keyRing = keyRing;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        Db db = new Db(vertx, dataSource);
        PasswordHasher hasher = new PasswordHasher(config.passwordHashIterations());
        AccountService accounts = new AccountService(vertx, db, hasher, config.tokenTtl(), clock);
        SigningKeys signingKeys = new SigningKeys(db, keyRing, clock);
        vehicles = new VehicleService(db, signingKeys, hasher, keyRing, clock);
        TelemetryClient telemetry = new TelemetryClient(vertx, config.deliveryTimeout());
        CommandService commands = new CommandService(
                vertx,
                db,
                telemetry,
                new CloudPreconditions(config.minSterilizationChargePct(), config.minClimateChargePct()),
                config.deliveryTimeout(),
                config.resultTimeout(),
                clock,
                metrics,
                new CommandSigner(config.signatureValidity(), keyRing, clock));
        TaskService tasks = new TaskService(vertx, db, clock, metrics);
        ScheduleSync scheduleSync = new ScheduleSync(db, commands, metrics);
        rules = new ServiceRules(vertx, db, config.rules(), commands, tasks, clock, metrics);
        VehicleEventService events = new VehicleEventService(db, vehicles, rules, scheduleSync, metrics);
        events.onPresenceChanged(vin -> vertx.eventBus().publish(VehicleService.PRESENCE_ADDRESS, vin));
        busHandlers = new VehicleBusHandlers(vertx, vehicles, commands, scheduleSync, events, metrics);
        busHandlers.onPresence((vin, online) -> {
            rules.onPresence(vin, online);
            vertx.eventBus().publish(VehicleService.PRESENCE_ADDRESS, vin);
        });

        sweepTimer = vertx.setPeriodic(config.sweepInterval().toMillis(), id -> commands.sweep()
                .onSuccess(moved -> {
                    if (moved > 0) {
                        log.info("moved commands past their deadline [count: {}]", moved);
                    }
                })
                .onFailure(e -> log.warn("deadline sweep failed, retrying next round [cause: {}]", e.getMessage())));

        ScheduleCalculator calculator = new ScheduleCalculator(clock);
        ScheduleService schedules = new ScheduleService(db, telemetry, calculator, clock, scheduleSync);
        Scheduler scheduler = new Scheduler(
                db,
                telemetry,
                commands,
                new FireRules(config.minClimateChargePct(), config.schedules().gracePeriod()),
                calculator,
                config.schedules(),
                clock,
                metrics);
        scheduler.onSkipped(
                (vin, fire) -> rules.onScheduleSkipped(vin, fire.reason().orElseThrow(), fire.detail()));
        scheduleTimer = vertx.setPeriodic(config.schedules().interval().toMillis(), id -> scheduler.tick());

        // Cleartext HTTP/2 (an "Upgrade: h2c" request) is refused: answers larger than one read after the 101
        // reached JDK and curl clients corrupted, and browsers never ask for it. Such clients get HTTP/1.1;
        // HTTP/2 belongs behind TLS at the load balancer.
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.httpHost())
                .setPort(config.httpPort())
                .setHttp2ClearTextEnabled(false);
        ownerData = new OwnerDataService(vertx, db, accounts, vehicles, tasks, metrics, clock);
        revocations = ownerData.listenForRevocations();
        erasureTimer = vertx.setPeriodic(OwnerDataService.RETRY_INTERVAL.toMillis(), id -> ownerData
                .retryPending()
                .onSuccess(done -> {
                    if (done > 0) {
                        log.info("completed the telemetry erasure of deleted accounts [count: {}]", done);
                    }
                })
                .onFailure(e -> log.warn(
                        "pending erasures could not be read, retrying next round [cause: {}]", e.getMessage())));
        FatigueConsentService fatigueConsents = new FatigueConsentService(vertx, db);
        consentQueries = fatigueConsents.serve();
        ApiRouter.Services services = new ApiRouter.Services(
                accounts,
                vehicles,
                commands,
                signingKeys,
                tasks,
                telemetry,
                db,
                metrics,
                clock,
                config.rateLimits(),
                schedules,
                ownerData,
                fatigueConsents);
        return new SecretsAtRest(db, keyRing)
                .seal()
                .compose(v -> signingKeys.ensureActive())
                .compose(v -> accounts.bootstrap(config.bootstrapUsers()))
                .compose(v -> busHandlers.register())
                .compose(v -> resyncPresence())
                .compose(v -> revocations.completion())
                .compose(v -> consentQueries.completion())
                .compose(v -> rules.start())
                .compose(v -> vertx.createHttpServer(options)
                        .invalidRequestHandler(ApiRouter::invalidRequest)
                        .requestHandler(ApiRouter.create(vertx, services))
                        .listen())
                .onSuccess(s -> {
                    server = s;
                    log.info("command-service listening [http: {}:{}]", config.httpHost(), s.actualPort());
                });
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(sweepTimer);
        vertx.cancelTimer(scheduleTimer);
        vertx.cancelTimer(erasureTimer);
        vertx.cancelTimer(resyncTimer);
        if (revocations != null) {
            revocations.unregister();
        }
        if (consentQueries != null) {
            consentQueries.unregister();
        }
        Future<Void> closing = server == null ? Future.succeededFuture() : server.close();
        if (rules != null) {
            closing = closing.compose(v -> rules.stop());
        }
        return closing.compose(v -> busHandlers == null ? Future.succeededFuture() : busHandlers.unregister());
    }

    /**
     * Asks every gateway who is connected instead of assuming: a command-service that restarts alone (or one of
     * several) must not call the cars its gateways still hold offline. Cars nobody announces within {@link
     * #PRESENCE_RESYNC_WINDOW} are offline; until then the registry keeps what it recorded.
     */
    private Future<Void> resyncPresence() {
        vehicles.beginPresenceResync();
        vertx.eventBus().publish(BusAddress.GATEWAY_PRESENCE_RESYNC, Buffer.buffer());
        resyncTimer = vertx.setTimer(PRESENCE_RESYNC_WINDOW.toMillis(), id -> vehicles.finishPresenceResync()
                .onSuccess(gone -> {
                    log.info("presence resync done [cars no gateway holds, now offline: {}]", gone.size());
                    gone.forEach(vin -> {
                        rules.onPresence(vin, false);
                        vertx.eventBus().publish(VehicleService.PRESENCE_ADDRESS, vin);
                    });
                })
                .onFailure(e -> log.warn("presence resync not finished [cause: {}]", e.getMessage())));
        return Future.succeededFuture();
    }

    /** The bound HTTP port, after start. */
    public int actualHttpPort() {
        return server.actualPort();
    }
}
