package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.TelemetryIngest;
import dev.carlink.proto.v1.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The history API over real telemetry storage: two hours of one car's 1 Hz samples, read back as buckets
 * (min/avg/max) at a given and an automatic width, and as raw pages followed by their cursors.
 */
class TelemetryHistoryIT {

    private static final String VIN = "SMCAR000000000901";
    private static final int SAMPLES = 2 * 3600;

    private static TestSystem system;
    private static String alice;
    private static Instant first;

    @BeforeAll
    static void start() {
        system = TestSystem.start();
        system.enroll(VIN, "alice");
        alice = system.login("alice");
        first = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
        List<Future<?>> stored = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            Telemetry t = Telemetry.newBuilder()
                    .setSeq(i + 1)
                    .setTimestampMs(first.plusSeconds(i).toEpochMilli())
                    .setCabinTemperatureC(20 + (i % 300) / 10f) // 20.0 .. 49.9 every five minutes
                    .setStateOfChargePct(80 - i / 720f)
                    .build();
            TelemetryIngest ingest = TelemetryIngest.newBuilder()
                    .setVin(VIN)
                    .setTelemetry(t)
                    .setReceivedAtMs(System.currentTimeMillis())
                    .build();
            stored.add(system.server
                    .vertx()
                    .eventBus()
                    .request(BusAddress.TELEMETRY_INGEST, Buffer.buffer(ingest.toByteArray())));
            if (stored.size() == 2_000) {
                Future.all(stored).await();
                stored.clear();
            }
        }
        Future.all(stored).await();
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    void fiveMinuteBuckets_giveMinAvgMaxOfEachSignal_andCountEverySample() {
        String from = first.toString();
        String to = first.plus(Duration.ofHours(2)).toString();

        TestSystem.Reply reply =
                system.get(alice, "/api/v1/vehicles/" + VIN + "/telemetry?bucket=5m&from=" + from + "&to=" + to);

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonObject body = reply.json();
        assertThat(body.getString("bucket")).isEqualTo("5m");
        assertThat(body.getInteger("bucketSeconds")).isEqualTo(300);
        JsonArray buckets = body.getJsonArray("buckets");
        long total = 0;
        for (Object o : buckets) {
            JsonObject bucket = (JsonObject) o;
            total += bucket.getLong("samples");
            JsonObject cabin =
                    bucket.getJsonObject("signals").getJsonObject("Vehicle.Cabin.HVAC.AmbientAirTemperature");
            assertThat(cabin.getDouble("min")).isGreaterThanOrEqualTo(20.0);
            assertThat(cabin.getDouble("max")).isLessThanOrEqualTo(49.9);
            assertThat(cabin.getDouble("avg")).isBetween(cabin.getDouble("min"), cabin.getDouble("max"));
            assertThat(cabin.getLong("count")).isEqualTo(bucket.getLong("samples"));
        }
        assertThat(total).isEqualTo(SAMPLES);
        JsonObject full = buckets.getJsonObject(buckets.size() / 2);
        assertThat(full.getLong("samples")).as("a whole bucket in the middle").isEqualTo(300);
        assertThat(full.getJsonObject("signals")
                        .getJsonObject("Vehicle.Cabin.HVAC.AmbientAirTemperature")
                        .getDouble("max"))
                .isGreaterThan(45);
    }

    @Test
    void anAutomaticBucket_choosesAWidthForAChart() {
        TestSystem.Reply reply = system.get(
                alice,
                "/api/v1/vehicles/" + VIN + "/telemetry?bucket=auto&from="
                        + Instant.now().minus(Duration.ofDays(1)) + "&to=" + Instant.now());

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().getString("bucket")).isEqualTo("5m");
        long total = reply.json().getJsonArray("buckets").stream()
                .mapToLong(b -> ((JsonObject) b).getLong("samples"))
                .sum();
        assertThat(total).isEqualTo(SAMPLES);
    }

    @Test
    void rawPages_followedByTheirCursors_giveEverySampleOnceInOrder() {
        String path = "/api/v1/vehicles/" + VIN + "/telemetry?limit=1000&from=" + first + "&to="
                + first.plus(Duration.ofHours(2));
        Set<Long> seqs = new HashSet<>();
        long previous = 0;
        int pages = 0;
        String cursor = null;
        do {
            TestSystem.Reply reply = system.get(alice, path + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            for (Object o : reply.json().getJsonArray("samples")) {
                long seq = ((JsonObject) o).getLong("seq");
                assertThat(seq).isGreaterThan(previous);
                assertThat(seqs.add(seq)).isTrue();
                previous = seq;
            }
            cursor = reply.json().getString("next");
            pages++;
        } while (cursor != null);

        assertThat(seqs).hasSize(SAMPLES);
        assertThat(pages).isEqualTo(8);
    }
}
