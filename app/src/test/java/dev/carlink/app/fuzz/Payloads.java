package dev.carlink.app.fuzz;

import dev.carlink.proto.v1.CommandOutcome;
import dev.carlink.proto.v1.CommandResult;
import dev.carlink.proto.v1.Door;
import dev.carlink.proto.v1.Hvac;
import dev.carlink.proto.v1.Location;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.proto.v1.TripChanged;
import dev.carlink.proto.v1.VehicleEvent;
import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The message bodies of the seed corpus: valid {@code Telemetry}, {@code VehicleEvent} and {@code CommandResult}
 * as a head unit sends them, and protobuf-shaped garbage (field tags with wrong wire types, lengths past the end,
 * endless varints) for the decoder.
 */
final class Payloads {

    /** Sequence numbers for fuzz cars: increasing, never reused within a run. */
    private static final AtomicLong SEQ = new AtomicLong(System.currentTimeMillis() * 1_000);

    private Payloads() {}

    /** A valid sample; a tenth of them carry doors, HVAC and a location as well. */
    static byte[] telemetry(SplittableRandom random) {
        Telemetry.Builder t = Telemetry.newBuilder()
                .setTimestampMs(System.currentTimeMillis())
                .setSeq(SEQ.incrementAndGet())
                .setCabinTemperatureC(15 + random.nextInt(20))
                .setStateOfChargePct(random.nextInt(101))
                .setSpeedKmh(random.nextInt(130));
        if (random.nextInt(10) == 0) {
            t.setLocation(Location.newBuilder()
                            .setLatitude(48 + random.nextDouble())
                            .setLongitude(11 + random.nextDouble()))
                    .addDoors(Door.newBuilder().setIsOpen(random.nextBoolean()).setIsLocked(true))
                    .setHvac(Hvac.newBuilder()
                            .setIsAirConditioningActive(random.nextBoolean())
                            .setTargetTemperatureC(21));
        }
        return t.build().toByteArray();
    }

    static byte[] event() {
        return VehicleEvent.newBuilder()
                .setTimestampMs(System.currentTimeMillis())
                .setSeq(SEQ.incrementAndGet())
                .setTripChanged(TripChanged.newBuilder().setStarted(true))
                .build()
                .toByteArray();
    }

    /** A result for a command nobody sent: the command-service must refuse it without harm. */
    static byte[] resultForUnknownCommand(SplittableRandom random) {
        return CommandResult.newBuilder()
                .setCommandId(new UUID(random.nextLong(), random.nextLong()).toString())
                .setStatus(CommandOutcome.COMMAND_OUTCOME_SUCCEEDED)
                .setTimestampMs(System.currentTimeMillis())
                .build()
                .toByteArray();
    }

    /** Bytes shaped like protobuf but wrong: each field a random tag, wire type and (often absurd) length. */
    static byte[] garbage(SplittableRandom random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int fields = 1 + random.nextInt(8);
        for (int i = 0; i < fields; i++) {
            int field = random.nextInt(8) == 0 ? random.nextInt(1 << 20) : 1 + random.nextInt(30);
            int wireType = random.nextInt(8); // 6 and 7 do not exist
            writeVarint(out, (long) field << 3 | wireType);
            switch (wireType) {
                case 0 -> writeVarint(out, random.nextLong());
                case 1 -> out.writeBytes(Mutator.randomBytes(8, random));
                case 2 -> {
                    int declared = random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(40);
                    writeVarint(out, declared & 0xffff_ffffL);
                    out.writeBytes(Mutator.randomBytes(random.nextInt(40), random));
                }
                case 5 -> out.writeBytes(Mutator.randomBytes(4, random));
                default -> out.writeBytes(Mutator.randomBytes(random.nextInt(6), random));
            }
        }
        if (random.nextInt(10) == 0) {
            for (int i = 0; i < 11; i++) { // a varint that never ends within ten bytes
                out.write(0xff);
            }
        }
        return out.toByteArray();
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        long v = value;
        while ((v & ~0x7fL) != 0) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }
}
