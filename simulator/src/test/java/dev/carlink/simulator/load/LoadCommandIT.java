package dev.carlink.simulator.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.simulator.SimulatorCli;
import dev.carlink.simulator.Vins;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code carlink-simulator load} end to end, against a stand-in gateway, with cars from a credentials file. */
class LoadCommandIT {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int load(String... args) {
        CommandLine commandLine = SimulatorCli.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        return commandLine.execute(args);
    }

    private static Path credentials(AckingServer server, Path dir, int cars, boolean withStranger) throws Exception {
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < cars; i++) {
            String vin = Vins.simulatorVin(7001 + i);
            server.register(vin, "secret-" + i);
            csv.append(vin).append(",secret-").append(i).append('\n');
        }
        if (withStranger) {
            csv.append(Vins.simulatorVin(7999)).append(",unknown\n");
        }
        return Files.writeString(dir.resolve("creds.csv"), csv.toString());
    }

    @Test
    void load_withCredentials_runsPrintsProgressAndReport_writesTheFiles_andExitsZero(@TempDir Path dir)
            throws Exception {
        try (AckingServer server = new AckingServer()) {
            // given 50 cars the gateway knows
            Path file = credentials(server, dir, 50, false);
            Path reports = dir.resolve("reports");

            // when the load runs for two seconds at 250 msg/s
            int code = load(
                    "load",
                    "--mqtt",
                    "tcp://127.0.0.1:" + server.port(),
                    "--credentials",
                    file.toString(),
                    "--rate",
                    "250",
                    "--duration",
                    "2s",
                    "--warmup",
                    "500ms",
                    "--source-address-count",
                    "2",
                    "--report-dir",
                    reports.toString());

            // then every message was acknowledged and the report says so
            assertThat(code).as(out + "\n" + err).isZero();
            assertThat(out.toString())
                    .contains("connected: 50/50 cars")
                    .contains("measure")
                    .contains("625 due, 625 sent, 625 acknowledged, 0 lost, 0 duplicated, 0 never sent")
                    .contains("result       PASS");
            assertThat(err.toString()).isEmpty();
            assertThat(server.received()).isEqualTo(625);
            JsonObject json = new JsonObject(Files.readString(reports.resolve("report.json")));
            assertThat(json.getBoolean("passed")).isTrue();
            assertThat(json.getJsonObject("config").getDouble("rate")).isEqualTo(250.0);
            assertThat(Files.readString(reports.resolve("report.html"))).contains("<svg");
        }
    }

    @Test
    void load_withACarTheGatewayRefuses_exitsOne_andSaysWhy(@TempDir Path dir) throws Exception {
        try (AckingServer server = new AckingServer()) {
            // given 10 known cars and one the gateway does not know
            Path file = credentials(server, dir, 10, true);

            // when the load runs
            int code = load(
                    "load",
                    "--mqtt",
                    "tcp://127.0.0.1:" + server.port(),
                    "--credentials",
                    file.toString(),
                    "--rate",
                    "100",
                    "--duration",
                    "1s",
                    "--report-dir",
                    dir.resolve("reports").toString());

            // then the run fails, naming the refusal and its CONNACK code; the other cars still sent everything
            assertThat(code).isEqualTo(1);
            assertThat(err.toString())
                    .contains("load failed: 1 car(s) could not connect")
                    .contains("CONNACK 0x04");
            assertThat(out.toString()).contains("100 due, 100 sent, 100 acknowledged, 0 lost");
            assertThat(server.received()).isEqualTo(100);
        }
    }
}
