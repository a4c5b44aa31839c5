package dev.carlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.carlink.gateway.coap.CoapGatewayVerticle;
import dev.carlink.proto.VehicleKeys;
import dev.carlink.proto.bus.v1.PresenceChange;
import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.CommandBatch;
import dev.carlink.proto.v1.SignedCommand;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CoAP over DTLS with Scandium on both sides over loopback: a car authenticated by its pre-shared key needs no
 * login; wrong keys and unknown identities never get a session; and with a Connection ID a car whose NAT
 * mapping changed keeps its session (no new handshake) and keeps getting its commands.
 */
class CoapDtlsIT {

    private static GatewayHarness gateway;
    private static CoapGatewayVerticle coap;

    @BeforeAll
    static void start() {
        gateway = GatewayHarness.start();
        coap = CoapTestClient.deploy(gateway);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @BeforeEach
    void reset() {
        gateway.reset();
    }

    private static String uri(int port, String vin, String resource) {
        return "coaps://127.0.0.1:" + port + "/v1/vehicles/" + vin + "/" + resource;
    }

    private static byte[] key(String vin) {
        return VehicleKeys.dtlsPsk(gateway.secret(vin));
    }

    private static CoapResponse post(CoapClient client, String uri, byte[] body) throws Exception {
        client.setURI(uri);
        return client.post(body, MediaTypeRegistry.APPLICATION_OCTET_STREAM);
    }

    @Test
    void aCarWithItsKey_isAuthenticatedByTheHandshake_andNeedsNoLogin() throws Exception {
        String vin = gateway.newCar();
        CoapClient car = CoapTestClient.dtlsClient(uri(coap.actualDtlsPort(), vin, "telemetry"), vin, key(vin));
        try {
            CoapResponse stored = post(
                    car,
                    uri(coap.actualDtlsPort(), vin, "telemetry"),
                    Fixtures.telemetry(1).toByteArray());
            CoapResponse event = post(
                    car,
                    uri(coap.actualDtlsPort(), vin, "events"),
                    Fixtures.event(1).toByteArray());

            assertThat(stored.getCode()).as(stored.getResponseText()).isEqualTo(ResponseCode.CHANGED);
            assertThat(event.getCode()).isEqualTo(ResponseCode.CHANGED);
            assertThat(gateway.telemetry.received).singleElement().satisfies(ingest -> assertThat(ingest.getVin())
                    .isEqualTo(vin));
            assertThat(gateway.authRequests)
                    .as("no password check for a DTLS car")
                    .isEmpty();
            assertThat(gateway.dtlsPskRequests).as("one handshake").containsExactly(vin);
        } finally {
            car.shutdown();
        }
    }

    @Test
    void aCarsFirstRequest_aGetOfItsCommands_isAnsweredWithItsBatch_withoutLoginAndWithoutAnObservation()
            throws Exception {
        // given a car the gateway has never heard from
        String vin = gateway.newCar();
        CoapClient car = CoapTestClient.dtlsClient(uri(coap.actualDtlsPort(), vin, "commands"), vin, key(vin));
        double refusedBefore = gateway.counter("carlink.gateway.coap.refused", "reason", "not-logged-in");
        try {
            // when its very first request is a plain GET of its commands
            CoapResponse answer = car.get();

            // then it gets its batch (nothing sent to it yet), not "log in first": over DTLS there is no login
            assertThat(answer.getCode()).as(answer.getResponseText()).isEqualTo(ResponseCode.CONTENT);
            assertThat(answer.getOptions().getContentFormat()).isEqualTo(MediaTypeRegistry.APPLICATION_OCTET_STREAM);
            assertThat(CommandBatch.parseFrom(answer.getPayload()).getCommandsList())
                    .isEmpty();
            assertThat(answer.getOptions().hasObserve())
                    .as("a plain GET observes nothing")
                    .isFalse();
            assertThat(gateway.authRequests).as("no password check").isEmpty();
            assertThat(gateway.counter("carlink.gateway.coap.refused", "reason", "not-logged-in"))
                    .isEqualTo(refusedBefore);
            // and, not observing, the car is not online: commands wait for it
            await().during(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(gateway.presenceOf(vin)).isEmpty());
        } finally {
            car.shutdown();
        }
    }

    @Test
    void aCarsFirstRequest_anObservationOfItsCommands_isRegistered_andBringsItsCommands() throws Exception {
        // given a car the gateway has never heard from
        String vin = gateway.newCar();
        CoapClient car = CoapTestClient.dtlsClient(uri(coap.actualDtlsPort(), vin, "commands"), vin, key(vin));
        List<CommandBatch> seen = new CopyOnWriteArrayList<>();
        try {
            // when its very first request observes its commands
            CoapObserveRelation relation = CoapTestClient.observeBatches(car, seen);

            // then the observation is registered: the car is online, and a command reaches it by notification
            await().untilAsserted(() -> assertThat(gateway.presenceOf(vin))
                    .extracting(PresenceChange::getOnline)
                    .containsExactly(true));
            assertThat(seen).first().satisfies(batch -> assertThat(batch.getCommandsList())
                    .isEmpty());
            assertThat(relation.isCanceled()).as("observed").isFalse();
            Command command = Fixtures.climateStart(vin);
            GatewayHarness.await(gateway.deliver(vin, command));
            await().untilAsserted(
                            () -> assertThat(ids(seen.get(seen.size() - 1))).containsExactly(command.getId()));
            relation.proactiveCancel();
        } finally {
            car.shutdown();
        }
    }

    @Test
    void aSessionOfOneCar_cannotActForAnother() throws Exception {
        String vin = gateway.newCar();
        String other = gateway.newCar();
        CoapClient car = CoapTestClient.dtlsClient(uri(coap.actualDtlsPort(), vin, "telemetry"), vin, key(vin));
        try {
            CoapResponse refused = post(
                    car,
                    uri(coap.actualDtlsPort(), other, "telemetry"),
                    Fixtures.telemetry(1).toByteArray());

            assertThat(refused.getCode()).isEqualTo(ResponseCode.FORBIDDEN);
            assertThat(refused.getResponseText()).contains(other);
            assertThat(gateway.telemetry.received).isEmpty();
        } finally {
            car.shutdown();
        }
    }

    @Test
    void aWrongKey_anUnknownCar_orAnIdentityThatIsNoVin_getNoSession_andNothingIsStored() throws Exception {
        String vin = gateway.newCar();
        String unknown = GatewayHarness.newVin();
        List<CoapClient> attackers = List.of(
                CoapTestClient.dtlsClient(
                        uri(coap.actualDtlsPort(), vin, "telemetry"), vin, VehicleKeys.dtlsPsk("guess")),
                CoapTestClient.dtlsClient(uri(coap.actualDtlsPort(), unknown, "telemetry"), unknown, key(vin)),
                CoapTestClient.dtlsClient(uri(coap.actualDtlsPort(), vin, "telemetry"), "'; drop table --", key(vin)));
        try {
            for (CoapClient attacker : attackers) {
                attacker.setTimeout(3_000L);
                CoapResponse answer = null;
                try {
                    answer = attacker.post(
                            Fixtures.telemetry(1).toByteArray(), MediaTypeRegistry.APPLICATION_OCTET_STREAM);
                } catch (org.eclipse.californium.elements.exception.ConnectorException | java.io.IOException e) {
                    // the handshake failed: what we expect
                }
                assertThat(answer).as("no answer without a session").isNull();
            }
            assertThat(gateway.telemetry.received).isEmpty();
            assertThat(gateway.meters
                            .counter("carlink.gateway.dtls.psk", "outcome", "unknown")
                            .count())
                    .as("asked at least once (the car may retry its hello)")
                    .isPositive();
            assertThat(gateway.meters
                            .counter("carlink.gateway.dtls.psk", "outcome", "not-a-vin")
                            .count())
                    .as("asked at least once (the car may retry its hello)")
                    .isPositive();

            // and the rightful car still gets in
            CoapClient car = CoapTestClient.dtlsClient(uri(coap.actualDtlsPort(), vin, "telemetry"), vin, key(vin));
            try {
                assertThat(post(
                                        car,
                                        uri(coap.actualDtlsPort(), vin, "telemetry"),
                                        Fixtures.telemetry(2).toByteArray())
                                .getCode())
                        .isEqualTo(ResponseCode.CHANGED);
            } finally {
                car.shutdown();
            }
        } finally {
            attackers.forEach(CoapClient::shutdown);
        }
    }

    @Test
    void aCarBehindANatThatChangesItsPort_keepsItsSession_andItsCommands() throws Exception {
        String vin = gateway.newCar();
        try (UdpNat nat = new UdpNat(coap.actualDtlsPort())) {
            int port = nat.insidePort();
            CoapClient car = CoapTestClient.dtlsClient(uri(port, vin, "telemetry"), vin, key(vin));
            CoapClient observer = car;
            List<CommandBatch> seen = new CopyOnWriteArrayList<>();
            try {
                assertThat(post(
                                        car,
                                        uri(port, vin, "telemetry"),
                                        Fixtures.telemetry(1).toByteArray())
                                .getCode())
                        .isEqualTo(ResponseCode.CHANGED);
                observer.setURI(uri(port, vin, "commands"));
                CoapObserveRelation relation = CoapTestClient.observeBatches(observer, seen);
                await().until(() -> !seen.isEmpty());
                int before = nat.outsidePort();

                // when: the NAT gives the car a new outside port
                nat.rebind();
                CoapResponse after = post(
                        car, uri(port, vin, "telemetry"), Fixtures.telemetry(2).toByteArray());

                // then: the same session serves it at the new address, without a handshake
                assertThat(nat.outsidePort()).isNotEqualTo(before);
                assertThat(after.getCode()).as("answered at the new address").isEqualTo(ResponseCode.CHANGED);
                assertThat(gateway.telemetry.received).hasSize(2);
                assertThat(gateway.dtlsPskRequests).as("no new handshake").containsExactly(vin);

                // and a command reaches the car at its new address
                Command command = Fixtures.climateStart(vin);
                GatewayHarness.await(gateway.deliver(vin, command));
                await().untilAsserted(
                                () -> assertThat(ids(seen.get(seen.size() - 1))).contains(command.getId()));
                relation.proactiveCancel();
            } finally {
                car.shutdown();
            }
        }
    }

    @Test
    void invalidDtls_isDropped_andARealCarIsStillServed() throws Exception {
        java.util.Random random = new java.util.Random(5684);
        List<byte[]> junk = new java.util.ArrayList<>();
        // a plain CoAP POST sent to the DTLS port
        junk.add(new byte[] {0x40, 0x02, 0x12, 0x34, (byte) 0xff, 1, 2, 3});
        // handshake record header (content type 22, DTLS 1.2) claiming 16,000 bytes, carrying 5
        junk.add(new byte[] {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0x3e, (byte) 0x80, 1, 0, 0, 0, 0});
        // a ClientHello cut off after its header
        junk.add(new byte[] {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12, 1, 0, 0, 0x40, 0, 0});
        // application data with a connection id the gateway never issued (tls12_cid, type 25)
        byte[] fakeCid = new byte[40];
        random.nextBytes(fakeCid);
        fakeCid[0] = 25;
        fakeCid[1] = (byte) 0xfe;
        fakeCid[2] = (byte) 0xfd;
        junk.add(fakeCid);
        for (int i = 0; i < 200; i++) {
            byte[] noise = new byte[1 + random.nextInt(600)];
            random.nextBytes(noise);
            junk.add(noise);
        }
        int answered = 0;
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket()) {
            for (byte[] datagram : junk) {
                socket.send(new java.net.DatagramPacket(
                        datagram, datagram.length, java.net.InetAddress.getLoopbackAddress(), coap.actualDtlsPort()));
            }
            socket.setSoTimeout(300);
            try {
                while (true) {
                    socket.receive(new java.net.DatagramPacket(new byte[2048], 2048));
                    answered++;
                }
            } catch (java.net.SocketTimeoutException quiet) {
                // the gateway is quiet
            }
        }

        assertThat(answered)
                .as("no answer to datagrams that are not a valid hello")
                .isZero();
        assertThat(gateway.telemetry.received).isEmpty();
        String vin = gateway.newCar();
        CoapClient car = CoapTestClient.dtlsClient(uri(coap.actualDtlsPort(), vin, "telemetry"), vin, key(vin));
        try {
            assertThat(post(
                                    car,
                                    uri(coap.actualDtlsPort(), vin, "telemetry"),
                                    Fixtures.telemetry(1).toByteArray())
                            .getCode())
                    .isEqualTo(ResponseCode.CHANGED);
        } finally {
            car.shutdown();
        }
    }

    private static List<String> ids(CommandBatch batch) throws Exception {
        List<String> out = new java.util.ArrayList<>();
        for (SignedCommand signed : batch.getCommandsList()) {
            out.add(Command.parseFrom(signed.getCommand()).getId());
        }
        return out;
    }
}
