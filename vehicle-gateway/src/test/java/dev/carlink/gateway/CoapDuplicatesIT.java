package dev.carlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.carlink.gateway.coap.CoapConfig;
import dev.carlink.gateway.coap.CoapGatewayVerticle;
import dev.carlink.proto.v1.CoapLogin;
import dev.carlink.proto.v1.CoapSession;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.coap.Token;
import org.eclipse.californium.core.network.serialization.UdpDataParser;
import org.eclipse.californium.core.network.serialization.UdpDataSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Duplicate detection on the real CoAP endpoint, with its ceiling: a retransmitted request is answered again
 * without being handled twice, a flood of requests never makes the gateway remember more than its capacity, and a
 * request forgotten early is handled again (harmless, because every car request is idempotent further in).
 */
class CoapDuplicatesIT {

    private static final int CAPACITY = 1_000;

    private static GatewayHarness gateway;
    private static CoapGatewayVerticle coap;
    private static int port;

    @BeforeAll
    static void start() {
        gateway = GatewayHarness.start();
        CoapConfig defaults = CoapConfig.defaults().withPort(0).withDtlsPort(0);
        coap = CoapTestClient.deploy(
                gateway,
                new CoapConfig(
                        defaults.enabled(),
                        defaults.port(),
                        defaults.dtlsEnabled(),
                        defaults.dtlsPort(),
                        defaults.sessionTtl(),
                        defaults.presenceTimeout(),
                        defaults.maxPayload(),
                        CAPACITY));
        port = coap.actualPort();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static String login(String vin) throws Exception {
        CoapResponse response = CoapTestClient.post(
                "coap://127.0.0.1:" + port + "/v1/auth",
                CoapLogin.newBuilder()
                        .setVin(vin)
                        .setSecret(gateway.secret(vin))
                        .build()
                        .toByteArray());
        assertThat(response.getCode()).isEqualTo(ResponseCode.CREATED);
        return CoapSession.parseFrom(response.getPayload()).getToken();
    }

    private static byte[] request(CoAP.Code code, String uri, int mid, byte[] body) {
        Request request = new Request(code, CoAP.Type.CON);
        request.setURI(uri);
        request.setMID(mid);
        request.setToken(new Token(new byte[] {(byte) (mid >> 8), (byte) mid}));
        if (body != null) {
            request.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_OCTET_STREAM);
            request.setPayload(body);
        }
        return new UdpDataSerializer().getByteArray(request);
    }

    private static Response send(DatagramSocket socket, byte[] datagram) throws Exception {
        socket.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(), port));
        DatagramPacket answer = new DatagramPacket(new byte[2048], 2048);
        socket.receive(answer);
        return (Response) new UdpDataParser().parseMessage(Arrays.copyOf(answer.getData(), answer.getLength()));
    }

    private double meter(String name) {
        return gateway.meters.find(name).tag("endpoint", "plain").meters().stream()
                .mapToDouble(m -> m.measure().iterator().next().getValue())
                .sum();
    }

    @Test
    void retransmissionsAreAnsweredOnce_andAFloodStopsAtTheCapacity() throws Exception {
        String vin = gateway.newCar();
        String uri = "coap://127.0.0.1:" + port + "/v1/vehicles/" + vin + "/telemetry?t=" + login(vin);
        byte[] sample =
                request(CoAP.Code.POST, uri, 0x2001, Fixtures.telemetry(1).toByteArray());
        int before = gateway.telemetry.received.size();

        try (DatagramSocket car = new DatagramSocket()) {
            car.setSoTimeout(5_000);
            assertThat(send(car, sample).getCode()).isEqualTo(ResponseCode.CHANGED);
            Response again = send(car, sample);
            assertThat(again.getCode()).isEqualTo(ResponseCode.CHANGED);
            assertThat(again.getMID()).isEqualTo(0x2001);
            assertThat(gateway.telemetry.received)
                    .as("a retransmission is not handled twice")
                    .hasSize(before + 1);

            flood(CAPACITY + 200);
            assertThat(meter("carlink.gateway.coap.dedup.size")).isLessThanOrEqualTo(CAPACITY);
            assertThat(meter("carlink.gateway.coap.dedup.evicted")).isGreaterThanOrEqualTo(200);

            assertThat(send(car, sample).getCode()).isEqualTo(ResponseCode.CHANGED);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(gateway.telemetry.received)
                    .as("forgotten under the flood: handled again, and stored once further in")
                    .hasSize(before + 2));
        }
    }

    /** {@code count} confirmable requests for a path that does not exist, from another port, each answered. */
    private static void flood(int count) throws Exception {
        try (DatagramSocket flooder = new DatagramSocket()) {
            flooder.setSoTimeout(2_000);
            InetAddress loopback = InetAddress.getLoopbackAddress();
            int answered = 0;
            for (int mid = 1; mid <= count; mid++) {
                byte[] datagram = request(CoAP.Code.GET, "coap://127.0.0.1:" + port + "/v1/nowhere", mid, null);
                flooder.send(new DatagramPacket(datagram, datagram.length, loopback, port));
                if (mid % 50 == 0) {
                    answered += drain(flooder);
                }
            }
            answered += drain(flooder);
            assertThat(answered).isEqualTo(count);
        }
    }

    private static int drain(DatagramSocket socket) throws Exception {
        int answers = 0;
        socket.setSoTimeout(2_000);
        try {
            while (true) {
                socket.receive(new DatagramPacket(new byte[2048], 2048));
                answers++;
                socket.setSoTimeout(200);
            }
        } catch (SocketTimeoutException quiet) {
            return answers;
        }
    }
}
