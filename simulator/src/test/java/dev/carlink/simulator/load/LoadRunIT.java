package dev.carlink.simulator.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.Vins;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load generator against a real MQTT server on loopback. */
class LoadRunIT {

    private static List<VehicleCredentials> fleet(AckingServer server, int cars, long first) {
        List<VehicleCredentials> out = new ArrayList<>();
        for (int i = 0; i < cars; i++) {
            VehicleCredentials c = new VehicleCredentials(Vins.simulatorVin(first + i), "secret-" + i);
            server.register(c.vin(), c.secret());
            out.add(c);
        }
        return out;
    }

    private static LoadConfig config(AckingServer server, double rate, Duration duration, Path dir) {
        return config(server, rate, duration, dir, null, 0);
    }

    private static LoadConfig config(
            AckingServer server, double rate, Duration duration, Path dir, Duration stormAt, double fraction) {
        return new LoadConfig(
                URI.create("tcp://127.0.0.1:" + server.port()),
                rate,
                duration,
                Duration.ofMillis(500),
                Duration.ofSeconds(1),
                1,
                1000,
                LoadConfig.DEFAULT_MAX_CONNECTING,
                LoadConfig.DEFAULT_MAX_IN_FLIGHT,
                SourceAddresses.count(2),
                dir,
                stormAt,
                fraction);
    }

    @Test
    void aCleanRun_sendsAtTheRate_everyMessageAcknowledgedOnce_andWritesTheReports(@TempDir Path dir) throws Exception {
        try (AckingServer server = new AckingServer()) {
            List<String> progress = new CopyOnWriteArrayList<>();

            LoadReport report = new LoadRun(
                            config(server, 1000, Duration.ofSeconds(3), dir), fleet(server, 200, 1), progress::add)
                    .run();

            assertThat(report.passed()).as(report.toText()).isTrue();
            assertThat(report.connected()).isEqualTo(200);
            assertThat(report.intended()).isEqualTo(3500);
            assertThat(report.sent()).isEqualTo(report.intended()).isEqualTo(report.acked());
            assertThat(report.sent()).isEqualTo(report.acked() + report.lost());
            assertThat(report.lost()).isZero();
            assertThat(report.duplicates()).isZero();
            assertThat(server.received()).isEqualTo(report.sent());
            assertThat(report.measured()).isEqualTo(3000);
            assertThat(report.latency().count()).isEqualTo(3000);
            assertThat(report.throughput()).isEqualTo(1000.0);
            assertThat(report.series()).hasSizeGreaterThanOrEqualTo(3);
            assertThat(report.series().get(0).second()).isEqualTo(1);
            assertThat(progress).anyMatch(line -> line.startsWith("connected: 200/200"));
            assertThat(progress).anyMatch(line -> line.contains("warm-up"));
            assertThat(progress).anyMatch(line -> line.contains("measure") && line.contains("p99"));
            JsonObject json = new JsonObject(Files.readString(dir.resolve("report.json")));
            assertThat(json.getJsonObject("messages").getLong("acknowledged")).isEqualTo(3500);
            assertThat(json.getJsonObject("messages").getLong("lost")).isZero();
            assertThat(json.getJsonArray("series")).hasSize(report.series().size());
            assertThat(Files.readString(dir.resolve("report.html"))).contains("<svg");
        }
    }

    @Test
    void withheldAcknowledgements_areCountedLost_andTheRunFails(@TempDir Path dir) throws Exception {
        try (AckingServer server = new AckingServer(10, 0)) {
            LoadReport report = new LoadRun(
                            config(server, 300, Duration.ofSeconds(1), dir), fleet(server, 30, 1001), line -> {})
                    .run();

            assertThat(report.passed()).isFalse();
            assertThat(report.lost()).isEqualTo(server.withheld()).isPositive();
            assertThat(report.sent()).isEqualTo(report.acked() + report.lost());
            assertThat(report.duplicates()).isZero();
            assertThat(report.problems()).anyMatch(p -> p.contains("never acknowledged"));
        }
    }

    @Test
    void aGatewayThatNeverAcknowledges_fillsEveryWindow_theRestWaitsInTheBacklog_andIsNeverSent(@TempDir Path dir)
            throws Exception {
        try (AckingServer server = new AckingServer(1, 0)) {
            LoadReport report = new LoadRun(
                            config(server, 400, Duration.ofSeconds(1), dir), fleet(server, 10, 6001), line -> {})
                    .run();

            assertThat(report.intended()).isEqualTo(600);
            assertThat(report.sent())
                    .isEqualTo(10L * LoadConfig.DEFAULT_MAX_IN_FLIGHT)
                    .isEqualTo(server.received());
            assertThat(report.acked()).isZero();
            assertThat(report.lost()).isEqualTo(report.sent());
            assertThat(report.backlogged()).isEqualTo(400);
            assertThat(report.notSent()).isEqualTo(400);
            assertThat(report.errors()).containsEntry("backlog not sent before the drain ended", 400L);
            assertThat(report.series())
                    .last()
                    .extracting(LoadReport.Second::backlogged)
                    .isEqualTo(400L);
            assertThat(report.passed()).isFalse();
        }
    }

    @Test
    void aRefusedCar_isCountedByItsConnackCode_andTheOthersCarryTheRate(@TempDir Path dir) throws Exception {
        try (AckingServer server = new AckingServer()) {
            List<VehicleCredentials> cars = new ArrayList<>(fleet(server, 10, 2001));
            cars.add(new VehicleCredentials(Vins.simulatorVin(2999), "not-registered"));

            LoadReport report = new LoadRun(config(server, 100, Duration.ofSeconds(1), dir), cars, line -> {}).run();

            assertThat(report.connectFailed()).isEqualTo(1);
            assertThat(report.connected()).isEqualTo(10);
            assertThat(report.errors())
                    .containsExactly(Map.entry(
                            "connect refused: CONNACK 0x04 CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD", 1L));
            assertThat(report.acked()).isEqualTo(report.intended()).isEqualTo(150);
            assertThat(report.notSent()).isZero();
            assertThat(report.passed()).isFalse();
        }
    }

    @Test
    void refusalsOnTheErrorsTopic_areCountedByCode_andTheRunFails(@TempDir Path dir) throws Exception {
        try (AckingServer server = new AckingServer(0, 50)) {
            LoadReport report = new LoadRun(
                            config(server, 200, Duration.ofSeconds(1), dir), fleet(server, 20, 4001), line -> {})
                    .run();

            assertThat(report.acked()).isEqualTo(report.sent()).isEqualTo(300);
            assertThat(report.errors()).containsEntry("publish error: ERROR_CODE_INVALID_VALUE", 6L);
            assertThat(report.passed()).isFalse();
        }
    }

    @Test
    void aBackendThatIsNotThere_isSummarisedByReason_andNothingIsSent(@TempDir Path dir) throws Exception {
        int port;
        try (AckingServer gone = new AckingServer()) {
            port = gone.port();
        }
        LoadConfig config = new LoadConfig(
                URI.create("tcp://127.0.0.1:" + port),
                100,
                Duration.ofSeconds(1),
                Duration.ZERO,
                Duration.ZERO,
                1,
                1000,
                10,
                10,
                List.of("127.0.0.1"),
                dir,
                null,
                0);
        List<VehicleCredentials> cars = List.of(
                new VehicleCredentials(Vins.simulatorVin(5001), "s1"),
                new VehicleCredentials(Vins.simulatorVin(5002), "s2"));

        LoadReport report = new LoadRun(config, cars, line -> {}).run();

        assertThat(report.connectFailed()).isEqualTo(2);
        assertThat(report.errors()).containsOnlyKeys("connect failed: connection refused (is the gateway running?)");
        assertThat(report.sent()).isZero();
        assertThat(report.problems()).anyMatch(p -> p.startsWith("no car could connect"));
        assertThat(report.toText()).contains("nothing acknowledged to measure").contains("FAIL");
        assertThat(dir.resolve("report.json")).exists();
    }

    @Test
    void aReconnectStorm_costsLatency_butNoMessage(@TempDir Path dir) throws Exception {
        try (AckingServer server = new AckingServer()) {
            LoadReport report = new LoadRun(
                            config(server, 400, Duration.ofSeconds(2), dir, Duration.ofSeconds(1), 1.0),
                            fleet(server, 40, 3001),
                            line -> {})
                    .run();

            assertThat(report.reconnects()).isEqualTo(40);
            assertThat(report.connected()).isEqualTo(40);
            assertThat(report.lost()).isZero();
            assertThat(report.acked()).isEqualTo(report.intended());
            assertThat(report.errors()).isEmpty();
            assertThat(report.passed()).as(report.toText()).isTrue();
        }
    }
}
