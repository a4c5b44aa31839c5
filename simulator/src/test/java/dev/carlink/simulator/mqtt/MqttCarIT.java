package dev.carlink.simulator.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.carlink.proto.v1.CabinPosition;
import dev.carlink.proto.v1.ClimateStart;
import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.CommandOutcome;
import dev.carlink.proto.v1.CommandResult;
import dev.carlink.proto.v1.ErrorCode;
import dev.carlink.proto.v1.FatigueCause;
import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.proto.v1.PublishError;
import dev.carlink.proto.v1.ReasonCode;
import dev.carlink.proto.v1.SterilizationPhase;
import dev.carlink.proto.v1.SterilizationStart;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.proto.v1.VehicleEvent;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.CarConfig;
import dev.carlink.simulator.car.SimulatedCar;
import dev.carlink.simulator.car.TestSigner;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MqttCarIT {

    private static final String VIN = "SMCAR000000000007";
    private static final String SECRET = "s3cret-7";
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final TestSigner SIGNER = new TestSigner("k-test");

    private FakeGateway gateway;
    private ScheduledExecutorService scheduler;
    private MqttCar car;

    @BeforeEach
    void startGateway() throws Exception {
        gateway = new FakeGateway();
        gateway.register(VIN, SECRET);
        scheduler = Executors.newScheduledThreadPool(2);
    }

    @AfterEach
    void stop() throws Exception {
        if (car != null) {
            car.close();
        }
        scheduler.shutdownNow();
        gateway.close();
    }

    private MqttCar car(String secret, double timeScale) {
        MqttCarConfig config = MqttCarConfig.of(URI.create("tcp://127.0.0.1:" + gateway.port()))
                .withTelemetryInterval(Duration.ofMillis(200))
                .withStepInterval(Duration.ofMillis(100))
                .withTimeScale(timeScale)
                .withMaxReconnectDelay(Duration.ofSeconds(1));
        SimulatedCar simulated =
                new SimulatedCar(CarConfig.of(VIN).withReminderAcknowledgeDelay(Duration.ZERO), Clock.systemUTC());
        car = new MqttCar(
                new VehicleCredentials(VIN, secret, List.of(SIGNER.publicKey())), simulated, config, scheduler);
        return car;
    }

    private static Command.Builder command() {
        long now = System.currentTimeMillis();
        return Command.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setVin(VIN)
                .setIssuedAtMs(now)
                .setExpiresAtMs(now + 60_000);
    }

    @Test
    void connect_withItsSecret_subscribesAndPublishesTelemetryWithIncreasingSeq() throws Exception {
        MqttCar car = car(SECRET, 1);

        car.connect().get(10, TimeUnit.SECONDS);

        assertThat(car.isConnected()).isTrue();
        assertThat(gateway.isSubscribed(VIN, "v1/vehicles/" + VIN + "/commands"))
                .isTrue();
        assertThat(gateway.isSubscribed(VIN, "v1/vehicles/" + VIN + "/errors")).isTrue();
        await().atMost(WAIT).until(() -> gateway.telemetry().size() >= 3);
        List<Telemetry> samples = gateway.telemetry();
        for (int i = 1; i < samples.size(); i++) {
            assertThat(samples.get(i).getSeq()).isGreaterThan(samples.get(i - 1).getSeq());
        }
        assertThat(samples.get(0).getDoorsCount()).isEqualTo(4);
        assertThat(car.stats().telemetrySent()).isPositive();
    }

    @Test
    void connect_withWrongSecret_failsWithoutRetryingAndPublishesNothing() {
        MqttCar car = car("wrong", 1);

        var connection = car.connect();

        await().atMost(WAIT).until(connection::isDone);
        assertThat(connection).isCompletedExceptionally();
        assertThat(catchCause(connection)).isInstanceOf(MqttCarException.class);
        assertThat(car.isConnected()).isFalse();
        assertThat(gateway.telemetry()).isEmpty();
    }

    @Test
    void command_deliveredTwice_isExecutedOnceAndAnswered() throws Exception {
        MqttCar car = car(SECRET, 1);
        car.connect().get(10, TimeUnit.SECONDS);
        Command start = command()
                .setClimateStart(
                        ClimateStart.newBuilder().setTargetTemperatureC(21).setDurationS(600))
                .build();

        byte[] signed = SIGNER.sign(start).toByteArray();
        gateway.send(VIN, "v1/vehicles/" + VIN + "/commands", signed, MqttQoS.AT_LEAST_ONCE);
        gateway.send(VIN, "v1/vehicles/" + VIN + "/commands", signed, MqttQoS.AT_LEAST_ONCE);

        await().atMost(WAIT).until(() -> gateway.resultsFor(start.getId()).size() >= 2);
        assertThat(gateway.resultsFor(start.getId()))
                .allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(CommandOutcome.COMMAND_OUTCOME_SUCCEEDED));
        assertThat(car.car().executedCommandIds()).containsExactly(start.getId());
        assertThat(car.car().isClimateRunning()).isTrue();
        assertThat(car.stats().commandsReceived()).isEqualTo(2);
    }

    @Test
    void sterilization_atHighTimeScale_publishesEveryPhaseAndTheFinalResult() throws Exception {
        // given a car whose clock runs 600 times faster than real time
        MqttCar car = car(SECRET, 600);
        car.connect().get(10, TimeUnit.SECONDS);
        Command start = command()
                .setSterilizationStart(SterilizationStart.newBuilder()
                        .setTargetTemperatureC(56)
                        .setHoldS(900)
                        .setVentilateS(60)
                        .setChecklistConfirmed(true))
                .build();

        // when the backend starts a sterilization
        gateway.send(VIN, "v1/vehicles/" + VIN + "/commands", SIGNER.sign(start).toByteArray(), MqttQoS.AT_LEAST_ONCE);

        // then IN_PROGRESS, every phase as an event, and SUCCEEDED arrive
        await().atMost(WAIT).untilAsserted(() -> assertThat(gateway.resultsFor(start.getId()))
                .extracting(CommandResult::getStatus)
                .containsExactly(CommandOutcome.COMMAND_OUTCOME_IN_PROGRESS, CommandOutcome.COMMAND_OUTCOME_SUCCEEDED));
        assertThat(gateway.events().stream()
                        .filter(VehicleEvent::hasSterilizationPhaseChanged)
                        .map(e -> e.getSterilizationPhaseChanged().getPhase()))
                .containsExactly(
                        SterilizationPhase.STERILIZATION_PHASE_PRECHECK,
                        SterilizationPhase.STERILIZATION_PHASE_HEATING,
                        SterilizationPhase.STERILIZATION_PHASE_HOLDING,
                        SterilizationPhase.STERILIZATION_PHASE_VENTILATING,
                        SterilizationPhase.STERILIZATION_PHASE_COMPLETED);
    }

    @Test
    void doorOpenedThroughTestHook_abortsAndTheFailureIsPublishedAtOnce() throws Exception {
        MqttCar car = car(SECRET, 1);
        car.connect().get(10, TimeUnit.SECONDS);
        Command start = command()
                .setSterilizationStart(SterilizationStart.newBuilder()
                        .setTargetTemperatureC(56)
                        .setHoldS(900)
                        .setChecklistConfirmed(true))
                .build();
        gateway.send(VIN, "v1/vehicles/" + VIN + "/commands", SIGNER.sign(start).toByteArray(), MqttQoS.AT_LEAST_ONCE);
        await().atMost(WAIT).until(() -> !gateway.resultsFor(start.getId()).isEmpty());

        car.car().openDoor(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE);

        await().atMost(WAIT).untilAsserted(() -> assertThat(gateway.resultsFor(start.getId()))
                .last()
                .satisfies(r -> {
                    assertThat(r.getStatus()).isEqualTo(CommandOutcome.COMMAND_OUTCOME_FAILED);
                    assertThat(r.getReason()).isEqualTo(ReasonCode.REASON_CODE_DOOR_OPEN);
                }));
    }

    @Test
    void publishError_fromGateway_isRecordedAndCounted() throws Exception {
        MqttCar car = car(SECRET, 1);
        car.connect().get(10, TimeUnit.SECONDS);
        PublishError error = PublishError.newBuilder()
                .setTopic("v1/vehicles/" + VIN + "/telemetry")
                .setCode(ErrorCode.ERROR_CODE_INVALID_VALUE)
                .setDetail("state_of_charge_pct out of range")
                .build();

        gateway.send(VIN, "v1/vehicles/" + VIN + "/errors", error.toByteArray(), MqttQoS.AT_MOST_ONCE);

        await().atMost(WAIT).untilAsserted(() -> assertThat(car.car().errors()).containsExactly(error));
        assertThat(car.stats().publishErrors()).isEqualTo(1);
    }

    @Test
    void eventRaisedWhileDisconnected_isKeptAndPublishedAfterReconnecting() throws Exception {
        // given a connected car whose gateway then goes away
        MqttCar car = car(SECRET, 1);
        car.connect().get(10, TimeUnit.SECONDS);
        gateway.setAvailable(false);
        gateway.dropConnection(VIN);
        await().atMost(WAIT).until(() -> !car.isConnected());

        // when the driver monitoring raises an alert while offline
        car.car().raiseFatigueAlert(FatigueLevel.FATIGUE_LEVEL_CRITICAL, FatigueCause.FATIGUE_CAUSE_EYES_CLOSED);
        await().atMost(WAIT).until(() -> car.stats().outboxSize() > 0);
        assertThat(gateway.events()).noneMatch(VehicleEvent::hasFatigueAlert);

        // then it is delivered once the gateway accepts the car again
        gateway.setAvailable(true);
        await().atMost(WAIT).until(car::isConnected);
        await().atMost(WAIT).untilAsserted(() -> assertThat(gateway.events())
                .filteredOn(VehicleEvent::hasFatigueAlert)
                .singleElement()
                .satisfies(e ->
                        assertThat(e.getFatigueAlert().getLevel()).isEqualTo(FatigueLevel.FATIGUE_LEVEL_CRITICAL)));
        assertThat(car.stats().connects()).isGreaterThanOrEqualTo(2);
        assertThat(car.stats().dropped()).isZero();
    }

    @Test
    void close_ofCarWithItsOwnScheduler_isIdempotentAndStopsPublishing() throws Exception {
        MqttCarConfig config = MqttCarConfig.of(URI.create("tcp://127.0.0.1:" + gateway.port()))
                .withTelemetryInterval(Duration.ofMillis(200))
                .withStepInterval(Duration.ofMillis(100));
        car = new MqttCar(
                new VehicleCredentials(VIN, SECRET, List.of(SIGNER.publicKey())),
                new SimulatedCar(CarConfig.of(VIN), Clock.systemUTC()),
                config);
        MqttCar car = this.car;
        car.connect().get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> !gateway.telemetry().isEmpty());

        car.close();
        car.close();
        int afterClose = gateway.telemetry().size();

        assertThat(car.isConnected()).isFalse();
        await().during(Duration.ofMillis(600))
                .atMost(Duration.ofSeconds(2))
                .until(() -> gateway.telemetry().size() == afterClose);
    }

    private static Throwable catchCause(java.util.concurrent.CompletableFuture<Void> future) {
        try {
            future.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }
}
