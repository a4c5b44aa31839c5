package dev.carlink.telemetry;

import static dev.carlink.telemetry.BusTestSupport.awaitFailure;
import static dev.carlink.telemetry.BusTestSupport.awaitReply;
import static dev.carlink.telemetry.BusTestSupport.counter;
import static dev.carlink.telemetry.BusTestSupport.join;
import static dev.carlink.telemetry.BusTestSupport.pending;
import static dev.carlink.telemetry.BusTestSupport.rejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.InvalidProtocolBufferException;
import com.zaxxer.hikari.HikariDataSource;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.LatestState;
import dev.carlink.proto.v1.Telemetry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TelemetryIngestIT {

    private static final Duration NEVER_WINDOW = Duration.ofMillis(400);

    private static TestDatabase db;

    private Vertx vertx;
    private SimpleMeterRegistry meters;
    private String deploymentId;
    private final List<LatestState> published = new CopyOnWriteArrayList<>();
    private Instant base;

    @BeforeAll
    static void startDatabase() {
        db = TestDatabase.startMigrated();
    }

    @AfterAll
    static void stopDatabase() {
        db.close();
    }

    @BeforeEach
    void startVertx() {
        db.truncate();
        vertx = Vertx.vertx();
        meters = new SimpleMeterRegistry();
        base = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        vertx.eventBus().<Buffer>consumer(BusAddress.TELEMETRY_STATE_CHANGED, message -> {
            try {
                published.add(LatestState.parseFrom(message.body().getBytes()));
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @AfterEach
    void stopVertx() {
        join(vertx.close());
    }

    @Test
    void ingest_validSample_isCommittedBeforeTheEmptyReply() {
        // given
        deploy(TelemetryConfig.defaults());
        Telemetry telemetry = Samples.full(1, base.toEpochMilli());

        // when
        Message<Buffer> reply = awaitReply(ingest(Samples.VIN, telemetry));

        // then: the row is visible the moment the reply arrives
        assertThat(db.storedSamples(Samples.VIN)).isEqualTo(1);
        assertThat(reply.body().length()).isZero();
        assertThat(counter(meters, "carlink.telemetry.samples.stored")).isEqualTo(1);
        assertThat(meters.get("carlink.telemetry.batch.commit").timer().count()).isEqualTo(1);
    }

    @Test
    void ingest_whileTheTransactionCannotCommit_repliesNothingUntilItDoes() {
        // given
        deploy(TelemetryConfig.defaults());
        Future<Message<Buffer>> reply;

        try (TableLock lock = new TableLock(db.postgres().getPostgresDatabase())) {
            // when
            reply = ingest(Samples.VIN, Samples.full(1, base.toEpochMilli()));

            // then
            await().during(NEVER_WINDOW).atMost(NEVER_WINDOW.multipliedBy(3)).until(() -> !reply.isComplete());
            assertThat(db.storedSamples(Samples.VIN)).isZero();
            assertThat(published).isEmpty();
        }

        // and once the insert can go through, reply and state change follow the commit
        awaitReply(reply);
        assertThat(db.storedSamples(Samples.VIN)).isEqualTo(1);
        await().until(() -> published.size() == 1);
    }

    @Test
    void ingest_sameSampleDeliveredTwice_isStoredOnceAndBothAreAcknowledged() {
        // given
        deploy(TelemetryConfig.defaults());
        Telemetry telemetry = Samples.full(7, base.toEpochMilli());
        awaitReply(ingest(Samples.VIN, telemetry));

        // when
        awaitReply(ingest(Samples.VIN, telemetry));

        // then
        assertThat(db.storedSamples(Samples.VIN)).isEqualTo(1);
        assertThat(counter(meters, "carlink.telemetry.samples.stored")).isEqualTo(1);
        assertThat(counter(meters, "carlink.telemetry.samples.duplicate")).isEqualTo(1);
    }

    @Test
    void ingest_sameSampleTwiceInOneBatch_isStoredOnce() {
        // given
        deploy(new TelemetryConfig(500, Duration.ofMillis(500), 1_000, 100, Duration.ofMinutes(5)));
        Telemetry telemetry = Samples.full(7, base.toEpochMilli());

        // when
        Future<Message<Buffer>> first = ingest(Samples.VIN, telemetry);
        Future<Message<Buffer>> second = ingest(Samples.VIN, telemetry);

        // then
        awaitReply(first);
        awaitReply(second);
        assertThat(db.storedSamples(Samples.VIN)).isEqualTo(1);
        assertThat(counter(meters, "carlink.telemetry.samples.stored")).isEqualTo(1);
        assertThat(counter(meters, "carlink.telemetry.samples.duplicate")).isEqualTo(1);
        assertThat(meters.get("carlink.telemetry.batch.commit").timer().count()).isEqualTo(1);
    }

    @Test
    void ingest_olderSample_isStoredButDoesNotMoveTheLatestStateBackwards() {
        // given
        deploy(TelemetryConfig.defaults());
        Telemetry newer = Samples.minimal(5, base.toEpochMilli() + 10_000)
                .setCabinTemperatureC(30f)
                .build();
        Telemetry olderWithHigherSeq = Samples.minimal(9, base.toEpochMilli())
                .setCabinTemperatureC(10f)
                .build();
        awaitReply(ingest(Samples.VIN, newer));
        await().until(() -> published.size() == 1);

        // when
        awaitReply(ingest(Samples.VIN, olderWithHigherSeq));

        // then
        assertThat(db.storedSamples(Samples.VIN)).isEqualTo(2);
        assertThat(latestSeq(Samples.VIN)).isEqualTo(5);
        await().during(NEVER_WINDOW).atMost(NEVER_WINDOW.multipliedBy(3)).until(() -> published.size() == 1);
        assertThat(published.get(0).getTelemetry()).isEqualTo(newer);
    }

    @Test
    void ingest_manyCarsWithManySamplesAtOnce_storesAllAndKeepsTheNewestPerCar() {
        // given
        deploy(new TelemetryConfig(200, Duration.ofMillis(20), 20_000, 100, Duration.ofMinutes(5)));
        int cars = 40;
        int samplesPerCar = 50;
        List<Runnable> sends = new ArrayList<>();
        List<Future<Message<Buffer>>> replies = new CopyOnWriteArrayList<>();
        for (int car = 0; car < cars; car++) {
            String vin = Samples.vin(car);
            for (int seq = 1; seq <= samplesPerCar; seq++) {
                Telemetry telemetry = Samples.full(seq, base.toEpochMilli() + seq * 1_000L);
                sends.add(() -> replies.add(ingest(vin, telemetry)));
            }
        }
        Collections.shuffle(sends, new Random(42));

        // when
        sends.forEach(Runnable::run);

        // then
        replies.forEach(BusTestSupport::awaitReply);
        assertThat(db.storedSamples()).isEqualTo((long) cars * samplesPerCar);
        assertThat(db.queryLong("SELECT count(*) FROM telemetry.latest_state")).isEqualTo(cars);
        assertThat(db.queryLong("SELECT count(*) FROM telemetry.latest_state WHERE seq <> ?", (long) samplesPerCar))
                .as("cars whose latest state is not their newest sample")
                .isZero();
        assertThat(counter(meters, "carlink.telemetry.samples.stored")).isEqualTo(cars * samplesPerCar);
        io.micrometer.core.instrument.DistributionSummary writes =
                meters.get("carlink.telemetry.write.samples").summary();
        assertThat(writes.totalAmount()).isEqualTo(cars * samplesPerCar);
        assertThat(writes.max())
                .as("batches of at most 200, merged while the writer was busy into writes of at most 10 of them")
                .isLessThanOrEqualTo(2_000);
        await().until(() -> pending(meters) == 0);
    }

    @Test
    void ingest_invalidSample_isRefusedWith400NamingTheFieldAndNothingIsStored() {
        // given
        deploy(TelemetryConfig.defaults());
        Telemetry telemetry = Samples.minimal(1, base.toEpochMilli())
                .setCabinTemperatureC(130f)
                .build();

        // when
        ReplyException failure = awaitFailure(ingest(Samples.VIN, telemetry));

        // then
        assertThat(failure.failureCode()).isEqualTo(400);
        assertThat(failure.getMessage()).isEqualTo("cabin_temperature_c must be in -60..120, was 130.0");
        assertThat(db.storedSamples()).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM telemetry.latest_state")).isZero();
        assertThat(rejected(meters, "invalid")).isEqualTo(1);
        assertThat(counter(meters, "carlink.telemetry.samples.stored")).isZero();
    }

    @Test
    void ingest_sampleTooFarInTheFuture_isRefusedWith400AndNothingIsStored() {
        // given
        deploy(TelemetryConfig.defaults());
        long tenMinutesAhead = Instant.now().plus(10, ChronoUnit.MINUTES).toEpochMilli();

        // when
        ReplyException failure = awaitFailure(ingest(Samples.VIN, Samples.full(1, tenMinutesAhead)));

        // then
        assertThat(failure.failureCode()).isEqualTo(400);
        assertThat(failure.getMessage()).startsWith("timestamp_ms must not be later than now + PT5M");
        assertThat(db.storedSamples()).isZero();
    }

    @Test
    void ingest_badVin_isRefusedWith400AndNothingIsStored() {
        // given
        deploy(TelemetryConfig.defaults());

        // when
        ReplyException failure = awaitFailure(ingest("WVWZZZ1JZXW00000O", Samples.full(1, base.toEpochMilli())));

        // then
        assertThat(failure.failureCode()).isEqualTo(400);
        assertThat(failure.getMessage()).startsWith("vin must be 17 characters");
        assertThat(db.storedSamples()).isZero();
    }

    @Test
    void ingest_malformedBytes_isRefusedWith400AndNothingIsStored() {
        // given
        deploy(TelemetryConfig.defaults());
        byte[] garbage = {
            0x12, 0x40, // field 2 (telemetry), length 64
            0x08, 0x01 // ... but only 2 bytes follow
        };

        // when
        ReplyException failure = awaitFailure(BusTestSupport.request(vertx, BusAddress.TELEMETRY_INGEST, garbage));

        // then
        assertThat(failure.failureCode()).isEqualTo(400);
        assertThat(failure.getMessage()).isEqualTo("malformed payload");
        assertThat(db.storedSamples()).isZero();
        assertThat(rejected(meters, "malformed")).isEqualTo(1);
    }

    @Test
    void ingest_whenTheDatabaseIsUnavailable_failsWith503AndAcknowledgesNothing() {
        // given
        HikariDataSource brokenPool = db.newPool();
        deploy(TelemetryConfig.defaults(), brokenPool);
        brokenPool.close();

        // when
        List<ReplyException> failures = new ArrayList<>();
        List<Future<Message<Buffer>>> replies = new ArrayList<>();
        for (int seq = 1; seq <= 3; seq++) {
            replies.add(ingest(Samples.VIN, Samples.full(seq, base.toEpochMilli() + seq)));
        }
        replies.forEach(reply -> failures.add(awaitFailure(reply)));

        // then
        assertThat(failures).allSatisfy(failure -> {
            assertThat(failure.failureCode()).isEqualTo(503);
            assertThat(failure.getMessage()).isEqualTo("store failed, retry");
        });
        assertThat(db.storedSamples()).isZero();
        assertThat(rejected(meters, "store_failed")).isEqualTo(3);
        assertThat(counter(meters, "carlink.telemetry.samples.stored")).isZero();
        assertThat(published).isEmpty();
        await().until(() -> pending(meters) == 0);
    }

    @Test
    void ingest_pastMaxPendingSamples_isRefusedAtOnceWith503Backpressure() {
        // given: one sample per batch, at most three waiting, and a store that cannot commit
        deploy(new TelemetryConfig(1, Duration.ofMillis(20), 3, 100, Duration.ofMinutes(5)));
        List<Future<Message<Buffer>>> accepted = new ArrayList<>();
        ReplyException refused;
        try (TableLock lock = new TableLock(db.postgres().getPostgresDatabase())) {
            for (int seq = 1; seq <= 3; seq++) {
                accepted.add(ingest(
                        Samples.VIN,
                        Samples.minimal(seq, base.toEpochMilli() + seq).build()));
            }
            await().until(() -> pending(meters) == 3);

            // when
            refused = awaitFailure(ingest(
                    Samples.VIN, Samples.minimal(4, base.toEpochMilli() + 4).build()));

            // then
            assertThat(refused.failureCode()).isEqualTo(503);
            assertThat(refused.getMessage()).isEqualTo("backpressure");
            assertThat(rejected(meters, "backpressure")).isEqualTo(1);
            assertThat(accepted).noneMatch(Future::isComplete);
        }

        // and the accepted ones are stored and acknowledged once the store recovers; the refused one is not
        accepted.forEach(BusTestSupport::awaitReply);
        assertThat(db.storedSamples(Samples.VIN)).isEqualTo(3);
        assertThat(db.queryLong("SELECT count(*) FROM telemetry.telemetry WHERE seq = 4"))
                .isZero();
    }

    @Test
    void stateChanged_isPublishedAfterTheCommitForEachCarThatAdvanced() {
        // given
        deploy(new TelemetryConfig(500, Duration.ofMillis(100), 1_000, 100, Duration.ofMinutes(5)));
        // the full sample carries driver-monitoring signals, stored only for a car opted in to the fatigue service
        BusTestSupport.consentTo(vertx, meters, Samples.vin(2));
        Telemetry carOneOld = Samples.minimal(1, base.toEpochMilli()).build();
        Telemetry carOneNew = Samples.minimal(2, base.toEpochMilli() + 1_000).build();
        Telemetry carTwo = Samples.full(1, base.toEpochMilli());

        // when
        List<Future<Message<Buffer>>> replies = List.of(
                ingest(Samples.vin(1), carOneNew), ingest(Samples.vin(1), carOneOld), ingest(Samples.vin(2), carTwo));
        replies.forEach(BusTestSupport::awaitReply);

        // then: one state per car, each the newest sample, received after the rows were committed
        await().until(() -> published.size() == 2);
        assertThat(published)
                .extracting(LatestState::getVin, LatestState::getTelemetry)
                .containsExactlyInAnyOrder(tuple(Samples.vin(1), carOneNew), tuple(Samples.vin(2), carTwo));
        assertThat(published)
                .allSatisfy(state -> assertThat(state.getReceivedAtMs()).isPositive());
        assertThat(db.storedSamples()).isEqualTo(3);
    }

    @Test
    void undeploy_withSamplesWaitingForTheirBatch_writesThemBeforeItCompletes() {
        // given: batches would wait a minute
        deploy(new TelemetryConfig(500, Duration.ofMinutes(1), 1_000, 100, Duration.ofMinutes(5)));
        List<Future<Message<Buffer>>> replies = new ArrayList<>();
        for (int seq = 1; seq <= 3; seq++) {
            replies.add(ingest(
                    Samples.VIN, Samples.minimal(seq, base.toEpochMilli() + seq).build()));
        }
        await().until(() -> pending(meters) == 3);
        assertThat(replies).noneMatch(Future::isComplete);

        // when
        join(vertx.undeploy(deploymentId));

        // then
        replies.forEach(BusTestSupport::awaitReply);
        assertThat(db.storedSamples(Samples.VIN)).isEqualTo(3);
        assertThat(meters.find("carlink.telemetry.pending").gauge())
                .as("gauge removed")
                .isNull();
    }

    @Test
    void undeploy_whenTheDatabaseIsUnavailable_failsTheWaitingSamplesWith503() {
        // given
        HikariDataSource brokenPool = db.newPool();
        deploy(new TelemetryConfig(2, Duration.ofMinutes(1), 1_000, 100, Duration.ofMinutes(5)), brokenPool);
        brokenPool.close();
        List<Future<Message<Buffer>>> replies = new ArrayList<>();
        for (int seq = 1; seq <= 5; seq++) {
            replies.add(ingest(
                    Samples.VIN, Samples.minimal(seq, base.toEpochMilli() + seq).build()));
        }

        // when
        join(vertx.undeploy(deploymentId));

        // then
        assertThat(replies).allSatisfy(reply -> assertThat(awaitFailure(reply).failureCode())
                .isEqualTo(503));
        assertThat(db.storedSamples()).isZero();
        assertThat(rejected(meters, "store_failed")).isEqualTo(5);
    }

    private void deploy(TelemetryConfig config) {
        deploy(config, db.pool());
    }

    private void deploy(TelemetryConfig config, DataSource dataSource) {
        deploymentId = join(vertx.deployVerticle(new TelemetryVerticle(dataSource, config, meters, Clock.systemUTC())));
    }

    private Future<Message<Buffer>> ingest(String vin, Telemetry telemetry) {
        return BusTestSupport.request(
                vertx, BusAddress.TELEMETRY_INGEST, Samples.ingest(vin, telemetry, Instant.now()));
    }

    private long latestSeq(String vin) {
        return db.queryLong("SELECT seq FROM telemetry.latest_state WHERE vin = ?", vin);
    }
}
