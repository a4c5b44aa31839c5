package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.carlink.proto.VehicleKeys;
import dev.carlink.proto.v1.CoapLogin;
import dev.carlink.proto.v1.CoapSession;
import dev.carlink.proto.v1.CommandBatch;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.simulator.VehicleCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CoAP client that is not ours: libcoap's {@code coap-client} (Debian's libcoap3-bin, installed when missing)
 * against the whole system. It logs in and stores telemetry on plain CoAP, stores telemetry over DTLS with the
 * car's pre-shared key (no login), reads its command batch, and a wrong key gets no session. The commands it
 * runs are the ones docs/vehicle-contract.md shows.
 */
class LibcoapClientIT {

    private static final String PLAIN = "/usr/bin/coap-client-notls";
    private static final String DTLS = "/usr/bin/coap-client-openssl";
    /** CoAP content format application/octet-stream. */
    private static final String OCTET_STREAM = "42";

    private static TestSystem system;
    private static String alice;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        DebianPackage.require("libcoap3-bin", PLAIN);
        DebianPackage.require("libcoap3-bin", DTLS);
        system = TestSystem.start();
        alice = system.login("alice");
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    private record Run(int exit, String output) {}

    private static Run run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("coap-client did not finish: " + command);
        }
        return new Run(
                process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private Path file(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static Telemetry telemetry(float cabin) {
        return Telemetry.newBuilder()
                .setTimestampMs(Instant.now().toEpochMilli())
                .setSeq(System.nanoTime())
                .setCabinTemperatureC(cabin)
                .setStateOfChargePct(64)
                .build();
    }

    private static double cabinOf(String vin) {
        TestSystem.Reply state = system.get(alice, "/api/v1/vehicles/" + vin + "/state");
        return state.status() == 200
                ? state.json()
                        .getJsonObject("signals")
                        .getDouble("Vehicle.Cabin.HVAC.AmbientAirTemperature", Double.NaN)
                : Double.NaN;
    }

    @Test
    void onPlainCoap_coapClientLogsIn_andStoresTelemetryWithTheToken() throws Exception {
        String vin = "LBCAP000000000001";
        VehicleCredentials car = system.enrollCar(vin, "alice");
        String base = "coap://127.0.0.1:" + system.server.coapPort();
        Path login = file(
                "login.bin",
                CoapLogin.newBuilder()
                        .setVin(vin)
                        .setSecret(car.secret())
                        .build()
                        .toByteArray());
        Path session = dir.resolve("session.bin");

        Run loggedIn = run(List.of(
                PLAIN,
                "-m",
                "post",
                "-t",
                OCTET_STREAM,
                "-f",
                login.toString(),
                "-o",
                session.toString(),
                base + "/v1/auth"));
        assertThat(loggedIn.exit()).as(loggedIn.output()).isZero();
        String token = CoapSession.parseFrom(Files.readAllBytes(session)).getToken();
        assertThat(token).isNotEmpty();

        Path sample = file("telemetry.bin", telemetry(31.5f).toByteArray());
        Run stored = run(List.of(
                PLAIN,
                "-m",
                "post",
                "-t",
                OCTET_STREAM,
                "-f",
                sample.toString(),
                base + "/v1/vehicles/" + vin + "/telemetry?t=" + token));

        assertThat(stored.exit()).as(stored.output()).isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> cabinOf(vin) == 31.5);
    }

    @Test
    void overDtls_coapClientWithTheCarsKey_storesTelemetry_andReadsItsCommands_withoutALogin() throws Exception {
        String vin = "LBCAP000000000002";
        VehicleCredentials car = system.enrollCar(vin, "alice");
        String base = "coaps://127.0.0.1:" + system.server.coapDtlsPort() + "/v1/vehicles/" + vin;
        String key = VehicleKeys.dtlsPskText(car.secret());
        Path sample = file("telemetry.bin", telemetry(27.25f).toByteArray());

        Run stored = run(List.of(
                DTLS,
                "-m",
                "post",
                "-t",
                OCTET_STREAM,
                "-u",
                vin,
                "-k",
                key,
                "-f",
                sample.toString(),
                base + "/telemetry"));
        assertThat(stored.exit()).as(stored.output()).isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> cabinOf(vin) == 27.25);

        Path batch = dir.resolve("batch.bin");
        Run read = run(List.of(DTLS, "-m", "get", "-u", vin, "-k", key, "-o", batch.toString(), base + "/commands"));
        assertThat(read.exit()).as(read.output()).isZero();
        // no command is pending: an empty batch, which is an empty payload (coap-client then writes no file)
        byte[] payload = Files.exists(batch) ? Files.readAllBytes(batch) : new byte[0];
        assertThat(CommandBatch.parseFrom(payload).getCommandsList()).isEmpty();
        assertThat(read.output()).doesNotContain("4.0", "5.0");
    }

    @Test
    void overDtls_aWrongKey_getsNoSession_andNothingIsStored() throws Exception {
        String vin = "LBCAP000000000003";
        system.enrollCar(vin, "alice");
        Path sample = file("telemetry.bin", telemetry(45f).toByteArray());
        Path answer = dir.resolve("answer.bin");
        List<String> command = new ArrayList<>(List.of(
                DTLS,
                "-m",
                "post",
                "-t",
                OCTET_STREAM,
                "-u",
                vin,
                "-k",
                VehicleKeys.dtlsPskText("not-the-secret"),
                "-f",
                sample.toString(),
                "-o",
                answer.toString(),
                "-B",
                "5",
                "coaps://127.0.0.1:" + system.server.coapDtlsPort() + "/v1/vehicles/" + vin + "/telemetry"));

        Run refused = run(command);

        assertThat(Files.exists(answer) && Files.size(answer) > 0)
                .as(refused.output())
                .isFalse();
        assertThat(system.get(alice, "/api/v1/vehicles/" + vin + "/state").status())
                .isEqualTo(404);
    }
}
