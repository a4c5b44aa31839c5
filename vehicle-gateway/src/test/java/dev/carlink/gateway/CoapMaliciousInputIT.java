package dev.carlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.gateway.coap.CoapGatewayVerticle;
import dev.carlink.gateway.mqtt.MqttLimits;
import dev.carlink.proto.v1.CoapLogin;
import dev.carlink.proto.v1.CoapSession;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.util.Random;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile input on the CoAP edge: datagrams that are not CoAP, truncated headers, option lengths past the end,
 * wrong versions, methods and paths, tokens that are guesses. Each is dropped, reset or refused with a reason;
 * nothing reaches storage; a legitimate car is served before, during and after.
 */
class CoapMaliciousInputIT {

    private static GatewayHarness gateway;
    private static CoapGatewayVerticle coap;
    private static int port;

    @BeforeAll
    static void start() {
        gateway = GatewayHarness.start();
        coap = CoapTestClient.deploy(gateway);
        port = coap.actualPort();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static CoapResponse post(String path, byte[] body) throws Exception {
        return CoapTestClient.post("coap://127.0.0.1:" + port + path, body);
    }

    /** A legitimate car logs in and stores a sample. */
    private static void legitimateCarIsServed() throws Exception {
        String vin = gateway.newCar();
        CoapResponse login = post(
                "/v1/auth",
                CoapLogin.newBuilder()
                        .setVin(vin)
                        .setSecret(gateway.secret(vin))
                        .build()
                        .toByteArray());
        assertThat(login.getCode()).isEqualTo(ResponseCode.CREATED);
        String token = CoapSession.parseFrom(login.getPayload()).getToken();
        CoapResponse stored = post(
                "/v1/vehicles/" + vin + "/telemetry?t=" + token,
                Fixtures.telemetry(1).toByteArray());
        assertThat(stored.getCode()).isEqualTo(ResponseCode.CHANGED);
    }

    /** Sends raw datagrams, then reads what comes back until the gateway is quiet; returns how many answers. */
    private static int blast(byte[]... datagrams) throws Exception {
        int answered = 0;
        try (DatagramSocket socket = new DatagramSocket()) {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            for (byte[] d : datagrams) {
                socket.send(new DatagramPacket(d, d.length, loopback, port));
            }
            socket.setSoTimeout(300);
            try {
                while (true) {
                    socket.receive(new DatagramPacket(new byte[2048], 2048));
                    answered++;
                }
            } catch (SocketTimeoutException quiet) {
                return answered;
            }
        }
    }

    @Test
    void garbageAndBrokenCoapDatagrams_areDroppedOrReset_andTheGatewayKeepsServing() throws Exception {
        int before = gateway.telemetry.received.size();
        legitimateCarIsServed();
        Random random = new Random(42);
        byte[][] junk = new byte[300][];
        for (int i = 0; i < junk.length; i++) {
            junk[i] = new byte[1 + random.nextInt(200)];
            random.nextBytes(junk[i]);
        }
        blast(junk);
        blast(
                new byte[0],
                new byte[] {0x40}, // a header cut after one byte
                new byte[] {0x40, 0x02, 0x12}, // ... after three
                new byte[] {(byte) 0x80, 0x01, 0x00, 0x01}, // version 2
                new byte[] {0x48, 0x02, 0x00, 0x02, 1, 2, 3}, // token length 8, three token bytes
                new byte[] {0x40, 0x02, 0x00, 0x03, (byte) 0xbd, (byte) 0xff, 0x01}, // option length past the end
                new byte[] {0x40, 0x02, 0x00, 0x04, (byte) 0xf0}, // option delta 15 (reserved)
                new byte[] {0x40, 0x02, 0x00, 0x05, (byte) 0xff}, // payload marker with no payload
                new byte[] {0x40, 0x1f, 0x00, 0x06}); // an unknown method code

        legitimateCarIsServed();
        assertThat(gateway.telemetry.received).hasSize(before + 2);
    }

    @Test
    void wrongPathsMethodsAndGuessedTokens_areRefused_andStoreNothing() throws Exception {
        String vin = gateway.newCar();
        int before = gateway.telemetry.received.size();

        assertThat(post(
                                "/v1/vehicles/" + vin + "/telemetry?t=" + "0".repeat(32),
                                Fixtures.telemetry(1).toByteArray())
                        .getCode())
                .isEqualTo(ResponseCode.UNAUTHORIZED);
        assertThat(post(
                                "/v1/vehicles/" + vin + "/telemetry?t=&t=",
                                Fixtures.telemetry(1).toByteArray())
                        .getCode())
                .isEqualTo(ResponseCode.UNAUTHORIZED);
        assertThat(post("/v1/vehicles/../../etc/passwd", new byte[] {1}).getCode())
                .isEqualTo(ResponseCode.NOT_FOUND);
        assertThat(post("/v1/vehicles", new byte[] {1}).getCode()).isEqualTo(ResponseCode.METHOD_NOT_ALLOWED);
        assertThat(post("/v1/auth", new byte[100]).getCode())
                .as("zeros parse as an empty login")
                .isEqualTo(ResponseCode.BAD_REQUEST);
        assertThat(post(
                                "/v1/auth",
                                CoapLogin.newBuilder()
                                        .setVin("'; DROP TABLE vehicles; --")
                                        .setSecret("x")
                                        .build()
                                        .toByteArray())
                        .getCode())
                .isEqualTo(ResponseCode.BAD_REQUEST);
        assertThat(gateway.telemetry.received).hasSize(before);
        legitimateCarIsServed();
    }

    @Test
    void guessingSecrets_getsTheAddressThrottled_with429AndMaxAge() throws Exception {
        String vin = gateway.newCar();
        // from an address of its own, so the block does not reach the other tests' cars on 127.0.0.1
        org.eclipse.californium.core.CoapClient guesser =
                new org.eclipse.californium.core.CoapClient("coap://127.0.0.1:" + port + "/v1/auth");
        guesser.setEndpoint(new org.eclipse.californium.core.network.CoapEndpoint.Builder()
                .setConfiguration(org.eclipse.californium.elements.config.Configuration.createStandardWithoutFile())
                .setInetSocketAddress(new java.net.InetSocketAddress("127.0.0.77", 0))
                .build());
        guesser.setTimeout(5_000L);
        CoapResponse last = null;
        CoapResponse rightSecret;
        try {
            for (int i = 0; i <= MqttLimits.DEFAULT_FAILED_LOGINS_PER_MINUTE; i++) {
                last = guesser.post(
                        CoapLogin.newBuilder()
                                .setVin(vin)
                                .setSecret("guess-" + i)
                                .build()
                                .toByteArray(),
                        org.eclipse.californium.core.coap.MediaTypeRegistry.APPLICATION_OCTET_STREAM);
            }
            rightSecret = guesser.post(
                    CoapLogin.newBuilder()
                            .setVin(vin)
                            .setSecret(gateway.secret(vin))
                            .build()
                            .toByteArray(),
                    org.eclipse.californium.core.coap.MediaTypeRegistry.APPLICATION_OCTET_STREAM);
        } finally {
            guesser.shutdown();
        }

        assertThat(last.getCode()).isEqualTo(ResponseCode.TOO_MANY_REQUESTS);
        assertThat(rightSecret.getCode()).as("blocked before any check").isEqualTo(ResponseCode.TOO_MANY_REQUESTS);
        assertThat(rightSecret.getOptions().getMaxAge()).isEqualTo(60);
        assertThat(gateway.meters
                        .counter("carlink.gateway.coap.refused", "reason", "login-throttled")
                        .count())
                .isEqualTo(2);
    }

    @Test
    void aBlock1PayloadLargerThanItsBlock_isRefused400WithTheReason_andCounted() throws Exception {
        java.io.ByteArrayOutputStream datagram = new java.io.ByteArrayOutputStream();
        datagram.writeBytes(new byte[] {0x42, 0x02, 0x10, (byte) 0xf7, 0x05, 0x06}); // CON POST, MID 0x10f7, token
        datagram.writeBytes(new byte[] {(byte) 0xb2, 'v', '1', 0x04, 'a', 'u', 't', 'h'}); // Uri-Path v1/auth
        datagram.writeBytes(new byte[] {(byte) 0xd1, 0x03, 0x08}); // Block1 NUM 0, more, 16-byte blocks
        datagram.write(0xff);
        datagram.writeBytes(new byte[40]); // 40 bytes in a 16-byte block
        double before = gateway.meters
                .counter("carlink.gateway.coap.refused", "reason", "malformed")
                .count();

        byte[] answer = exchange(datagram.toByteArray());

        org.eclipse.californium.core.coap.Message response =
                new org.eclipse.californium.core.network.serialization.UdpDataParser().parseMessage(answer);
        assertThat(response).isInstanceOf(org.eclipse.californium.core.coap.Response.class);
        assertThat(((org.eclipse.californium.core.coap.Response) response).getCode())
                .isEqualTo(ResponseCode.BAD_REQUEST);
        assertThat(response.getMID()).isEqualTo(0x10f7);
        assertThat(response.getPayloadString())
                .isEqualTo("Message with 40 bytes payload exceeds the blocksize of 16 bytes!");
        assertThat(gateway.meters
                        .counter("carlink.gateway.coap.refused", "reason", "malformed")
                        .count())
                .isEqualTo(before + 1);
        legitimateCarIsServed();
    }

    /** Sends one datagram and returns the first answer. */
    private static byte[] exchange(byte[] datagram) throws Exception {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(), port));
            socket.setSoTimeout(5_000);
            DatagramPacket answer = new DatagramPacket(new byte[2048], 2048);
            socket.receive(answer);
            return java.util.Arrays.copyOf(answer.getData(), answer.getLength());
        }
    }
}
