package dev.carlink.command.privacy;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.command.account.AccountService;
import dev.carlink.command.account.Principal;
import dev.carlink.command.account.Role;
import dev.carlink.command.store.Db;
import dev.carlink.command.task.TaskService;
import dev.carlink.command.vehicle.VehicleService;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.TelemetryErase;
import dev.carlink.proto.bus.v1.TelemetryErased;
import dev.carlink.proto.bus.v1.VehicleRevoked;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An owner's rights over their data: a copy of everything held about them ({@link #snapshot}; the HTTP layer adds
 * the cars' telemetry, streamed from the telemetry module) and its erasure ({@link #erase}).
 *
 * <p>Erasure, in order: the password is checked; one transaction deletes the account, its tokens, its cars (so they
 * can no longer log in) and everything about them in this store, and records the erasure; the cars' revocation is
 * published (gateways close their sessions, every instance forgets their verified secrets); the telemetry module
 * erases their samples, rollups and latest state. Each store's step is all-or-nothing and idempotent. The
 * erasure's row keeps the VINs until the telemetry step succeeded at least {@link #SETTLE} after the revocation (a
 * sample a car sent just before its session was closed can only land before that); {@link #retryPending} runs
 * until it has, so an unavailable telemetry store delays the step but never loses it.
 */
public final class OwnerDataService {

    /** How long after the cars' revocation a telemetry erasure is final: longer than any sample can be in flight. */
    public static final Duration SETTLE = Duration.ofSeconds(30);

    /** How often pending telemetry erasures are retried. */
    public static final Duration RETRY_INTERVAL = Duration.ofSeconds(10);

    /** How long one telemetry erasure may take: a car's whole retention window of samples. */
    static final Duration ERASE_TIMEOUT = Duration.ofMinutes(1);

    /** Cars per telemetry erasure request (the telemetry module's limit). */
    static final int VINS_PER_REQUEST = 1_000;

    static final String REVOKED_REASON = "owner account deleted";

    private static final Logger log = LoggerFactory.getLogger(OwnerDataService.class);
    private static final int RETRY_BATCH = 20;

    /** What the export holds besides telemetry: the account and, per car, everything about it. */
    public record Snapshot(JsonObject account, List<JsonObject> vehicles) {}

    /** How an erasure request ended. */
    public enum Outcome {
        /** Everything erased, telemetry included. */
        ERASED,
        /** The account and this store's data are erased; the telemetry step is retried until it succeeds. */
        TELEMETRY_PENDING,
        /** Staff and administrators are not erased through the API. */
        NOT_AN_OWNER,
        /** The password does not match; nothing was erased. */
        WRONG_PASSWORD,
        /** The account no longer exists (a concurrent request erased it). */
        GONE
    }

    /** The answer to an erasure request: what was deleted, by kind, and the cars unenrolled. */
    public record Erasure(Outcome outcome, Instant at, List<String> vins, Map<String, Long> rows) {
        static Erasure of(Outcome outcome) {
            return new Erasure(outcome, null, List.of(), Map.of());
        }
    }

    private final Vertx vertx;
    private final Db db;
    private final AccountService accounts;
    private final VehicleService vehicles;
    private final TaskService tasks;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final DeliveryOptions busOptions;
    private final OwnerDataRepository repository = new OwnerDataRepository();

    public OwnerDataService(
            Vertx vertx,
            Db db,
            AccountService accounts,
            VehicleService vehicles,
            TaskService tasks,
            MeterRegistry metrics,
            Clock clock) {
        this.vertx = vertx;
        this.db = db;
        this.accounts = accounts;
        this.vehicles = vehicles;
        this.tasks = tasks;
        this.metrics = metrics;
        this.clock = clock;
        this.busOptions = new DeliveryOptions().setSendTimeout(ERASE_TIMEOUT.toMillis());
    }

    /**
     * Forgets the verified secrets of cars revoked on any instance (this one forgets them at once, before it
     * answers).
     */
    public MessageConsumer<Buffer> listenForRevocations() {
        return vertx.eventBus().<Buffer>consumer(BusAddress.VEHICLE_REVOKED, message -> {
            try {
                vehicles.forgetVerifiedSecret(
                        VehicleRevoked.parseFrom(message.body().getBytes()).getVin());
            } catch (InvalidProtocolBufferException e) {
                log.debug("ignored a malformed VehicleRevoked");
            }
        });
    }

    /** Everything this store holds about the principal, read as one consistent snapshot; empty when erased. */
    public Future<Optional<Snapshot>> snapshot(Principal principal) {
        return db.tx(c -> {
            repository.snapshot(c);
            Optional<JsonObject> account = repository.account(c, principal.userId());
            if (account.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Snapshot(account.get(), repository.vehicles(c, principal.userId())));
        });
    }

    /** Erases the owner's account and their cars' data, after checking {@code password}. */
    public Future<Erasure> erase(Principal principal, String password) {
        if (principal.role() != Role.OWNER) {
            return Future.succeededFuture(Erasure.of(Outcome.NOT_AN_OWNER));
        }
        return accounts.passwordMatches(principal.userId(), password).compose(matches -> {
            if (!matches) {
                return Future.succeededFuture(Erasure.of(Outcome.WRONG_PASSWORD));
            }
            Instant now = clock.instant();
            return db.tx(c -> repository.lockOwner(c, principal.userId()).isEmpty()
                            ? Optional.<OwnerDataRepository.Erased>empty()
                            : Optional.of(repository.erase(c, principal.userId(), now)))
                    .compose(erased -> erased.isEmpty()
                            ? Future.succeededFuture(Erasure.of(Outcome.GONE))
                            : afterCommit(principal, erased.get(), now));
        });
    }

    private Future<Erasure> afterCommit(Principal principal, OwnerDataRepository.Erased erased, Instant now) {
        metrics.counter("carlink.privacy.erasures").increment();
        log.info(
                "erased an owner's account [user: {}, vehicles: {}, rows: {}]",
                principal.userId(),
                erased.vins(),
                erased.rows());
        // the account's sessions went with it: its open live streams end too
        accounts.announceEnded(principal.userId(), null);
        for (String vin : erased.vins()) {
            vehicles.forgetVerifiedSecret(vin);
            VehicleRevoked revoked = VehicleRevoked.newBuilder()
                    .setVin(vin)
                    .setReason(REVOKED_REASON)
                    .build();
            vertx.eventBus().publish(BusAddress.VEHICLE_REVOKED, Buffer.buffer(revoked.toByteArray()));
        }
        for (long id : erased.dismissedTasks()) {
            tasks.get(id).onSuccess(task -> task.ifPresent(tasks::announce));
        }
        Map<String, Long> rows = new LinkedHashMap<>(erased.rows());
        if (erased.vins().isEmpty()) {
            return Future.succeededFuture(new Erasure(Outcome.ERASED, now, erased.vins(), rows));
        }
        // the first telemetry erasure answers the owner; the erasure stays pending until one after SETTLE
        return eraseTelemetry(erased.vins())
                .map(result -> {
                    rows.put("telemetrySamples", result.getSamples());
                    rows.put("telemetryRollupRows", result.getRollupRows());
                    rows.put("telemetryLatestStates", (long) result.getLatestStates());
                    return new Erasure(Outcome.ERASED, now, erased.vins(), rows);
                })
                .recover(failure -> {
                    log.warn(
                            "telemetry erasure failed, retrying in the background [erasure: {}, cause: {}]",
                            erased.erasureId(),
                            failure.toString());
                    return Future.succeededFuture(new Erasure(Outcome.TELEMETRY_PENDING, now, erased.vins(), rows));
                });
    }

    /**
     * Erases the telemetry of erasures not yet final, once they are {@link #SETTLE} old; marks each final when it
     * succeeded. Runs on a timer on every instance: two instances erasing the same cars is harmless.
     */
    public Future<Integer> retryPending() {
        Instant now = clock.instant();
        return db.read(c -> repository.pending(c, now.minus(SETTLE), RETRY_BATCH))
                .compose(pending -> {
                    Future<Integer> done = Future.succeededFuture(0);
                    for (OwnerDataRepository.Pending erasure : pending) {
                        done = done.compose(count -> eraseTelemetry(erasure.vins())
                                .compose(result -> db.tx(c -> {
                                    repository.telemetryErased(c, erasure.id(), clock.instant());
                                    return count + 1;
                                }))
                                .recover(failure -> {
                                    log.warn(
                                            "telemetry erasure failed, retrying next round [erasure: {}, cause: {}]",
                                            erasure.id(),
                                            failure.toString());
                                    return db.tx(c -> {
                                        repository.attempted(c, erasure.id());
                                        return count;
                                    });
                                }));
                    }
                    return done;
                });
    }

    /** Erases the cars' telemetry, {@link #VINS_PER_REQUEST} cars per request; the totals of all requests. */
    private Future<TelemetryErased> eraseTelemetry(List<String> vins) {
        Future<TelemetryErased> total = Future.succeededFuture(TelemetryErased.getDefaultInstance());
        for (int from = 0; from < vins.size(); from += VINS_PER_REQUEST) {
            List<String> part = vins.subList(from, Math.min(vins.size(), from + VINS_PER_REQUEST));
            total = total.compose(sum -> eraseTelemetryOnce(part).map(one -> TelemetryErased.newBuilder()
                    .setSamples(sum.getSamples() + one.getSamples())
                    .setRollupRows(sum.getRollupRows() + one.getRollupRows())
                    .setLatestStates(sum.getLatestStates() + one.getLatestStates())
                    .build()));
        }
        return total;
    }

    private Future<TelemetryErased> eraseTelemetryOnce(List<String> vins) {
        TelemetryErase request = TelemetryErase.newBuilder().addAllVins(vins).build();
        return vertx.eventBus()
                .<Buffer>request(BusAddress.TELEMETRY_ERASE, Buffer.buffer(request.toByteArray()), busOptions)
                .map(reply -> {
                    try {
                        return TelemetryErased.parseFrom(reply.body().getBytes());
                    } catch (InvalidProtocolBufferException e) {
                        throw new IllegalStateException("telemetry answered an unreadable erasure", e);
                    }
                });
    }
}
