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

    private static LoadConfig config(AckingServer server, double rate, Path dir) {
        return config(server, rate, dir, null, 0);
    }

    private static LoadConfig config(AckingServer server, double rate, Path dir, Duration stormAt, double fraction) {
        return new LoadConfig(
                URI.create("tcp://127.0.0.1:" + server.port()),
                rate,
                Duration.ofSeconds(2),
                Duration.ofSeconds(1),
                1,
                1000,
                LoadConfig.DEFAULT_MAX_IN_FLIGHT,
                SourceAddresses.count(2),
                dir,
                stormAt,
                fraction);
    }

    @Test
    void aCleanRun_sendsAtTheRate_everyMessageAcknowledgedOnce_andWritesTheReports(@TempDir Path dir) throws Exception {
        try (AckingServer server = new AckingServer(0)) {
            LoadReport report = new LoadRun(config(server, 500, dir), fleet(server, 100, 1), line -> {}).run();

            assertThat(report.passed()).as(report.toText()).isTrue();
            assertThat(report.connected()).isEqualTo(100);
            assertThat(report.sent())
                    .isEqualTo(report.intended())
                    .isEqualTo(report.acked())
                    .isBetween(900L, 1100L);
            assertThat(server.received()).isEqualTo(report.sent());
            assertThat(report.latency().count()).isEqualTo(report.acked());
            assertThat(report.series()).isNotEmpty();
            JsonObject json = new JsonObject(Files.readString(dir.resolve("report.json")));
            assertThat(json.getJsonObject("messages").getLong("lost")).isZero();
            assertThat(Files.readString(dir.resolve("report.html"))).contains("<svg");
        }
    }

    @Test
    void withheldAcknowledgements_areCountedLost_andTheRunFails(@TempDir Path dir) throws Exception {
        try (AckingServer server = new AckingServer(10)) {
            LoadReport report = new LoadRun(config(server, 300, dir), fleet(server, 30, 1001), line -> {}).run();

            assertThat(report.passed()).isFalse();
            assertThat(report.lost()).isEqualTo(report.sent() - report.acked()).isPositive();
            assertThat(report.problems()).anyMatch(p -> p.contains("never acknowledged"));
        }
    }

    @Test
    void aRefusedCar_isCountedByReason_andTheOthersStillRun(@TempDir Path dir) throws Exception {
        try (AckingServer server = new AckingServer(0)) {
            List<VehicleCredentials> cars = new ArrayList<>(fleet(server, 10, 2001));
            cars.add(new VehicleCredentials(Vins.simulatorVin(2999), "not-registered"));

            LoadReport report = new LoadRun(config(server, 100, dir), cars, line -> {}).run();

            assertThat(report.connectFailed()).isEqualTo(1);
            assertThat(report.connected()).isEqualTo(10);
            assertThat(report.errors().keySet()).anyMatch(reason -> reason.startsWith("connect refused"));
            assertThat(report.acked()).isPositive();
            assertThat(report.passed()).isFalse();
        }
    }

    @Test
    void aReconnectStorm_costsLatency_butNoMessage(@TempDir Path dir) throws Exception {
        try (AckingServer server = new AckingServer(0)) {
            LoadReport report = new LoadRun(
                            config(server, 400, dir, Duration.ofSeconds(1), 1.0), fleet(server, 40, 3001), line -> {})
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
