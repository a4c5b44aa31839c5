package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.TelemetryIngest;
import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.proto.v1.Telemetry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Driver-monitoring telemetry (fatigue level, eyes on road) is personal data kept only for cars whose owner opted in
 * to the fatigue service: the whole system, samples sent on the gateway's bus address, the owner's choice made on the
 * API. What is kept: raw rows, rollups, latest state. That the values are also cleared after the group's retention
 * is proven by {@code TimeSeriesIT.retention_dropsOldPartitionsAndRollups_andClearsGroupsEarlier_rawAndDownsampled}.
 */
class DriverMonitoringConsentIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String FATIGUE = "Vehicle.Driver.FatigueLevel";
    private static final String EYES = "Vehicle.Driver.IsEyesOnRoad";
    private static final String CABIN = "Vehicle.Cabin.HVAC.AmbientAirTemperature";

    private static TestSystem system;
    private static String alice;
    private static final Map<String, Long> seqs = new HashMap<>();
    private static final Instant BASE =
            Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.MINUTES);

    @BeforeAll
    static void start() {
        system = TestSystem.start();
        alice = system.login("alice");
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    void aCarNotOptedIn_keepsNoDriverMonitoringValues_butAllItsOtherSignals() {
        // given
        String vin = "SMCAR000000000711";
        system.enrollCar(vin, "alice", false);

        // when: the car reports fatigue and eyes on road in every sample
        for (int i = 0; i < 5; i++) {
            send(vin);
        }

        // then: stored (the reply follows the commit), without the driver-monitoring values
        assertThat(rows(vin)).isEqualTo(5);
        assertThat(rowsWithCabin(vin)).isEqualTo(5);
        assertThat(rowsWithDriverMonitoring(vin)).isZero();
        JsonObject signals = system.awaitState(alice, vin).getJsonObject("signals");
        assertThat(signals.getDouble(CABIN)).isEqualTo(31.5);
        assertThat(signals.fieldNames()).doesNotContain(FATIGUE, EYES);
        JsonObject history = history(vin);
        assertThat(history.encode()).contains(CABIN).doesNotContain("Vehicle.Driver");
        assertThat(rollupDriverMonitoringColumns())
                .as("the rollups have no driver-monitoring values of any car")
                .isZero();
        assertThat(system.metric("carlink_telemetry_driver_monitoring_withheld_total"))
                .isGreaterThanOrEqualTo(5);
    }

    @Test
    void aCarOptedIn_keepsItsDriverMonitoringValues() {
        // given
        String vin = "SMCAR000000000712";
        system.enrollCar(vin, "alice", true);

        // when / then: once the telemetry module heard of the opt-in, every sample keeps them
        awaitKeptDriverMonitoring(vin);
        long before = rowsWithDriverMonitoring(vin);
        for (int i = 0; i < 3; i++) {
            send(vin);
        }
        assertThat(rowsWithDriverMonitoring(vin)).isEqualTo(before + 3);
        JsonObject signals = system.awaitState(
                        alice, vin, s -> s.getJsonObject("signals").containsKey(FATIGUE))
                .getJsonObject("signals");
        assertThat(signals.getString(FATIGUE)).isEqualTo("WARNING");
        assertThat(signals.getBoolean(EYES)).isFalse();
    }

    @Test
    void optingOut_deletesTheCarsDriverMonitoringValues_keepsItsOtherSignals_andLeavesOtherCarsAlone() {
        // given: two opted-in cars with driver-monitoring values stored
        String vin = "SMCAR000000000713";
        String other = "SMCAR000000000714";
        system.enrollCar(vin, "alice", true);
        system.enrollCar(other, "alice", true);
        awaitKeptDriverMonitoring(vin);
        awaitKeptDriverMonitoring(other);
        long stored = rows(vin);
        long otherKept = rowsWithDriverMonitoring(other);

        // when
        TestSystem.Reply reply =
                system.put(alice, "/api/v1/vehicles/" + vin + "/fatigue-service", "{\"optedIn\":false}");

        // then
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(rowsWithDriverMonitoring(vin)).isZero();
            assertThat(system.get(alice, "/api/v1/vehicles/" + vin + "/state")
                            .json()
                            .getJsonObject("signals")
                            .fieldNames())
                    .doesNotContain(FATIGUE, EYES);
        });
        assertThat(rows(vin)).as("the samples stay").isEqualTo(stored);
        assertThat(rowsWithCabin(vin)).isEqualTo(stored);
        assertThat(rowsWithDriverMonitoring(other)).isEqualTo(otherKept);
        // and a sample sent after the opt-out keeps none
        send(vin);
        assertThat(rowsWithDriverMonitoring(vin)).isZero();
        assertThat(rows(vin)).isEqualTo(stored + 1);
    }

    @Test
    void afterARestart_consentIsLoadedAgain_andValuesOfACarNotOptedInThatSlippedInAreCleared() {
        // given: an opted-in car, and a car not opted in with driver-monitoring values in its raw rows (stored
        // while the telemetry module did not hear its opt-out, or before consent was required)
        String in = "SMCAR000000000715";
        String out = "SMCAR000000000716";
        system.enrollCar(in, "alice", true);
        system.enrollCar(out, "alice", false);
        awaitKeptDriverMonitoring(in);
        send(out);
        send(out);
        long kept = rowsWithDriverMonitoring(in);
        system.count(
                "WITH u AS (UPDATE telemetry.telemetry SET fatigue_level = 2, is_eyes_on_road = false WHERE vin = ?"
                        + " RETURNING 1) SELECT count(*) FROM u",
                out);
        assertThat(rowsWithDriverMonitoring(out)).isEqualTo(2);

        // when
        system.restart();

        // then
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(rowsWithDriverMonitoring(out)).isZero());
        assertThat(rowsWithDriverMonitoring(in)).isEqualTo(kept);
        assertThat(rowsWithCabin(out)).isEqualTo(2);
        awaitKeptDriverMonitoring(in);
        send(out);
        assertThat(rowsWithDriverMonitoring(out)).isZero();
    }

    /**
     * Sends samples until one keeps its driver-monitoring values: the opt-in reaches the telemetry module by a
     * publication after the API answered, and samples before it are stored without them (it fails closed).
     */
    private static void awaitKeptDriverMonitoring(String vin) {
        await().atMost(PATIENCE).untilAsserted(() -> {
            long seq = send(vin);
            assertThat(system.count(
                            "SELECT count(*) FROM telemetry.telemetry WHERE vin = ? AND seq = ?"
                                    + " AND fatigue_level IS NOT NULL AND is_eyes_on_road IS NOT NULL",
                            vin,
                            seq))
                    .isEqualTo(1);
        });
    }

    /** Stores one sample (cabin 31.5 °C, 80 km/h, fatigue WARNING, eyes off the road); returns its seq. */
    private static long send(String vin) {
        long seq = seqs.merge(vin, 1L, Long::sum);
        Telemetry t = Telemetry.newBuilder()
                .setSeq(seq)
                .setTimestampMs(BASE.plusSeconds(seq).toEpochMilli())
                .setCabinTemperatureC(31.5f)
                .setSpeedKmh(80)
                .setFatigueLevel(FatigueLevel.FATIGUE_LEVEL_WARNING)
                .setIsEyesOnRoad(false)
                .build();
        TelemetryIngest ingest = TelemetryIngest.newBuilder()
                .setVin(vin)
                .setTelemetry(t)
                .setReceivedAtMs(System.currentTimeMillis())
                .build();
        system.server
                .vertx()
                .eventBus()
                .request(BusAddress.TELEMETRY_INGEST, Buffer.buffer(ingest.toByteArray()))
                .await();
        return seq;
    }

    private static JsonObject history(String vin) {
        TestSystem.Reply reply = system.get(
                alice,
                "/api/v1/vehicles/" + vin + "/telemetry?bucket=1m&from=" + BASE.minus(Duration.ofHours(1)) + "&to="
                        + Instant.now());
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json();
    }

    private static long rows(String vin) {
        return system.count("SELECT count(*) FROM telemetry.telemetry WHERE vin = ?", vin);
    }

    private static long rowsWithCabin(String vin) {
        return system.count(
                "SELECT count(*) FROM telemetry.telemetry WHERE vin = ? AND cabin_temperature_c IS NOT NULL"
                        + " AND speed_kmh IS NOT NULL",
                vin);
    }

    private static long rowsWithDriverMonitoring(String vin) {
        return system.count(
                "SELECT count(*) FROM telemetry.telemetry WHERE vin = ?"
                        + " AND (fatigue_level IS NOT NULL OR is_eyes_on_road IS NOT NULL)",
                vin);
    }

    private static long rollupDriverMonitoringColumns() {
        return system.count("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'telemetry'"
                + " AND table_name IN ('rollup_1m', 'rollup_1h')"
                + " AND (column_name LIKE 'fatigue%' OR column_name LIKE 'is_eyes%')");
    }
}
