package dev.carlink.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.simulator.mqtt.FakeGateway;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulatorCliIT {

    @Test
    void run_withCredentialsAndDuration_runsTheFleetAndPrintsASummary(@TempDir Path dir) throws Exception {
        try (FakeGateway gateway = new FakeGateway()) {
            // given credentials for two cars the gateway knows
            gateway.register("SMCAR000000000001", "one");
            gateway.register("SMCAR000000000002", "two");
            Path file = Files.writeString(dir.resolve("creds.csv"), "SMCAR000000000001,one\nSMCAR000000000002,two\n");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine commandLine = SimulatorCli.commandLine();
            commandLine.setOut(new PrintWriter(out));
            commandLine.setErr(new PrintWriter(err));

            // when the fleet runs for three seconds
            int code = commandLine.execute(
                    "run",
                    "--mqtt",
                    "tcp://127.0.0.1:" + gateway.port(),
                    "--credentials",
                    file.toString(),
                    "--telemetry-interval",
                    "500ms",
                    "--duration",
                    "3s");

            // then it ran both cars, printed a summary and exited 0
            assertThat(code).as(err.toString()).isZero();
            assertThat(out.toString())
                    .contains("read credentials of 2 car(s)")
                    .contains("fleet of 2 car(s) running")
                    .contains("summary: cars: 2");
            assertThat(gateway.vinsWithTelemetry()).containsExactlyInAnyOrder("SMCAR000000000001", "SMCAR000000000002");
        }
    }

    @Test
    void run_againstNoBackend_exitsOneSayingNothingWasAcknowledged(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("creds.csv"), "SMCAR000000000001,one\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = SimulatorCli.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));

        // port 1 on loopback: nothing listens there
        int code = commandLine.execute(
                "run", "--mqtt", "tcp://127.0.0.1:1", "--credentials", file.toString(), "--duration", "1s");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("no telemetry was acknowledged");
    }
}
