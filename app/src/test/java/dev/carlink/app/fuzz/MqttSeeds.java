package dev.carlink.app.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The MQTT seed corpus of one fuzz car: what a real car sends once connected (telemetry, events and results at
 * QoS 0 and 1, SUBSCRIBE to its commands, PINGREQ, PUBACK, DISCONNECT), fresh for every draw (new packet ids,
 * sequence numbers and timestamps), and next to it what a broken or hostile car sends: another car's topic,
 * unknown, wildcard, empty, huge and non-UTF-8 topics, protobuf garbage, QoS 2, a second CONNECT, AUTH. The
 * {@link MqttMutations} then corrupt these bytes.
 */
final class MqttSeeds {

    /**
     * What to draw and how often (out of the sum of the weights). The kinds after which the gateway closes the
     * connection (QoS 2, a second CONNECT, AUTH, an oversized packet, DISCONNECT, a malformed topic or filter)
     * are rare, so that a connection lives long enough to reach the session's handlers.
     */
    private enum Kind {
        TELEMETRY_QOS1(240),
        TELEMETRY_QOS0(50),
        EVENT(50),
        RESULT_FOR_UNKNOWN_COMMAND(30),
        GARBAGE_PAYLOAD(80),
        OTHER_CARS_TOPIC(50),
        UNKNOWN_TOPIC(40),
        WITH_PROPERTIES(30),
        SUBSCRIBE_OWN(30),
        UNSUBSCRIBE(20),
        PINGREQ(80),
        PUBACK(40),
        ODD_TOPIC(4),
        SUBSCRIBE_FOREIGN(4),
        QOS2(1),
        QOS2_FLOW(2),
        SECOND_CONNECT(1),
        AUTH(1),
        OVERSIZED(1),
        DISCONNECT(1);

        final int weight;

        Kind(int weight) {
            this.weight = weight;
        }
    }

    private static final Kind[] KINDS = Kind.values();
    private static final int TOTAL_WEIGHT;

    static {
        int sum = 0;
        for (Kind k : KINDS) {
            sum += k.weight;
        }
        TOTAL_WEIGHT = sum;
    }

    private final String vin;
    private final String secret;
    private final String victim;

    /**
     * @param vin the fuzz car's own, enrolled VIN
     * @param secret its secret
     * @param victim a legitimate car's VIN, whose topics the fuzz car must not reach
     */
    MqttSeeds(String vin, String secret, String victim) {
        this.vin = vin;
        this.secret = secret;
        this.victim = victim;
    }

    /** A valid CONNECT for this car; one in eight carries a will. */
    byte[] connect(int level, SplittableRandom random) {
        String will = random.nextInt(8) == 0 ? topic(vin, "events") : null;
        return MqttPackets.connect(level, vin, secret, 30 + random.nextInt(60), will);
    }

    /** The next packet after CONNECT, drawn by weight. */
    byte[] next(int level, SplittableRandom random) {
        int pick = random.nextInt(TOTAL_WEIGHT);
        Kind kind = KINDS[0];
        for (Kind k : KINDS) {
            pick -= k.weight;
            if (pick < 0) {
                kind = k;
                break;
            }
        }
        int id = 1 + random.nextInt(65_535);
        return switch (kind) {
            case TELEMETRY_QOS1 ->
                MqttPackets.publish(level, topic(vin, "telemetry"), 1, id, Payloads.telemetry(random));
            case TELEMETRY_QOS0 ->
                MqttPackets.publish(level, topic(vin, "telemetry"), 0, 0, Payloads.telemetry(random));
            case EVENT -> MqttPackets.publish(level, topic(vin, "events"), 1, id, Payloads.event());
            case RESULT_FOR_UNKNOWN_COMMAND ->
                MqttPackets.publish(
                        level, topic(vin, "command-results"), 1, id, Payloads.resultForUnknownCommand(random));
            case GARBAGE_PAYLOAD ->
                MqttPackets.publish(
                        level, topic(vin, ownKind(random)), random.nextInt(2), id, Payloads.garbage(random));
            case OTHER_CARS_TOPIC ->
                MqttPackets.publish(level, topic(victim, ownKind(random)), 1, id, Payloads.telemetry(random));
            case UNKNOWN_TOPIC -> MqttPackets.publish(level, unknownTopic(random), 1, id, Payloads.telemetry(random));
            case ODD_TOPIC -> MqttPackets.publish(level, oddTopic(random), 1, id, Payloads.telemetry(random), false);
            case WITH_PROPERTIES ->
                MqttPackets.publish(
                        level,
                        topic(vin, "telemetry").getBytes(StandardCharsets.UTF_8),
                        1,
                        id,
                        Payloads.telemetry(random),
                        true);
            case QOS2 -> MqttPackets.publish(level, topic(vin, "telemetry"), 2, id, Payloads.telemetry(random));
            case SUBSCRIBE_OWN ->
                MqttPackets.subscribe(level, id, topic(vin, random.nextBoolean() ? "commands" : "errors"), 1);
            case SUBSCRIBE_FOREIGN -> MqttPackets.subscribe(level, id, foreignFilter(random), random.nextInt(3));
            case UNSUBSCRIBE -> MqttPackets.unsubscribe(level, id, topic(vin, "commands"));
            case PINGREQ -> MqttPackets.pingReq();
            case PUBACK -> MqttPackets.ack(0x40, level, random.nextInt(65_536));
            case QOS2_FLOW -> MqttPackets.ack(new int[] {0x50, 0x62, 0x70}[random.nextInt(3)], level, id);
            case SECOND_CONNECT -> connect(level, random);
            case AUTH -> MqttPackets.auth();
            case OVERSIZED ->
                MqttPackets.publish(
                        level,
                        topic(vin, "telemetry"),
                        1,
                        id,
                        Mutator.randomBytes(66_000 + random.nextInt(4_000), random));
            case DISCONNECT -> MqttPackets.disconnect(level);
        };
    }

    /** A whole packet of another kind, to splice from. */
    byte[] donor(int level, SplittableRandom random) {
        return next(level, random);
    }

    private static String ownKind(SplittableRandom random) {
        return new String[] {"telemetry", "events", "command-results"}[random.nextInt(3)];
    }

    private String unknownTopic(SplittableRandom random) {
        return new String[] {
                    topic(vin, "diagnostics"),
                    topic(vin, "telemetry") + "/extra",
                    topic(vin, "commands"),
                    "v1/vehicles/" + vin,
                    "v2/vehicles/" + vin + "/telemetry",
                    "telemetry",
                    "$SYS/broker/load",
                    topic(vin.toLowerCase(Locale.ROOT), "telemetry")
                }
                [random.nextInt(8)];
    }

    /** Topics a server must refuse in a PUBLISH, or handle with care. */
    private byte[] oddTopic(SplittableRandom random) {
        return switch (random.nextInt(8)) {
            case 0 -> new byte[0];
            case 1 -> "v1/vehicles/+/telemetry".getBytes(StandardCharsets.UTF_8);
            case 2 -> "v1/vehicles/#".getBytes(StandardCharsets.UTF_8);
            case 3 -> ("v1/vehicles/" + vin + "/telemetry\u0000").getBytes(StandardCharsets.UTF_8);
            case 4 -> new byte[] {'v', '1', '/', (byte) 0xc3, (byte) 0x28, (byte) 0xed, (byte) 0xa0, (byte) 0x80};
            case 5 -> "v1/vehicles/".repeat(2_000).getBytes(StandardCharsets.UTF_8);
            case 6 -> ("v1/vehicles/" + vin + "/../" + victim + "/telemetry").getBytes(StandardCharsets.UTF_8);
            default -> "/".repeat(1 + random.nextInt(300)).getBytes(StandardCharsets.UTF_8);
        };
    }

    private String foreignFilter(SplittableRandom random) {
        return new String[] {topic(victim, "commands"), "v1/vehicles/+/commands", "#", "v1/vehicles/" + vin + "/#", ""}
                [random.nextInt(5)];
    }

    static String topic(String vin, String kind) {
        return "v1/vehicles/" + vin + "/" + kind;
    }
}
