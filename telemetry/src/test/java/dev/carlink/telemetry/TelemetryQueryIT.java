package dev.carlink.telemetry;

import static dev.carlink.telemetry.BusTestSupport.awaitFailure;
import static dev.carlink.telemetry.BusTestSupport.awaitReply;
import static dev.carlink.telemetry.BusTestSupport.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.HistoryPage;
import dev.carlink.proto.bus.v1.HistoryQuery;
import dev.carlink.proto.bus.v1.LatestState;
import dev.carlink.proto.bus.v1.StateQuery;
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
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TelemetryQueryIT {

    private static final int HISTORY_MAX_LIMIT = 100;

    private static TestDatabase db;
    private static Vertx vertx;
    private static Instant base;
    private static List<Telemetry> written;
    private static Instant receivedAt;

    /** One car with ten samples a second apart; queries do not change them, so they are written once. */
    @BeforeAll
    static void startAndIngest() {
        db = TestDatabase.startMigrated();
        vertx = Vertx.vertx();
        TelemetryConfig config =
                new TelemetryConfig(500, Duration.ofMillis(20), 1_000, HISTORY_MAX_LIMIT, Duration.ofMinutes(5));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        join(vertx.deployVerticle(new TelemetryVerticle(db.pool(), config, meters, Clock.systemUTC())));
        // the samples carry driver-monitoring signals, stored only for a car opted in to the fatigue service
        BusTestSupport.consentTo(vertx, meters, Samples.VIN);
        base = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        receivedAt = base.plusSeconds(30).plusMillis(7);
        written = new ArrayList<>();
        List<Future<Message<Buffer>>> replies = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Telemetry telemetry = Samples.full(i + 1, base.plusSeconds(i).toEpochMilli());
            written.add(telemetry);
            replies.add(BusTestSupport.request(
                    vertx, BusAddress.TELEMETRY_INGEST, Samples.ingest(Samples.VIN, telemetry, receivedAt)));
        }
        replies.forEach(BusTestSupport::awaitReply);
    }

    @AfterAll
    static void stop() {
        join(vertx.close());
        db.close();
    }

    @BeforeEach
    void samplesAreInPlace() {
        assertThat(db.storedSamples(Samples.VIN)).isEqualTo(10);
    }

    @Test
    void latest_ofACarWithSamples_isTheNewestSampleWithItsReceiveTime() throws Exception {
        // when
        Message<Buffer> reply = awaitReply(latest(Samples.VIN));

        // then
        LatestState state = LatestState.parseFrom(reply.body().getBytes());
        assertThat(state.getVin()).isEqualTo(Samples.VIN);
        assertThat(state.getTelemetry()).isEqualTo(written.get(9));
        assertThat(state.getReceivedAtMs()).isEqualTo(receivedAt.toEpochMilli());
    }

    @Test
    void latest_ofACarWithoutSamples_failsWith404() {
        // when
        ReplyException failure = awaitFailure(latest(Samples.vin(77)));

        // then
        assertThat(failure.failureCode()).isEqualTo(404);
        assertThat(failure.getMessage()).isEqualTo("no state for vin " + Samples.vin(77));
    }

    @Test
    void latest_withBadVin_failsWith400() {
        // when
        ReplyException failure = awaitFailure(latest("wvwzzz1jzxw000001"));

        // then
        assertThat(failure.failureCode()).isEqualTo(400);
        assertThat(failure.getMessage()).startsWith("vin must be 17 characters");
    }

    @Test
    void latest_withMalformedBytes_failsWith400() {
        // when
        ReplyException failure = awaitFailure(
                BusTestSupport.request(vertx, BusAddress.TELEMETRY_QUERY_LATEST, new byte[] {(byte) 0xFF, 0x01}));

        // then
        assertThat(failure.failureCode()).isEqualTo(400);
        assertThat(failure.getMessage()).isEqualTo("malformed payload");
    }

    @Test
    void history_ofAWindow_givesTheSamplesInsideItOldestFirstAndEqualToWhatWasWritten() throws Exception {
        // when: [base+2s, base+6s) holds samples 3..6
        HistoryPage page = awaitPage(history(Samples.VIN, base.plusSeconds(2), base.plusSeconds(6), 100));

        // then
        assertThat(page.getSamplesList()).containsExactlyElementsOf(written.subList(2, 6));
        assertThat(page.getTruncated()).isFalse();
    }

    @Test
    void history_withMoreSamplesThanTheLimit_givesTheOldestAndSaysTruncated() throws Exception {
        // when
        HistoryPage truncated = awaitPage(history(Samples.VIN, base, base.plusSeconds(10), 3));
        HistoryPage exact = awaitPage(history(Samples.VIN, base, base.plusSeconds(10), 10));

        // then
        assertThat(truncated.getSamplesList()).containsExactlyElementsOf(written.subList(0, 3));
        assertThat(truncated.getTruncated()).isTrue();
        assertThat(exact.getSamplesList()).containsExactlyElementsOf(written);
        assertThat(exact.getTruncated()).isFalse();
    }

    @Test
    void history_ofACarWithoutSamples_isAnEmptyPage() throws Exception {
        // when
        HistoryPage page = awaitPage(history(Samples.vin(77), base, base.plusSeconds(10), 10));

        // then
        assertThat(page.getSamplesList()).isEmpty();
        assertThat(page.getTruncated()).isFalse();
    }

    @Test
    void history_withEmptyWindow_failsWith400NamingBothBounds() {
        // when
        ReplyException failure = awaitFailure(history(Samples.VIN, base, base, 10));

        // then
        assertThat(failure.failureCode()).isEqualTo(400);
        assertThat(failure.getMessage())
                .isEqualTo("from_ms must be before to_ms, was from_ms " + base.toEpochMilli() + " and to_ms "
                        + base.toEpochMilli());
    }

    @Test
    void history_withLimitZeroOrAboveTheMaximum_failsWith400InsteadOfClamping() {
        // when
        ReplyException zero = awaitFailure(history(Samples.VIN, base, base.plusSeconds(10), 0));
        ReplyException tooMany = awaitFailure(history(Samples.VIN, base, base.plusSeconds(10), HISTORY_MAX_LIMIT + 1));

        // then
        assertThat(zero.failureCode()).isEqualTo(400);
        assertThat(zero.getMessage()).isEqualTo("limit must be in 1.." + HISTORY_MAX_LIMIT + ", was 0");
        assertThat(tooMany.failureCode()).isEqualTo(400);
        assertThat(tooMany.getMessage())
                .isEqualTo("limit must be in 1.." + HISTORY_MAX_LIMIT + ", was " + (HISTORY_MAX_LIMIT + 1));
    }

    @Test
    void history_withBadVin_failsWith400() {
        // when
        ReplyException failure = awaitFailure(history("WVWZZZ1JZXW0000", base, base.plusSeconds(1), 10));

        // then
        assertThat(failure.failureCode()).isEqualTo(400);
        assertThat(failure.getMessage()).startsWith("vin must be 17 characters");
    }

    private static Future<Message<Buffer>> latest(String vin) {
        return BusTestSupport.request(
                vertx,
                BusAddress.TELEMETRY_QUERY_LATEST,
                StateQuery.newBuilder().setVin(vin).build());
    }

    private static Future<Message<Buffer>> history(String vin, Instant from, Instant to, int limit) {
        return BusTestSupport.request(
                vertx,
                BusAddress.TELEMETRY_QUERY_HISTORY,
                HistoryQuery.newBuilder()
                        .setVin(vin)
                        .setFromMs(from.toEpochMilli())
                        .setToMs(to.toEpochMilli())
                        .setLimit(limit)
                        .build());
    }

    private static HistoryPage awaitPage(Future<Message<Buffer>> reply) throws Exception {
        return HistoryPage.parseFrom(awaitReply(reply).body().getBytes());
    }
}
