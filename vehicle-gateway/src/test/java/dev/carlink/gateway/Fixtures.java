package dev.carlink.gateway;

import dev.carlink.proto.v1.ClimateStart;
import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.CommandOutcome;
import dev.carlink.proto.v1.CommandResult;
import dev.carlink.proto.v1.FatigueAlert;
import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.proto.v1.SignedCommand;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.proto.v1.TripChanged;
import dev.carlink.proto.v1.VehicleEvent;
import java.util.UUID;

/** Topics and payloads a car sends or receives. */
final class Fixtures {

    /**
     * Not protobuf: field 1 declared length-delimited, then a length varint that never ends. No
     * message type accepts it.
     */
    static final byte[] GARBAGE = {
        0x0a, // field 1, wire type 2 (length-delimited)
        (byte) 0xff, // length varint, continuation bit set...
        (byte) 0xff, // ...and again...
        (byte) 0xff // ...and the packet ends
    };

    private static final long NOW_MS = 1_760_000_000_000L;

    private Fixtures() {}

    static String topic(String vin, String kind) {
        return "v1/vehicles/" + vin + "/" + kind;
    }

    static Telemetry telemetry(long seq) {
        return Telemetry.newBuilder()
                .setTimestampMs(NOW_MS + seq * 1_000)
                .setSeq(seq)
                .setCabinTemperatureC(38.5f)
                .setStateOfChargePct(64f)
                .build();
    }

    static VehicleEvent event(long seq) {
        return VehicleEvent.newBuilder()
                .setTimestampMs(NOW_MS + seq * 1_000)
                .setSeq(seq)
                .setFatigueAlert(FatigueAlert.newBuilder().setLevel(FatigueLevel.FATIGUE_LEVEL_WARNING))
                .build();
    }

    static VehicleEvent tripStarted(long seq) {
        return VehicleEvent.newBuilder()
                .setTimestampMs(NOW_MS + seq * 1_000)
                .setSeq(seq)
                .setTripChanged(TripChanged.newBuilder().setStarted(true))
                .build();
    }

    static CommandResult result(String commandId) {
        return CommandResult.newBuilder()
                .setCommandId(commandId)
                .setStatus(CommandOutcome.COMMAND_OUTCOME_SUCCEEDED)
                .setTimestampMs(NOW_MS)
                .build();
    }

    /**
     * The envelope the command-service hands the gateway. The gateway forwards it unchanged and does not
     * verify it (the car does), so a placeholder signature serves here.
     */
    static SignedCommand signed(Command command) {
        return SignedCommand.newBuilder()
                .setCommand(command.toByteString())
                .setKeyId("test-key")
                .setSignature(com.google.protobuf.ByteString.copyFrom(new byte[64]))
                .build();
    }

    /** The command inside what the car received. */
    static Command commandAtCar(byte[] payload) throws com.google.protobuf.InvalidProtocolBufferException {
        return Command.parseFrom(SignedCommand.parseFrom(payload).getCommand());
    }

    static Command climateStart(String vin) {
        return Command.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setVin(vin)
                .setIssuedAtMs(NOW_MS)
                .setExpiresAtMs(NOW_MS + 60_000)
                .setClimateStart(
                        ClimateStart.newBuilder().setTargetTemperatureC(21f).setDurationS(1_200))
                .build();
    }
}
