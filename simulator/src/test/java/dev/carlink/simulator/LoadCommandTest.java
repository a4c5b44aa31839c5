package dev.carlink.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LoadCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = SimulatorCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void aNonLoopbackSourceAddress_isRefused_theLoadGoesOnlyToThisMachine() {
        assertThat(run("load", "--source-addresses", "192.168.1.10", "--rate", "-1"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("loopback").contains("192.168.1.10").contains("rate must be");
    }

    @Test
    void badRateQosAndCars_areEachNamed() {
        assertThat(run("load", "--rate", "0", "--qos", "2", "--cars", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--cars").contains("rate").contains("qos");
    }

    @Test
    void aBadDurationOrWarmup_isRefusedWithExitTwo() {
        assertThat(run("load", "--duration", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("--duration");
    }

    @Test
    void aNegativeConnectLimit_isRefusedWithExitTwo() {
        assertThat(run("load", "--max-connecting", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("max connecting must be at least 1, was 0");
    }

    @Test
    void help_showsTheLocalDefaults() {
        assertThat(run("load", "--help")).isZero();
        assertThat(out.toString().replaceAll("\\s+", ""))
                .contains("tcp://localhost:1883")
                .contains("http://localhost:8080")
                .contains("--source-address-count")
                .contains("--warmup")
                .contains("--drain")
                .contains("--report-dir");
    }
}
