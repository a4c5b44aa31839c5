package dev.carlink.gateway;

import static dev.carlink.gateway.Fixtures.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.carlink.proto.bus.v1.CommandTransportAck;
import dev.carlink.proto.bus.v1.DeliveryReceipt;
import dev.carlink.proto.v1.Command;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Command delivery: receipt, the command at the car, the transport ack after its PUBACK, and refusals. */
class MqttCommandDeliveryIT {

    private static final Duration NEVER = Duration.ofMillis(800);

    private static GatewayHarness gateway;

    @BeforeAll
    static void startGateway() {
        gateway = GatewayHarness.start();
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    @AfterEach
    void resetStandIns() {
        gateway.reset();
        await().until(() -> gateway.connections() == 0);
    }

    @Test
    void deliver_toSubscribedMqtt5Car_repliesAReceiptAndReportsTheCarsPubackAfterItCame() throws Exception {
        String vin = gateway.newCar();
        Command command = Fixtures.climateStart(vin);
        try (Car5 car = Car5.connect(gateway, vin)) {
            car.manualAcks();
            car.subscribe(topic(vin, "commands"));
            awaitOnline(vin);
            long before = System.currentTimeMillis();

            DeliveryReceipt receipt = DeliveryReceipt.parseFrom(
                    result(gateway.deliver(vin, command)).body().getBytes());

            assertThat(receipt.getCommandId()).isEqualTo(command.getId());
            assertThat(receipt.getSentAtMs()).isBetween(before, System.currentTimeMillis());
            await().until(() -> car.received.size() == 1);
            Car5.Received received = car.received.get(0);
            assertThat(received.topic()).isEqualTo(topic(vin, "commands"));
            assertThat(received.qos()).isEqualTo(1);
            assertThat(Fixtures.commandAtCar(received.payload())).isEqualTo(command);
            await().during(NEVER).atMost(NEVER.plusSeconds(2)).until(() -> transportAckOf(command) == null);

            car.ack(received);

            await().untilAsserted(() -> assertThat(transportAckOf(command)).isNotNull());
            CommandTransportAck ack = transportAckOf(command);
            assertThat(ack.getVin()).isEqualTo(vin);
            assertThat(ack.getAckedAtMs()).isGreaterThanOrEqualTo(receipt.getSentAtMs());
        }
        assertThat(gateway.counter("carlink.gateway.commands.sent")).isPositive();
        assertThat(gateway.counter("carlink.gateway.commands.acked")).isPositive();
    }

    @Test
    void deliver_toSubscribedMqtt311Car_reachesTheCarAndItsPubackIsReported() throws Exception {
        String vin = gateway.newCar();
        Command command = Fixtures.climateStart(vin);
        try (Car311 car = Car311.connect(gateway, vin)) {
            car.subscribe(topic(vin, "commands"));
            awaitOnline(vin);

            result(gateway.deliver(vin, command));

            await().until(() -> car.received.size() == 1);
            assertThat(Fixtures.commandAtCar(car.received.get(0).payload())).isEqualTo(command);
            await().untilAsserted(() -> assertThat(transportAckOf(command)).isNotNull());
        }
    }

    @Test
    void deliver_toVinWithoutSession_failsNoHandlerAndSendsNothing() {
        String vin = gateway.newCar();
        double sentBefore = gateway.counter("carlink.gateway.commands.sent");

        ReplyException error = failure(gateway.deliver(vin, Fixtures.climateStart(vin)));

        assertThat(error.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
        assertThat(gateway.counter("carlink.gateway.commands.sent")).isEqualTo(sentBefore);
    }

    @Test
    void deliver_toConnectedCarNotSubscribedToCommands_failsNoHandlerAndSendsNothing() throws Exception {
        String vin = gateway.newCar();
        try (Car5 car = Car5.connect(gateway, vin)) {
            car.subscribe(topic(vin, "errors"));

            ReplyException error = failure(gateway.deliver(vin, Fixtures.climateStart(vin)));

            assertThat(error.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
            assertThat(car.received).isEmpty();
        }
    }

    @Test
    void deliver_commandForAnotherVin_fails400AndTheCarGetsNothing() throws Exception {
        String vin = gateway.newCar();
        try (Car5 car = Car5.connect(gateway, vin)) {
            car.subscribe(topic(vin, "commands"));
            awaitOnline(vin);

            ReplyException error = failure(gateway.deliver(vin, Fixtures.climateStart(GatewayHarness.newVin())));

            assertThat(error.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
            assertThat(error.failureCode()).isEqualTo(400);
            assertThat(error.getMessage()).contains("not " + vin);
            await().during(NEVER).atMost(NEVER.plusSeconds(2)).until(car.received::isEmpty);
        }
    }

    @Test
    void deliver_bodyThatIsNotACommand_fails400AndTheCarGetsNothing() throws Exception {
        String vin = gateway.newCar();
        try (Car5 car = Car5.connect(gateway, vin)) {
            car.subscribe(topic(vin, "commands"));
            awaitOnline(vin);

            ReplyException error = failure(gateway.vertx
                    .eventBus()
                    .request(dev.carlink.proto.BusAddress.commandDelivery(vin), Buffer.buffer(Fixtures.GARBAGE)));

            assertThat(error.failureCode()).isEqualTo(400);
            await().during(NEVER).atMost(NEVER.plusSeconds(2)).until(car.received::isEmpty);
        }
    }

    @Test
    void deliver_anUnsignedCommand_fails400AndTheCarGetsNothing() throws Exception {
        String vin = gateway.newCar();
        try (Car5 car = Car5.connect(gateway, vin)) {
            car.subscribe(topic(vin, "commands"));
            awaitOnline(vin);
            byte[] unsigned = dev.carlink.proto.v1.SignedCommand.newBuilder()
                    .setCommand(Fixtures.climateStart(vin).toByteString())
                    .build()
                    .toByteArray();

            ReplyException error = failure(gateway.vertx
                    .eventBus()
                    .request(dev.carlink.proto.BusAddress.commandDelivery(vin), Buffer.buffer(unsigned)));

            assertThat(error.failureCode()).isEqualTo(400);
            assertThat(error.getMessage()).contains("not signed");
            await().during(NEVER).atMost(NEVER.plusSeconds(2)).until(car.received::isEmpty);
        }
    }

    @Test
    void deliver_afterTheCarDisconnected_failsNoHandler() throws Exception {
        String vin = gateway.newCar();
        try (Car5 car = Car5.connect(gateway, vin)) {
            car.subscribe(topic(vin, "commands"));
            awaitOnline(vin);
        }
        await().until(() -> gateway.presenceOf(vin).size() == 2);

        ReplyException error = failure(gateway.deliver(vin, Fixtures.climateStart(vin)));

        assertThat(error.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
    }

    private static void awaitOnline(String vin) {
        await().until(() -> gateway.presenceOf(vin).stream().anyMatch(p -> p.getOnline()));
    }

    private static CommandTransportAck transportAckOf(Command command) {
        return gateway.transportAcks.stream()
                .filter(a -> a.getCommandId().equals(command.getId()))
                .findFirst()
                .orElse(null);
    }

    private static Message<Buffer> result(Future<Message<Buffer>> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static ReplyException failure(Future<Message<Buffer>> future) {
        try {
            future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(ReplyException.class);
            return (ReplyException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError("delivery did not answer", e);
        }
        throw new AssertionError("delivery succeeded but was expected to fail");
    }
}
