package dev.carlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.carlink.gateway.coap.CoapGatewayVerticle;
import dev.carlink.proto.bus.v1.PresenceChange;
import dev.carlink.proto.v1.CoapLogin;
import dev.carlink.proto.v1.CoapSession;
import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.CommandAcks;
import dev.carlink.proto.v1.CommandBatch;
import dev.carlink.proto.v1.SignedCommand;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CoAP edge with a real Californium client over UDP on loopback: login, messages stored before 2.04, every
 * refusal with its code and reason, and commands delivered through an observed batch that skips nothing.
 */
class CoapGatewayIT {

    private static GatewayHarness gateway;
    private static CoapGatewayVerticle coap;
    private static String base;

    @BeforeAll
    static void start() {
        gateway = GatewayHarness.start();
        coap = CoapTestClient.deploy(gateway);
        base = "coap://127.0.0.1:" + coap.actualPort() + "/v1";
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @BeforeEach
    void reset() {
        gateway.reset();
    }

    private static CoapResponse post(String uri, byte[] body) throws Exception {
        return CoapTestClient.post(uri, body);
    }

    private static String login(String vin) throws Exception {
        CoapResponse response = post(
                base + "/auth",
                CoapLogin.newBuilder()
                        .setVin(vin)
                        .setSecret(gateway.secret(vin))
                        .build()
                        .toByteArray());
        assertThat(response.getCode()).as(response.getResponseText()).isEqualTo(ResponseCode.CREATED);
        return CoapSession.parseFrom(response.getPayload()).getToken();
    }

    private static String uri(String vin, String resource, String token) {
        return base + "/vehicles/" + vin + "/" + resource + "?t=" + token;
    }

    @Test
    void aLoggedInCar_getsItsTelemetryStored_beforeTheAnswer() throws Exception {
        String vin = gateway.newCar();
        String token = login(vin);

        CoapResponse stored =
                post(uri(vin, "telemetry", token), Fixtures.telemetry(1).toByteArray());

        assertThat(stored.getCode()).isEqualTo(ResponseCode.CHANGED);
        assertThat(gateway.telemetry.received).singleElement().satisfies(ingest -> {
            assertThat(ingest.getVin()).isEqualTo(vin);
            assertThat(ingest.getTelemetry()).isEqualTo(Fixtures.telemetry(1));
        });
        assertThat(post(uri(vin, "events", token), Fixtures.event(1).toByteArray())
                        .getCode())
                .isEqualTo(ResponseCode.CHANGED);
    }

    @Test
    void everyRefusal_hasItsCodeAndReason_andNothingReachesStorage() throws Exception {
        String vin = gateway.newCar();
        String other = gateway.newCar();
        String token = login(vin);

        CoapResponse wrongSecret = post(
                base + "/auth",
                CoapLogin.newBuilder().setVin(vin).setSecret("guess").build().toByteArray());
        CoapResponse unknownCar = post(
                base + "/auth",
                CoapLogin.newBuilder()
                        .setVin(GatewayHarness.newVin())
                        .setSecret("x")
                        .build()
                        .toByteArray());
        CoapResponse garbageLogin = post(base + "/auth", new byte[] {(byte) 0xff, 0x01});
        CoapResponse noToken = post(
                base + "/vehicles/" + vin + "/telemetry", Fixtures.telemetry(1).toByteArray());
        CoapResponse badToken =
                post(uri(vin, "telemetry", "0000"), Fixtures.telemetry(1).toByteArray());
        CoapResponse otherCar =
                post(uri(other, "telemetry", token), Fixtures.telemetry(1).toByteArray());
        CoapResponse garbage = post(uri(vin, "telemetry", token), new byte[] {(byte) 0xff, 0x13, 0x37});
        CoapResponse noSeq = post(
                uri(vin, "telemetry", token),
                Fixtures.telemetry(1).toBuilder().clearSeq().build().toByteArray());
        CoapResponse oversized = post(uri(vin, "telemetry", token), new byte[20_000]);
        CoapResponse unknownResource = post(uri(vin, "bananas", token), new byte[] {1});

        assertThat(wrongSecret.getCode()).isEqualTo(ResponseCode.UNAUTHORIZED);
        assertThat(unknownCar.getCode())
                .as("the same answer: VINs cannot be probed")
                .isEqualTo(ResponseCode.UNAUTHORIZED);
        assertThat(garbageLogin.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
        assertThat(noToken.getCode()).isEqualTo(ResponseCode.UNAUTHORIZED);
        assertThat(noToken.getResponseText()).contains("log in first");
        assertThat(badToken.getCode()).isEqualTo(ResponseCode.UNAUTHORIZED);
        assertThat(otherCar.getCode()).isEqualTo(ResponseCode.FORBIDDEN);
        assertThat(garbage.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
        assertThat(garbage.getResponseText()).contains("not a valid vehicle.v1.Telemetry");
        assertThat(noSeq.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
        assertThat(noSeq.getResponseText()).contains("seq is required");
        assertThat(oversized.getCode()).isEqualTo(ResponseCode.REQUEST_ENTITY_TOO_LARGE);
        assertThat(unknownResource.getCode()).isEqualTo(ResponseCode.NOT_FOUND);
        assertThat(gateway.telemetry.received).isEmpty();
        assertThat(gateway.counter("carlink.gateway.coap.refused", "reason", "other-vin"))
                .isPositive();
    }

    @Test
    void theCommandsOfAnotherCar_areForbidden_whetherOrNotThatCarIsLoggedIn() throws Exception {
        String vin = gateway.newCar();
        String away = gateway.newCar();
        String present = gateway.newCar();
        String token = login(vin);
        login(present);
        double before = gateway.counter("carlink.gateway.coap.refused", "reason", "other-vin");

        CoapResponse ofCarAway = get(uri(away, "commands", token));
        CoapResponse ofCarPresent = get(uri(present, "commands", token));
        CoapResponse withoutToken = get(base + "/vehicles/" + away + "/commands");

        assertThat(ofCarAway.getCode())
                .as("the same answer for both: whether a car is connected cannot be probed")
                .isEqualTo(ResponseCode.FORBIDDEN);
        assertThat(ofCarPresent.getCode()).isEqualTo(ResponseCode.FORBIDDEN);
        assertThat(ofCarAway.getResponseText())
                .isEqualTo(ofCarPresent.getResponseText().replace(present, away));
        assertThat(withoutToken.getCode()).isEqualTo(ResponseCode.UNAUTHORIZED);
        assertThat(gateway.counter("carlink.gateway.coap.refused", "reason", "other-vin"))
                .isEqualTo(before + 2);
        assertThat(gateway.presenceOf(away)).as("nobody was made online").isEmpty();
        assertThat(gateway.presenceOf(present)).isEmpty();
    }

    private static CoapResponse get(String uri) throws Exception {
        org.eclipse.californium.core.CoapClient client = CoapTestClient.client(uri);
        try {
            return client.get();
        } finally {
            client.shutdown();
        }
    }

    @Test
    void whenStorageCannotTakeIt_theCarIsToldToSendItAgainLater() throws Exception {
        String vin = gateway.newCar();
        String token = login(vin);
        gateway.telemetry.reply(GatewayHarness.Reply.UNAVAILABLE);

        CoapResponse busy =
                post(uri(vin, "telemetry", token), Fixtures.telemetry(1).toByteArray());

        assertThat(busy.getCode()).isEqualTo(ResponseCode.SERVICE_UNAVAILABLE);
        assertThat(busy.getOptions().getMaxAge()).isEqualTo(5);
    }

    @Test
    void aBatchTheCarDoesNotAcknowledge_isNotifiedAgain_withoutAnyChange() throws Exception {
        String vin = gateway.newCar();
        String token = login(vin);
        List<CommandBatch> seen = new CopyOnWriteArrayList<>();
        CoapClient car = CoapTestClient.client(uri(vin, "commands", token));
        CoapObserveRelation relation = CoapTestClient.observeBatches(car, seen);
        try {
            await().until(() -> !seen.isEmpty());
            await().untilAsserted(() -> assertThat(gateway.presenceOf(vin))
                    .extracting(PresenceChange::getOnline)
                    .contains(true));
            Command command = Fixtures.climateStart(vin);
            GatewayHarness.await(gateway.deliver(vin, command));
            await().until(() -> notificationsWith(seen, command.getId()) >= 1);

            // the car never acknowledges: the same batch comes again, then again
            await().atMost(Duration.ofSeconds(15)).until(() -> notificationsWith(seen, command.getId()) >= 3);

            assertThat(seen.get(seen.size() - 1).getCommandsCount()).isEqualTo(1);
            assertThat(gateway.transportAcks).noneMatch(ack -> ack.getVin().equals(vin));
        } finally {
            relation.proactiveCancel();
            car.shutdown();
        }
    }

    private static long notificationsWith(List<CommandBatch> seen, String commandId) {
        return seen.stream().filter(b -> ids(b).contains(commandId)).count();
    }

    @Test
    void commands_arriveAsAnObservedBatch_untilAcknowledged_andNoneIsSkipped() throws Exception {
        String vin = gateway.newCar();
        String token = login(vin);
        List<CommandBatch> seen = new CopyOnWriteArrayList<>();
        CoapClient car = CoapTestClient.client(uri(vin, "commands", token));
        CoapObserveRelation relation = CoapTestClient.observeBatches(car, seen);
        try {
            await().until(() -> !seen.isEmpty());
            await().untilAsserted(() -> assertThat(gateway.presenceOf(vin))
                    .extracting(PresenceChange::getOnline, PresenceChange::getProtocol)
                    .contains(org.assertj.core.groups.Tuple.tuple(true, "coap")));

            // when: two commands in a row, the first not acknowledged yet
            Command first = Fixtures.climateStart(vin);
            Command second = Fixtures.climateStart(vin);
            GatewayHarness.await(gateway.deliver(vin, first));
            GatewayHarness.await(gateway.deliver(vin, second));

            // then: the latest notification carries both, oldest first
            await().untilAsserted(() ->
                    assertThat(ids(seen.get(seen.size() - 1))).containsExactly(first.getId(), second.getId()));

            // when the car acknowledges the first, it leaves the batch and its transport ack goes out once
            CoapResponse acked = post(
                    uri(vin, "command-acks", token),
                    CommandAcks.newBuilder()
                            .addCommandIds(first.getId())
                            .build()
                            .toByteArray());
            post(
                    uri(vin, "command-acks", token),
                    CommandAcks.newBuilder()
                            .addCommandIds(first.getId())
                            .build()
                            .toByteArray());
            assertThat(acked.getCode()).isEqualTo(ResponseCode.CHANGED);
            await().until(() -> gateway.transportAcks.size() == 1);
            assertThat(gateway.transportAcks.get(0).getCommandId()).isEqualTo(first.getId());
            CoapClient read = CoapTestClient.client(uri(vin, "commands", token));
            assertThat(ids(CommandBatch.parseFrom(read.get().getPayload()))).containsExactly(second.getId());
            read.shutdown();
        } finally {
            relation.proactiveCancel();
            car.shutdown();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gateway.presenceOf(vin))
                .last()
                .extracting(PresenceChange::getOnline)
                .isEqualTo(false));
    }

    private static List<String> ids(CommandBatch batch) {
        return batch.getCommandsList().stream()
                .map(c -> {
                    try {
                        return Command.parseFrom(((SignedCommand) c).getCommand())
                                .getId();
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
    }
}
