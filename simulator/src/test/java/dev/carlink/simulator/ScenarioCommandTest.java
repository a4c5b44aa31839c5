package dev.carlink.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ScenarioCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = SimulatorCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void list_namesEveryShippedScenario() {
        assertThat(run("scenario", "--list")).isZero();
        assertThat(out.toString()).contains("hot-afternoon-ac.json").contains("sterilization-door-opened-aborts.json");
    }

    @Test
    void aBrokenScenarioFile_isExit2_withItsPlace(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, "{\"name\": \"x\", \"car\": {}, \"steps\": [{\"do\": \"fly\"}]}");

        assertThat(run("scenario", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("broken.json.steps[0].do").contains("fly");
    }

    @Test
    void badUrlsAndTimeScale_areExit2_eachNamed() {
        assertThat(run("scenario", "--api", "ftp://x", "--mqtt", "nope", "--time-scale", "0"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--api").contains("--mqtt").contains("--time-scale");
    }

    @Test
    void help_describesTheCommand() {
        assertThat(run("scenario", "--help")).isZero();
        assertThat(out.toString()).contains("--junit-xml").contains("--owner-password");
    }
}
