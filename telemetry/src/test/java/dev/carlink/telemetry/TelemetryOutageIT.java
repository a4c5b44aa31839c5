package dev.carlink.telemetry;

import static dev.carlink.telemetry.BusTestSupport.awaitFailure;
import static dev.carlink.telemetry.BusTestSupport.awaitReply;
import static dev.carlink.telemetry.BusTestSupport.counter;
import static dev.carlink.telemetry.BusTestSupport.join;
import static dev.carlink.telemetry.BusTestSupport.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.StateQuery;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PostgreSQL itself goes away under a running module: its own database, stopped mid-test. */
class TelemetryOutageIT {

    @Test
    void ingestAndQueries_whenPostgresStops_failWith503AndNothingIsAcknowledged() throws IOException {
        // given: a running module that has stored one sample
        TestDatabase db = TestDatabase.startMigrated();
        Vertx vertx = Vertx.vertx();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try {
            join(vertx.deployVerticle(
                    new TelemetryVerticle(db.pool(), TelemetryConfig.defaults(), meters, Clock.systemUTC())));
            Instant base = Instant.now().minus(1, ChronoUnit.HOURS);
            awaitReply(BusTestSupport.request(
                    vertx,
                    BusAddress.TELEMETRY_INGEST,
                    Samples.ingest(Samples.VIN, Samples.full(1, base.toEpochMilli()), base)));

            // when
            db.postgres().close();
            List<Future<Message<Buffer>>> replies = new ArrayList<>();
            for (int seq = 2; seq <= 4; seq++) {
                replies.add(BusTestSupport.request(
                        vertx,
                        BusAddress.TELEMETRY_INGEST,
                        Samples.ingest(Samples.VIN, Samples.full(seq, base.toEpochMilli() + seq), base)));
            }
            ReplyException latest = awaitFailure(BusTestSupport.request(
                    vertx,
                    BusAddress.TELEMETRY_QUERY_LATEST,
                    StateQuery.newBuilder().setVin(Samples.VIN).build()));

            // then
            assertThat(replies).allSatisfy(reply -> {
                ReplyException failure = awaitFailure(reply);
                assertThat(failure.failureCode()).isEqualTo(503);
                assertThat(failure.getMessage()).isEqualTo("store failed, retry");
            });
            assertThat(latest.failureCode()).isEqualTo(503);
            assertThat(latest.getMessage()).isEqualTo("telemetry store unavailable");
            assertThat(counter(meters, "carlink.telemetry.samples.stored")).isEqualTo(1);
            assertThat(rejected(meters, "store_failed")).isEqualTo(3);
        } finally {
            join(vertx.close());
            db.close(); // stopping PostgreSQL twice is a no-op
        }
    }
}
