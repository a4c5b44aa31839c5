package dev.carlink.app.fuzz;

import dev.carlink.proto.v1.CoapLogin;
import dev.carlink.proto.v1.CommandAcks;
import java.util.SplittableRandom;
import java.util.UUID;
import org.eclipse.californium.core.coap.CoAP.Code;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.CoAP.Type;
import org.eclipse.californium.core.coap.EmptyMessage;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Message;
import org.eclipse.californium.core.coap.OptionSet;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.coap.Token;
import org.eclipse.californium.core.network.serialization.UdpDataSerializer;

/**
 * The CoAP seed corpus of one fuzz car, serialized by Californium's {@link UdpDataSerializer} with a fresh
 * message id and token each time: the gateway's resources used as a car uses them (login, telemetry, events and
 * results with the car's token, observing and acknowledging commands), and next to them what a broken or hostile
 * client sends: wrong and guessed tokens, another car's path, unknown paths and methods, protobuf garbage,
 * block-wise fragments that never complete, oversized bodies, a response sent to the server, empty ACK and RST
 * messages, a Proxy-Uri. The {@link CoapMutations} then corrupt these bytes.
 */
final class CoapSeeds {

    private enum Kind {
        LOGIN(2),
        LOGIN_WRONG_SECRET(2),
        LOGIN_GARBAGE(3),
        TELEMETRY(22),
        TELEMETRY_NON(5),
        EVENT(5),
        RESULT_FOR_UNKNOWN_COMMAND(3),
        GARBAGE_BODY(8),
        OTHER_CARS_PATH(4),
        NO_TOKEN(3),
        GUESSED_TOKEN(3),
        OBSERVE(3),
        OBSERVE_CANCEL(1),
        GET_COMMANDS(2),
        ACKS(4),
        ACKS_GARBAGE(2),
        UNKNOWN_PATH(2),
        WRONG_METHOD(2),
        BLOCK1_FRAGMENT(2),
        BLOCK2_GET(1),
        OVERSIZED(1),
        PING(2),
        EMPTY_ACK_OR_RST(2),
        RESPONSE_TO_SERVER(1),
        ODD_OPTIONS(1);

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

    private final UdpDataSerializer serializer = new UdpDataSerializer();
    private final String vin;
    private final String secret;
    private final String token;
    private final String victim;

    /**
     * @param vin the fuzz car's enrolled VIN
     * @param secret its secret
     * @param token a token from a real login of that car, so its requests reach the resources
     * @param victim a legitimate car's VIN, whose resources the fuzz car must not reach
     */
    CoapSeeds(String vin, String secret, String token, String victim) {
        this.vin = vin;
        this.secret = secret;
        this.token = token;
        this.victim = victim;
    }

    /** The next datagram, drawn by weight. */
    byte[] next(SplittableRandom random) {
        int pick = random.nextInt(TOTAL_WEIGHT);
        Kind kind = KINDS[0];
        for (Kind k : KINDS) {
            pick -= k.weight;
            if (pick < 0) {
                kind = k;
                break;
            }
        }
        Message message = message(kind, random);
        message.setMID(random.nextInt(1 << 16));
        if (message.getToken() == null) {
            byte[] t = new byte[random.nextInt(9)];
            random.nextBytes(t);
            message.setToken(t);
        }
        return serializer.getByteArray(message);
    }

    private Message message(Kind kind, SplittableRandom random) {
        return switch (kind) {
            case LOGIN -> login(vin, secret);
            case LOGIN_WRONG_SECRET -> login(vin, secret + "x");
            case LOGIN_GARBAGE -> post("v1/auth", null, Payloads.garbage(random));
            case TELEMETRY -> post(car(vin, "telemetry"), token, Payloads.telemetry(random));
            case TELEMETRY_NON -> {
                Request r = post(car(vin, "telemetry"), token, Payloads.telemetry(random));
                r.setType(Type.NON);
                yield r;
            }
            case EVENT -> post(car(vin, "events"), token, Payloads.event());
            case RESULT_FOR_UNKNOWN_COMMAND ->
                post(car(vin, "command-results"), token, Payloads.resultForUnknownCommand(random));
            case GARBAGE_BODY -> post(car(vin, ownKind(random)), token, Payloads.garbage(random));
            case OTHER_CARS_PATH -> post(car(victim, ownKind(random)), token, Payloads.telemetry(random));
            case NO_TOKEN ->
                post(car(random.nextBoolean() ? vin : victim, "telemetry"), null, Payloads.telemetry(random));
            case GUESSED_TOKEN ->
                post(
                        car(vin, "telemetry"),
                        random.nextBoolean() ? "0".repeat(32) : token.substring(0, 31) + "0",
                        Payloads.telemetry(random));
            case OBSERVE -> observe(0);
            case OBSERVE_CANCEL -> observe(1);
            case GET_COMMANDS -> get(car(vin, "commands"), token);
            case ACKS ->
                post(
                        car(vin, "command-acks"),
                        token,
                        CommandAcks.newBuilder()
                                .addCommandIds(new UUID(random.nextLong(), random.nextLong()).toString())
                                .build()
                                .toByteArray());
            case ACKS_GARBAGE -> post(car(vin, "command-acks"), token, Payloads.garbage(random));
            case UNKNOWN_PATH ->
                post(
                        new String[] {
                                    "v1",
                                    "v1/vehicles",
                                    "v2/auth",
                                    car(vin, "diagnostics"),
                                    ".well-known/core",
                                    "v1/x/y/z"
                                }
                                [random.nextInt(6)],
                        token,
                        new byte[] {1});
            case WRONG_METHOD -> {
                Code code = new Code[] {Code.PUT, Code.DELETE, Code.FETCH, Code.PATCH, Code.IPATCH, Code.GET}
                        [random.nextInt(6)];
                Request r = new Request(code, Type.CON);
                r.getOptions().setUriPath(random.nextBoolean() ? "v1/auth" : car(vin, "telemetry"));
                r.getOptions().addUriQuery("t=" + token);
                if (code != Code.GET && code != Code.DELETE) { // Californium refuses to put a body on these
                    r.setPayload(Payloads.telemetry(random));
                }
                yield r;
            }
            case BLOCK1_FRAGMENT -> {
                int szx = 2 + random.nextInt(5);
                byte[] block = Mutator.randomBytes(16 << szx, random);
                Request r = post(car(vin, "telemetry"), token, block);
                r.getOptions().setBlock1(szx, random.nextInt(4) != 0, random.nextInt(4));
                yield r;
            }
            case BLOCK2_GET -> {
                Request r = get(car(vin, "commands"), token);
                r.getOptions().setBlock2(random.nextInt(7), false, random.nextInt(100));
                yield r;
            }
            case OVERSIZED ->
                post(car(vin, "telemetry"), token, Mutator.randomBytes(1_500 + random.nextInt(20_000), random));
            case PING -> {
                EmptyMessage ping = new EmptyMessage(Type.CON);
                ping.setToken(Token.EMPTY);
                yield ping;
            }
            case EMPTY_ACK_OR_RST -> {
                EmptyMessage empty = new EmptyMessage(random.nextBoolean() ? Type.ACK : Type.RST);
                empty.setToken(Token.EMPTY);
                yield empty;
            }
            case RESPONSE_TO_SERVER -> {
                Response r = new Response(random.nextBoolean() ? ResponseCode.CONTENT : ResponseCode.CHANGED);
                r.setType(random.nextBoolean() ? Type.CON : Type.NON);
                r.setPayload(Payloads.telemetry(random));
                yield r;
            }
            case ODD_OPTIONS -> oddOptions(random);
        };
    }

    private Request login(String loginVin, String loginSecret) {
        return post(
                "v1/auth",
                null,
                CoapLogin.newBuilder()
                        .setVin(loginVin)
                        .setSecret(loginSecret)
                        .build()
                        .toByteArray());
    }

    private Request observe(int observe) {
        Request r = get(car(vin, "commands"), token);
        r.getOptions().setObserve(observe);
        return r;
    }

    /** Options a car never sends: a Proxy-Uri, Uri-Host and Port, many path segments, an empty query. */
    private Request oddOptions(SplittableRandom random) {
        Request r = post(car(vin, "telemetry"), token, Payloads.telemetry(random));
        OptionSet options = r.getOptions();
        switch (random.nextInt(4)) {
            case 0 -> options.setProxyUri("coap://127.0.0.1:1/v1/auth");
            case 1 -> options.setUriHost("example.org").setUriPort(5683);
            case 2 -> {
                for (int i = 0; i < 40; i++) {
                    options.addUriPath("..");
                }
            }
            default -> options.addUriQuery("").addUriQuery("t=").addUriQuery("t=" + token);
        }
        return r;
    }

    private static Request post(String path, String token, byte[] body) {
        Request r = new Request(Code.POST, Type.CON);
        r.getOptions().setUriPath(path).setContentFormat(MediaTypeRegistry.APPLICATION_OCTET_STREAM);
        if (token != null) {
            r.getOptions().addUriQuery("t=" + token);
        }
        r.setPayload(body);
        return r;
    }

    private static Request get(String path, String token) {
        Request r = new Request(Code.GET, Type.CON);
        r.getOptions().setUriPath(path).addUriQuery("t=" + token);
        return r;
    }

    private static String ownKind(SplittableRandom random) {
        return new String[] {"telemetry", "events", "command-results"}[random.nextInt(3)];
    }

    private static String car(String vin, String resource) {
        return "v1/vehicles/" + vin + "/" + resource;
    }
}
