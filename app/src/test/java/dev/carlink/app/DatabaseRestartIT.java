package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.load.LoadConfig;
import dev.carlink.simulator.load.LoadReport;
import dev.carlink.simulator.load.LoadRun;
import dev.carlink.simulator.load.SourceAddresses;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL stopped in the middle of a stream of QoS 1 telemetry, then started again: cars are told to come
 * back (their unstored messages are not acknowledged), reconnect once the database is back, re-send, and every
 * message ends up stored exactly once; the writer's queue stays bounded meanwhile.
 */
class DatabaseRestartIT {

    private static final Logger log = LoggerFactory.getLogger(DatabaseRestartIT.class);
    private static final int CARS = 40;
    private static final double RATE = 400;

    @Test
    void theEmbeddedServer_putsEveryCommitOnDiskBeforeItReturns() throws Exception {
        try (TestSystem system = TestSystem.start();
                java.sql.Connection c = system.dataSource().getConnection();
                java.sql.Statement s = c.createStatement()) {
            // zonky starts PostgreSQL with -F (fsync off) and synchronous_commit off: acknowledged commits would
            // be lost to a crash of PostgreSQL (the latter) or of the machine (the former)
            for (String setting : List.of("fsync", "synchronous_commit")) {
                try (java.sql.ResultSet rs = s.executeQuery("SHOW " + setting)) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).as(setting).isEqualTo("on");
                }
            }
        }
    }

    @Test
    void postgresStoppedMidStream_thenStarted_losesAndDuplicatesNothing(@TempDir Path reports) throws Exception {
        try (TestSystem system = TestSystem.start()) {
            List<VehicleCredentials> cars = new ArrayList<>();
            for (int i = 1; i <= CARS; i++) {
                cars.add(system.enrollCar(String.format(Locale.ROOT, "SMCAR%012d", 700_000 + i), "alice"));
            }
            LoadConfig config = new LoadConfig(
                    URI.create(system.mqttUri()),
                    RATE,
                    Duration.ofSeconds(16),
                    Duration.ZERO,
                    Duration.ofSeconds(40),
                    1,
                    200,
                    LoadConfig.DEFAULT_MAX_CONNECTING,
                    LoadConfig.DEFAULT_MAX_IN_FLIGHT,
                    SourceAddresses.count(1),
                    reports,
                    null,
                    0);
            AtomicLong maxPending = new AtomicLong();
            CompletableFuture<LoadReport> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return new LoadRun(config, cars, line -> log.info("{}", line)).run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });

            // when: once the stream flows, PostgreSQL stops (fast shutdown), and starts again 4 s later
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() ->
                            system.count("SELECT count(*) FROM telemetry.telemetry WHERE vin LIKE" + " 'SMCAR0000007%'")
                                    > 1_000);
            PostgresControl postgres = new PostgresControl(system);
            postgres.stop();
            log.info("postgres stopped");
            long outageEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            org.awaitility.Awaitility.await()
                    .pollInterval(Duration.ofMillis(200))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> {
                        maxPending.accumulateAndGet(pending(system), Math::max);
                        return System.nanoTime() >= outageEnd;
                    });
            postgres.start();
            log.info("postgres started again");
            LoadReport report = run.get(120, TimeUnit.SECONDS);

            // then
            log.info("{}", report.toText());
            assertThat(report.lost()).as("sent and never acknowledged").isZero();
            assertThat(report.notSent()).as("due and never sent").isZero();
            assertThat(report.duplicates())
                    .as("acknowledgements for nothing outstanding")
                    .isZero();
            assertThat(report.acked()).isEqualTo(report.intended());
            assertThat(report.reconnects())
                    .as("cars told to come back by the outage")
                    .isPositive();
            long rows = system.count("SELECT count(*) FROM telemetry.telemetry WHERE vin LIKE 'SMCAR0000007%'");
            long distinct = system.count(
                    "SELECT count(*) FROM (SELECT DISTINCT vin, seq FROM telemetry.telemetry WHERE vin LIKE"
                            + " 'SMCAR0000007%') d");
            assertThat(rows).as("rows stored").isEqualTo(report.intended());
            assertThat(distinct).as("no sample twice").isEqualTo(rows);
            assertThat(maxPending.get())
                    .as("samples held by the writer during the outage (bounded by telemetry.max-pending)")
                    .isLessThanOrEqualTo(system.telemetryMaxPending());
        }
    }

    private static long pending(TestSystem system) {
        TestSystem.Reply metrics = system.get(null, "/metrics");
        return metrics.body()
                .lines()
                .filter(l -> l.startsWith("carlink_telemetry_pending"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no carlink_telemetry_pending in /metrics"));
    }
}
