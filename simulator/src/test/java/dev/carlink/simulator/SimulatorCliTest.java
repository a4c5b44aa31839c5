package dev.carlink.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulatorCliTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        CommandLine commandLine = SimulatorCli.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        return commandLine.execute(args);
    }

    /** Valid enrolling arguments with some options replaced or added ({@code option, value} pairs). */
    private static String[] run(String... overrides) {
        List<String> args = new ArrayList<>(List.of(
                "run",
                "--mqtt",
                "tcp://localhost:1883",
                "--api",
                "http://localhost:8080",
                "--staff-user",
                "staff",
                "--staff-password",
                "secret",
                "--owner",
                "alice"));
        for (int i = 0; i < overrides.length; i += 2) {
            int at = args.indexOf(overrides[i]);
            if (at >= 0) {
                args.set(at + 1, overrides[i + 1]);
            } else {
                args.add(overrides[i]);
                args.add(overrides[i + 1]);
            }
        }
        return args.toArray(String[]::new);
    }

    @Test
    void run_withZeroCars_failsNamingCarsAndPrintsNothingToOut() {
        int code = execute(run("--cars", "0"));

        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("--cars must be at least 1, was 0");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void run_withHttpMqttUrl_failsNamingMqtt() {
        int code = execute(run("--mqtt", "http://localhost:1883"));

        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("--mqtt must be tcp://host:port");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void run_withANonCoapUrlForCoap_failsNamingCoap() {
        int code = execute(run("--coap", "http://localhost:5683"));

        assertThat(code).isNotZero();
        assertThat(err.toString())
                .contains("--coap must be coap://host:port or coaps://host:port, was 'http://localhost:5683'");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void run_withMqttUrlWithoutPort_failsNamingMqtt() {
        int code = execute(run("--mqtt", "tcp://localhost"));

        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("--mqtt");
    }

    @Test
    void run_withMalformedApiUrl_failsNamingApi() {
        int code = execute(run("--api", "localhost:8080"));

        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("--api must be http://host:port");
    }

    @Test
    void run_withBadDuration_failsNamingTheValue() {
        int code = execute(run("--duration", "10x"));

        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("--duration").contains("'10x' is not a duration");
    }

    @Test
    void run_withZeroTelemetryInterval_failsNamingIt() {
        int code = execute(run("--telemetry-interval", "0s"));

        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("--telemetry-interval").contains("positive");
    }

    @Test
    void run_withNegativeTimeScale_failsNamingIt() {
        int code = execute(run("--time-scale", "-1"));

        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("--time-scale must be > 0");
    }

    @Test
    void run_withoutMqtt_pointsAtTheLocalSystem() {
        int code = execute("run", "--credentials", "no-such-creds.csv");

        assertThat(code).isNotZero();
        assertThat(err.toString().lines().findFirst().orElseThrow())
                .contains("--credentials")
                .doesNotContain("--mqtt");
    }

    @Test
    void run_withABlankOwner_failsNamingIt() {
        int code = execute("run", "--owner", " ");

        assertThat(code).isNotZero();
        assertThat(err.toString().lines().findFirst().orElseThrow()).isEqualTo("--owner must not be blank");
    }

    @Test
    void run_help_showsTheLocalDefaults() {
        int code = execute("run", "--help");

        assertThat(code).isZero();
        assertThat(out.toString().replaceAll("\\s+", ""))
                .contains("tcp://localhost:1883")
                .contains("http://localhost:8080")
                .contains("1001");
    }

    @Test
    void run_withVinRangePastTheEnd_failsNamingVinStart() {
        int code = execute(run("--vin-start", "999999999999", "--cars", "2"));

        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("--vin-start");
    }

    @Test
    void run_withUnreadableCredentialsFile_failsNamingIt() {
        int code = execute("run", "--mqtt", "tcp://localhost:1883", "--credentials", "does-not-exist.csv");

        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("--credentials file does-not-exist.csv cannot be read");
    }

    @Test
    void run_withCredentialsAndEnrollmentArguments_failsExplainingTheChoice(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("creds.csv"), "SMCAR000000000001,s3cret\n");

        int code = execute(run("--credentials", file.toString()));

        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("--credentials runs the cars of the file without enrolling");
    }

    @Test
    void run_withCredentialsAndCarCount_failsInsteadOfIgnoringIt(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("creds.csv"), "SMCAR000000000001,s3cret\n");

        int code = execute("run", "--mqtt", "tcp://localhost:1883", "--credentials", file.toString(), "--cars", "5");

        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("--cars");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void run_withInvalidCredentialsFile_exitsOneNamingTheLine(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("creds.csv"), "# fleet\nSMCAR000000000001,s3cret\nBADVIN,x\n");

        int code = execute("run", "--mqtt", "tcp://localhost:1", "--credentials", file.toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("line 3").contains("vin must be 17 characters");
        assertThat(out.toString()).doesNotContain("fleet of");
    }

    @Test
    void enroll_withInvalidVin_failsNamingVin() {
        int code = execute(
                "enroll",
                "--api",
                "http://localhost:8080",
                "--staff-user",
                "staff",
                "--staff-password",
                "x",
                "--vin",
                "SMCAR00000000000O",
                "--owner",
                "alice");

        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("--vin").contains("without I, O, Q");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void enroll_withoutOwner_failsNamingIt() {
        int code = execute(
                "enroll", "--api", "http://localhost:8080", "--staff-user", "staff", "--vin", "SMCAR000000000001");

        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("--owner");
    }

    @Test
    void noCommand_printsUsageAndFails() {
        int code = execute();

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("run").contains("enroll");
    }

    @Test
    void help_ofRun_succeedsAndListsTheOptions() {
        int code = execute("run", "--help");

        assertThat(code).isZero();
        assertThat(out.toString()).contains("--fatigue-time-scale").contains("--credentials");
    }

    @Test
    void durations_acceptShortAndIsoForms() {
        assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationConverter.parse("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(DurationConverter.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(DurationConverter.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(DurationConverter.parse("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> DurationConverter.parse("-5s"))
                .isInstanceOf(CommandLine.TypeConversionException.class);
        assertThatThrownBy(() -> DurationConverter.parse("PT0S"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("positive");
    }

    @Test
    void credentialsFile_readsLinesSkippingCommentsAndBlanks(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(
                dir.resolve("creds.csv"), "# vin,secret\n\nSMCAR000000000001, s1 \nSMCAR000000000002,s2\n");

        List<VehicleCredentials> credentials = CredentialsFile.read(file);

        assertThat(credentials)
                .containsExactly(
                        new VehicleCredentials("SMCAR000000000001", "s1"),
                        new VehicleCredentials("SMCAR000000000002", "s2"));
    }

    @Test
    void credentialsFile_withDuplicateVin_isRejectedNamingTheLine(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("creds.csv"), "SMCAR000000000001,a\nSMCAR000000000001,b\n");

        assertThatThrownBy(() -> CredentialsFile.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("twice");
    }

    @Test
    void vehicleCredentials_masksTheSecret() {
        assertThat(new VehicleCredentials("SMCAR000000000001", "hunter2").toString())
                .doesNotContain("hunter2")
                .contains("SMCAR000000000001");
    }

    @Test
    void simulatorVins_arePrefixAndTwelveDigits() {
        assertThat(Vins.simulatorVin(1)).isEqualTo("SMCAR000000000001");
        assertThat(Vins.isValid(Vins.simulatorVin(Vins.MAX_SIMULATOR_NUMBER))).isTrue();
        assertThatThrownBy(() -> Vins.simulatorVin(-1)).hasMessageContaining("car number");
    }
}
