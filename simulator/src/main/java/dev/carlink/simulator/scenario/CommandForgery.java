package dev.carlink.simulator.scenario;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.CommandSignatures;
import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.SignedCommand;
import dev.carlink.proto.v1.SterilizationStart;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.mqtt.MqttCar;
import java.security.KeyPair;
import java.util.List;
import java.util.UUID;

/**
 * Makes the commands an attacker past the backend could hand a car (see {@link Scenario.Attack}). The
 * attacker has its own Ed25519 key, knows the car's VIN and the backend's public key ids, and may have
 * captured genuine commands on the way; it never has the backend's private key.
 */
final class CommandForgery {

    /** What to deliver and the command id the car will see. */
    record Injected(String commandId, byte[] payload) {}

    private static final long VALIDITY_MS = 60_000;

    private final KeyPair attackerKey = CommandSignatures.newKeyPair();

    Injected make(Scenario.Attack attack, String vin, VehicleCredentials credentials, MqttCar car) {
        return switch (attack) {
            case UNSIGNED -> {
                Command command = sterilization(vin);
                yield new Injected(
                        command.getId(),
                        SignedCommand.newBuilder()
                                .setCommand(command.toByteString())
                                .build()
                                .toByteArray());
            }
            case UNKNOWN_KEY -> signedByAttacker(sterilization(vin), "attacker-key");
            case FORGED -> {
                List<dev.carlink.proto.v1.SigningKey> keys = credentials.signingKeys();
                yield signedByAttacker(
                        sterilization(vin), keys.get(keys.size() - 1).getKeyId());
            }
            case TAMPERED -> {
                SignedCommand genuine = captured(car, attack);
                Command changed = parse(genuine).toBuilder()
                        .setId(UUID.randomUUID().toString())
                        .build();
                yield new Injected(
                        changed.getId(),
                        genuine.toBuilder()
                                .setCommand(changed.toByteString())
                                .build()
                                .toByteArray());
            }
            case REPLAYED -> {
                SignedCommand genuine = captured(car, attack);
                yield new Injected(parse(genuine).getId(), genuine.toByteArray());
            }
        };
    }

    /** The most dangerous thing to make a car do: heat its cabin to 60 °C. */
    private static Command sterilization(String vin) {
        return Command.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setVin(vin)
                .setCounter(Long.MAX_VALUE / 2)
                .setValidUntilMs(System.currentTimeMillis() + VALIDITY_MS)
                .setSterilizationStart(SterilizationStart.newBuilder()
                        .setTargetTemperatureC(60)
                        .setHoldS(900)
                        .setVentilateS(300)
                        .setChecklistConfirmed(true))
                .build();
    }

    private Injected signedByAttacker(Command command, String keyId) {
        byte[] bytes = command.toByteArray();
        return new Injected(
                command.getId(),
                SignedCommand.newBuilder()
                        .setCommand(ByteString.copyFrom(bytes))
                        .setKeyId(keyId)
                        .setSignature(ByteString.copyFrom(CommandSignatures.sign(attackerKey.getPrivate(), bytes)))
                        .build()
                        .toByteArray());
    }

    private static SignedCommand captured(MqttCar car, Scenario.Attack attack) {
        return car.lastAcceptedCommand()
                .orElseThrow(() -> new IllegalStateException(
                        attack + ": the car has not received a genuine command yet to capture"));
    }

    private static Command parse(SignedCommand signed) {
        try {
            return Command.parseFrom(signed.getCommand());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a command the car accepted does not parse", e);
        }
    }
}
