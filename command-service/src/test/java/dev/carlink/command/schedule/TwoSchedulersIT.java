package dev.carlink.command.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.carlink.command.CommandSchema;
import dev.carlink.command.CommandServiceConfig;
import dev.carlink.command.TestClock;
import dev.carlink.command.lifecycle.CloudPreconditions;
import dev.carlink.command.lifecycle.CommandService;
import dev.carlink.command.secrets.KeyRing;
import dev.carlink.command.signing.CommandSigner;
import dev.carlink.command.signing.SigningKeys;
import dev.carlink.command.state.TelemetryClient;
import dev.carlink.command.store.Db;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two backend instances (each its own Vert.x, connection pool, command service and scheduler) share one
 * database and race for 1,000 occurrences due at the same instant: each must be decided and fired exactly once.
 */
class TwoSchedulersIT {

    private static final KeyRing KEYS = KeyRing.generate();

    private static final int SCHEDULES = 1_000;
    private static final int BATCH = 50;
    /** Monday 2026-06-01, 06:00 in Berlin; every schedule is ready by 07:40 and starts at 07:27. */
    private static final Instant MONDAY_0600 = Instant.parse("2026-06-01T04:00:00Z");

    private static final Instant READY_BY = Instant.parse("2026-06-01T05:40:00Z");
    private static final Instant START = Instant.parse("2026-06-01T05:27:00Z");

    private static EmbeddedPostgres postgres;
    private static DataSource direct;
    private static final TestClock clock = new TestClock(MONDAY_0600);
    private static final List<Instance> instances = new ArrayList<>();

    /** One backend instance. */
    private record Instance(
            Vertx vertx,
            HikariDataSource pool,
            FakeTelemetry telemetry,
            CommandService commands,
            Scheduler scheduler,
            SimpleMeterRegistry metrics) {

        static Instance start(String jdbcUrl) {
            Vertx vertx = Vertx.vertx();
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(jdbcUrl);
            config.setUsername("postgres");
            config.setMaximumPoolSize(8);
            HikariDataSource pool = new HikariDataSource(config);
            Db db = new Db(vertx, pool);
            new SigningKeys(db, KEYS, clock).ensureActive().await();
            FakeTelemetry telemetry = FakeTelemetry.on(vertx);
            TelemetryClient client = new TelemetryClient(vertx, Duration.ofSeconds(30));
            SimpleMeterRegistry metrics = new SimpleMeterRegistry();
            CommandService commands = new CommandService(
                    vertx,
                    db,
                    client,
                    new CloudPreconditions(30, 20),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(60),
                    clock,
                    metrics,
                    new CommandSigner(Duration.ofSeconds(30), KEYS, clock));
            Scheduler scheduler = new Scheduler(
                    db,
                    client,
                    commands,
                    new FireRules(20, Duration.ofMinutes(10)),
                    new ScheduleCalculator(clock),
                    new CommandServiceConfig.Schedules(
                            Duration.ofSeconds(1),
                            Duration.ofMinutes(10),
                            BATCH,
                            CommandServiceConfig.Schedules.DEFAULT_CLAIM_LEASE),
                    clock,
                    metrics);
            return new Instance(vertx, pool, telemetry, commands, scheduler, metrics);
        }

        double fired() {
            return metrics.counter("carlink.schedules.fires", "outcome", "FIRED", "reason", "none")
                    .count();
        }

        /** Rounds until a round finds nothing due. */
        int drain() {
            int total = 0;
            for (int n = scheduler.runOnce().await();
                    n > 0;
                    n = scheduler.runOnce().await()) {
                total += n;
            }
            return total;
        }

        void close() {
            vertx.close().await();
            pool.close();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        direct = postgres.getPostgresDatabase();
        CommandSchema.migrate(direct);
        TestFleet.owner(direct, "fleet");
        String url = postgres.getJdbcUrl("postgres", "postgres");
        instances.add(Instance.start(url));
        instances.add(Instance.start(url));
    }

    @AfterAll
    static void stop() throws Exception {
        instances.forEach(Instance::close);
        postgres.close();
    }

    @Test
    void twoInstances_fireAThousandOccurrencesDueAtOnce_eachExactlyOnce_noneMissed() throws Exception {
        // given 1,000 parked cars, each with a schedule whose start is the same instant
        Instance first = instances.get(0);
        ScheduleService schedules = new ScheduleService(
                new Db(first.vertx(), first.pool()),
                new TelemetryClient(first.vertx(), Duration.ofSeconds(30)),
                new ScheduleCalculator(clock),
                clock,
                new ScheduleSync(new Db(first.vertx(), first.pool()), first.commands(), new SimpleMeterRegistry()));
        List<Future<ScheduleView>> created = new ArrayList<>();
        for (int i = 0; i < SCHEDULES; i++) {
            String vin = TestFleet.car(direct, "fleet", true);
            instances.forEach(instance -> instance.telemetry()
                    .set(vin, FakeTelemetry.parked(MONDAY_0600).build()));
            ScheduleSpec spec = ScheduleSpec.fromJson(
                    new JsonObject()
                            .put("readyBy", "07:40")
                            .put("timeZone", "Europe/Berlin")
                            .put("weekdays", new JsonArray().add("MONDAY").add("TUESDAY"))
                            .put("targetTemperatureC", 22),
                    clock.instant());
            created.add(schedules.create(vin, spec, "owner:fleet"));
        }
        Future.all(created).await();
        assertThat(TestFleet.count(direct, "SELECT count(DISTINCT next_run_at) FROM command.schedules"))
                .isEqualTo(1);
        assertThat(TestFleet.count(
                        direct,
                        "SELECT count(*) FROM command.schedules WHERE next_run_at = ?",
                        java.sql.Timestamp.from(START)))
                .isEqualTo(SCHEDULES);

        // when both instances run their rounds at the same time, from the moment all are due
        clock.set(START);
        CyclicBarrier together = new CyclicBarrier(instances.size());
        ExecutorService threads = Executors.newFixedThreadPool(instances.size());
        List<java.util.concurrent.Future<Integer>> claimed = new ArrayList<>();
        for (Instance instance : instances) {
            claimed.add(threads.submit(() -> {
                together.await(30, TimeUnit.SECONDS);
                return instance.drain();
            }));
        }
        int claimedTotal = 0;
        for (java.util.concurrent.Future<Integer> one : claimed) {
            claimedTotal += one.get(5, TimeUnit.MINUTES);
        }
        threads.shutdown();

        // then every occurrence was claimed once, decided once and fired once
        assertThat(claimedTotal).isEqualTo(SCHEDULES);
        assertThat(TestFleet.count(direct, "SELECT count(*) FROM command.schedule_fires"))
                .isEqualTo(SCHEDULES);
        assertThat(TestFleet.count(
                        direct,
                        "SELECT count(*) FROM command.schedule_fires WHERE outcome = 'FIRED' " + "AND occurrence = ?",
                        java.sql.Timestamp.from(READY_BY)))
                .isEqualTo(SCHEDULES);
        assertThat(TestFleet.count(
                        direct,
                        "SELECT count(*) FROM command.commands WHERE type = 'CLIMATE_START' "
                                + "AND requested_by LIKE 'schedule:%'"))
                .isEqualTo(SCHEDULES);
        assertThat(TestFleet.count(
                        direct,
                        "SELECT count(*) FROM command.schedule_fires f "
                                + "JOIN command.commands c ON c.id = f.command_id "
                                + "WHERE c.requested_by = 'schedule:' || f.schedule_id AND c.vin = "
                                + "(SELECT vin FROM command.schedules s WHERE s.id = f.schedule_id)"))
                .as("each fire's command is its own schedule's, on its own car")
                .isEqualTo(SCHEDULES);
        assertThat(TestFleet.count(
                        direct,
                        "SELECT count(*) FROM command.schedules WHERE next_ready_by = ? " + "AND claimed_until IS NULL",
                        java.sql.Timestamp.from(READY_BY.plus(1, ChronoUnit.DAYS))))
                .as("every schedule moved on to Tuesday and released its claim")
                .isEqualTo(SCHEDULES);
        assertThat(instances.get(0).fired() + instances.get(1).fired()).isEqualTo(SCHEDULES);
        assertThat(instances)
                .allSatisfy(i ->
                        assertThat(i.fired()).as("both instances took part").isPositive());
        org.slf4j.LoggerFactory.getLogger(TwoSchedulersIT.class)
                .info(
                        "occurrences fired per instance [first: {}, second: {}]",
                        (long) instances.get(0).fired(),
                        (long) instances.get(1).fired());
    }
}
