package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.CommandSignatures;
import dev.carlink.proto.v1.ClimateStop;
import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.CommandOutcome;
import dev.carlink.proto.v1.CommandResult;
import dev.carlink.proto.v1.ReasonCode;
import dev.carlink.proto.v1.SignedCommand;
import dev.carlink.proto.v1.SigningKey;
import dev.carlink.proto.v1.SterilizationPhase;
import dev.carlink.proto.v1.SterilizationStart;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.CarConfig;
import dev.carlink.simulator.car.SimulatedCar;
import dev.carlink.simulator.mqtt.MqttCar;
import dev.carlink.simulator.mqtt.MqttCarConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Commands the car can verify, through the whole system: real MQTT, the simulator's car checking every
 * signature. Each refusal reaches the owner as REJECTED with the car's fault code; rotation works without
 * re-enrolling the car.
 */
class SignedCommandsIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private static TestSystem system;
    private static String alice;
    private static String admin;

    @BeforeAll
    static void start() {
        system = TestSystem.start();
        alice = system.login("alice");
        admin = system.login("admin");
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    private static MqttCar connect(VehicleCredentials credentials, Clock clock) throws Exception {
        SimulatedCar simulated = new SimulatedCar(CarConfig.of(credentials.vin()), clock);
        simulated.park();
        MqttCar car = new MqttCar(
                credentials,
                simulated,
                MqttCarConfig.of(URI.create(system.mqttUri())).withTelemetryInterval(Duration.ofMillis(500)));
        car.connect().get(30, TimeUnit.SECONDS);
        await().atMost(PATIENCE).until(() -> system.get(alice, "/api/v1/vehicles/" + credentials.vin())
                .json()
                .getBoolean("online", false));
        return car;
    }

    private static JsonObject stopClimate(String vin) {
        TestSystem.Reply reply = system.post(
                alice,
                "/api/v1/vehicles/" + vin + "/commands",
                new JsonObject().put("type", "CLIMATE_STOP").encode());
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json();
    }

    private static JsonObject settled(String vin, String id) {
        JsonObject[] last = new JsonObject[1];
        await().atMost(PATIENCE).untilAsserted(() -> {
            last[0] = system.get(alice, "/api/v1/vehicles/" + vin + "/commands/" + id)
                    .json();
            assertThat(last[0].getBoolean("final")).as(last[0].encode()).isTrue();
        });
        return last[0];
    }

    @Test
    void aCarThatDoesNotTrustTheBackendsKey_refusesEveryCommand_andTheOwnerSeesWhy() throws Exception {
        String vin = "SMCAR000000000701";
        VehicleCredentials enrolled = system.enrollCar(vin, "alice");
        SigningKey impostor = SigningKey.newBuilder()
                .setKeyId(enrolled.signingKeys().get(0).getKeyId())
                .setPublicKey(ByteString.copyFrom(
                        CommandSignatures.newKeyPair().getPublic().getEncoded()))
                .build();
        try (MqttCar car =
                connect(new VehicleCredentials(vin, enrolled.secret(), List.of(impostor)), Clock.systemUTC())) {
            JsonObject command = settled(vin, stopClimate(vin).getString("id"));

            assertThat(command.getString("status")).isEqualTo("REJECTED");
            assertThat(command.getString("reasonCode")).isEqualTo("SIGNATURE_INVALID");
            assertThat(car.car().executedCommandIds()).isEmpty();
        }
    }

    @Test
    void aCarWhoseClockIsAheadOfTheSignaturesValidity_refusesItAsExpired() throws Exception {
        String vin = "SMCAR000000000702";
        VehicleCredentials credentials = system.enrollCar(vin, "alice");
        Clock aheadByTwoMinutes = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2));
        try (MqttCar car = connect(credentials, aheadByTwoMinutes)) {
            JsonObject command = settled(vin, stopClimate(vin).getString("id"));

            assertThat(command.getString("status")).isEqualTo("REJECTED");
            assertThat(command.getString("reasonCode")).isEqualTo("SIGNATURE_EXPIRED");
        }
    }

    @Test
    void aForgedOrUnsignedCommand_injectedPastTheBackend_isRefusedByTheCar() throws Exception {
        String vin = "SMCAR000000000703";
        VehicleCredentials credentials = system.enrollCar(vin, "alice");
        try (MqttCar car = connect(credentials, Clock.systemUTC())) {
            Command command = Command.newBuilder()
                    .setId(UUID.randomUUID().toString())
                    .setVin(vin)
                    .setCounter(1_000_000)
                    .setValidUntilMs(System.currentTimeMillis() + 30_000)
                    .setClimateStop(ClimateStop.getDefaultInstance())
                    .build();
            SignedCommand forged = SignedCommand.newBuilder()
                    .setCommand(command.toByteString())
                    .setKeyId(credentials.signingKeys().get(0).getKeyId())
                    .setSignature(ByteString.copyFrom(new byte[64]))
                    .build();

            system.server
                    .vertx()
                    .eventBus()
                    .request(BusAddress.commandDelivery(vin), Buffer.buffer(forged.toByteArray()))
                    .await();

            await().atMost(PATIENCE)
                    .until(() -> car.verifier().refusals().containsKey(ReasonCode.REASON_CODE_SIGNATURE_INVALID));
            assertThat(car.car().executedCommandIds()).isEmpty();
        }
    }

    @Test
    void afterAKeyRotation_theCarLearnsTheNewKeyFromItsNextCommand_andTheOldKeyCanBeRetired() throws Exception {
        String vin = "SMCAR000000000704";
        VehicleCredentials credentials = system.enrollCar(vin, "alice");
        String oldKey = credentials.signingKeys().get(0).getKeyId();
        try (MqttCar car = connect(credentials, Clock.systemUTC())) {
            TestSystem.Reply rotated = system.post(admin, "/api/v1/admin/signing-keys/rotate", "");
            assertThat(rotated.status()).as(rotated.body()).isEqualTo(201);
            String newKey = rotated.json().getString("keyId");
            assertThat(system.post(alice, "/api/v1/admin/signing-keys/rotate", "")
                            .status())
                    .isEqualTo(403);

            JsonObject first = settled(vin, stopClimate(vin).getString("id"));
            assertThat(first.getString("status")).isEqualTo("SUCCEEDED");
            assertThat(car.verifier().trustedKeyIds()).containsExactly(oldKey, newKey);
            await().atMost(PATIENCE)
                    .until(() -> system.count(
                                    "SELECT count(*) FROM command.vehicles WHERE vin = ? AND trusted_key_id = ?",
                                    vin,
                                    newKey)
                            == 1);
            assertThat(keyState(newKey).getString("state")).isEqualTo("ACTIVE");
            assertThat(keyState(oldKey).getString("state")).isEqualTo("PREVIOUS");

            TestSystem.Reply retired =
                    system.post(admin, "/api/v1/admin/signing-keys/" + oldKey + "/retire?force=true", "");
            assertThat(retired.status()).as(retired.body()).isEqualTo(200);
            JsonObject second = settled(vin, stopClimate(vin).getString("id"));
            assertThat(second.getString("status")).isEqualTo("SUCCEEDED");
            assertThat(second.getJsonArray("transitions").encode()).contains("signed with key " + newKey);
            assertThat(system.get(null, "/api/v1/signing-keys").json().encode())
                    .contains(newKey)
                    .doesNotContain(oldKey);
        }
    }

    private static JsonObject keyState(String keyId) {
        TestSystem.Reply keys = system.get(admin, "/api/v1/admin/signing-keys");
        assertThat(keys.status()).as(keys.body()).isEqualTo(200);
        return keys.json().getJsonArray("signingKeys").stream()
                .map(JsonObject.class::cast)
                .filter(k -> k.getString("keyId").equals(keyId))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void everyAttack_deliveredThroughTheGateway_isRefusedByTheCarWithItsFaultCode_andNothingRuns() throws Exception {
        // given: two of alice's cars, each having run one genuine command an attacker on the path captured
        VehicleCredentials target = system.enrollCar("SMCAR000000000705", "alice");
        VehicleCredentials other = system.enrollCar("SMCAR000000000706", "alice");
        try (MqttCar car = connect(target, Clock.systemUTC());
                MqttCar otherCar = connect(other, Clock.systemUTC())) {
            String genuineId = stopClimate(target.vin()).getString("id");
            assertThat(settled(target.vin(), genuineId).getString("status")).isEqualTo("SUCCEEDED");
            SignedCommand genuine = car.lastAcceptedCommand().orElseThrow();
            String otherId = stopClimate(other.vin()).getString("id");
            assertThat(settled(other.vin(), otherId).getString("status")).isEqualTo("SUCCEEDED");
            SignedCommand forAnotherCar = otherCar.lastAcceptedCommand().orElseThrow();
            Command sterilize = Command.newBuilder()
                    .setVin(target.vin())
                    .setCounter(2_000_000)
                    .setValidUntilMs(System.currentTimeMillis() + 30_000)
                    .setSterilizationStart(SterilizationStart.newBuilder()
                            .setTargetTemperatureC(60)
                            .setHoldS(900)
                            .setVentilateS(300)
                            .setChecklistConfirmed(true))
                    .build();
            KeyPair attacker = CommandSignatures.newKeyPair();
            String backendKeyId =
                    target.signingKeys().get(target.signingKeys().size() - 1).getKeyId();
            Command changed = Command.parseFrom(genuine.getCommand()).toBuilder()
                    .setId(UUID.randomUUID().toString())
                    .build();
            Map<String, SignedCommand> attacks = new LinkedHashMap<>();
            attacks.put("for another car", forAnotherCar);
            attacks.put(
                    "downgraded to unsigned",
                    SignedCommand.newBuilder()
                            .setCommand(withId(sterilize).toByteString())
                            .build());
            attacks.put("signed with the attacker's own key", signed(withId(sterilize), attacker, "attacker-key"));
            attacks.put("forged under the backend's key id", signed(withId(sterilize), attacker, backendKeyId));
            attacks.put(
                    "tampered",
                    genuine.toBuilder().setCommand(changed.toByteString()).build());
            Map<String, ReasonCode> expected = Map.of(
                    "for another car", ReasonCode.REASON_CODE_WRONG_VIN,
                    "downgraded to unsigned", ReasonCode.REASON_CODE_SIGNATURE_MISSING,
                    "signed with the attacker's own key", ReasonCode.REASON_CODE_UNKNOWN_SIGNING_KEY,
                    "forged under the backend's key id", ReasonCode.REASON_CODE_SIGNATURE_INVALID,
                    "tampered", ReasonCode.REASON_CODE_SIGNATURE_INVALID);

            List<String> gatewayRefused = new java.util.ArrayList<>();
            for (Map.Entry<String, SignedCommand> attack : attacks.entrySet()) {
                // when: delivered to the car through the gateway, as if the backend had sent it; what the gateway
                // itself refuses (no signature, another car's VIN) reaches the car from the network path instead
                String id = Command.parseFrom(attack.getValue().getCommand()).getId();
                try {
                    system.server
                            .vertx()
                            .eventBus()
                            .request(
                                    BusAddress.commandDelivery(target.vin()),
                                    Buffer.buffer(attack.getValue().toByteArray()))
                            .await();
                } catch (io.vertx.core.eventbus.ReplyException refused) {
                    gatewayRefused.add(attack.getKey());
                    car.deliverAsIfReceived(attack.getValue().toByteArray());
                }

                // then: refused with its fault code
                await().atMost(PATIENCE)
                        .untilAsserted(() -> assertThat(car.verifier().refusalOf(id))
                                .as(attack.getKey())
                                .contains(expected.get(attack.getKey())));
            }
            assertThat(gatewayRefused).containsExactly("for another car", "downgraded to unsigned");
            // when: the captured genuine command is replayed as it is (within its 30 s validity it cannot be told
            // from an MQTT redelivery, so the car answers it from its memory; after that it is SIGNATURE_EXPIRED,
            // and a used counter under another id is REPLAYED, see CommandVerifierTest)
            system.server
                    .vertx()
                    .eventBus()
                    .request(BusAddress.commandDelivery(target.vin()), Buffer.buffer(genuine.toByteArray()))
                    .await();
            // then: nothing ran but the one genuine command, once, and no cabin was heated
            await().during(Duration.ofSeconds(2))
                    .atMost(PATIENCE)
                    .until(() -> car.car().results().stream()
                                    .filter(r -> r.getStatus() == CommandOutcome.COMMAND_OUTCOME_SUCCEEDED)
                                    .count()
                            == 1);
            assertThat(car.car().results().stream()
                            .filter(r -> r.getStatus() == CommandOutcome.COMMAND_OUTCOME_SUCCEEDED)
                            .map(CommandResult::getCommandId))
                    .containsExactly(genuineId);
            assertThat(car.car().sterilizationPhase()).isEqualTo(SterilizationPhase.STERILIZATION_PHASE_IDLE);
        }
    }

    private static Command withId(Command command) {
        return command.toBuilder().setId(UUID.randomUUID().toString()).build();
    }

    private static SignedCommand signed(Command command, KeyPair key, String keyId) {
        byte[] bytes = command.toByteArray();
        return SignedCommand.newBuilder()
                .setCommand(ByteString.copyFrom(bytes))
                .setKeyId(keyId)
                .setSignature(ByteString.copyFrom(CommandSignatures.sign(key.getPrivate(), bytes)))
                .build();
    }
}
