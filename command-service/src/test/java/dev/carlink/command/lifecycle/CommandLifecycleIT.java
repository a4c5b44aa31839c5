package dev.carlink.command.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.carlink.command.CommandSchema;
import dev.carlink.command.TestClock;
import dev.carlink.command.secrets.KeyRing;
import dev.carlink.command.signing.CommandSigner;
import dev.carlink.command.signing.SigningKeys;
import dev.carlink.command.state.TelemetryClient;
import dev.carlink.command.store.Db;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.CommandTransportAck;
import dev.carlink.proto.bus.v1.DeliveryReceipt;
import dev.carlink.proto.bus.v1.LatestState;
import dev.carlink.proto.v1.CommandOutcome;
import dev.carlink.proto.v1.CommandResult;
import dev.carlink.proto.v1.Hvac;
import dev.carlink.proto.v1.HvacMode;
import dev.carlink.proto.v1.Telemetry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Deadlines, late answers and re-sends of the durable lifecycle, against a real PostgreSQL. */
class CommandLifecycleIT {

    private static final KeyRing KEYS = KeyRing.generate();

    private static final String VIN = "SMCAR000000000401";
    private static final String OTHER_VIN = "SMCAR000000000402";
    private static final String PARKED_VIN = "SMCAR000000000403";
    private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(60);

    private static EmbeddedPostgres postgres;
    private static DataSource dataSource;
    private static Vertx vertx;
    private static CommandService commands;

    private static final TestClock CLOCK = new TestClock(Instant.parse("2026-06-01T12:00:00Z"));

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        dataSource = postgres.getPostgresDatabase();
        CommandSchema.migrate(dataSource);
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO command.users (username, password_hash, role, display_name, created_at) "
                    + "VALUES ('olga', 'x', 'OWNER', 'Olga', now())");
            for (String vin : new String[] {VIN, OTHER_VIN, PARKED_VIN}) {
                st.execute("INSERT INTO command.vehicles (vin, owner_id, name, secret_hash, enrolled_at, online) "
                        + "SELECT '" + vin
                        + "', id, 'car', 'x', now(), true FROM command.users WHERE username = 'olga'");
            }
        }
        vertx = Vertx.vertx();
        Db db = new Db(vertx, dataSource);
        new SigningKeys(db, KEYS, CLOCK).ensureActive().await();
        commands = new CommandService(
                vertx,
                db,
                new TelemetryClient(vertx, Duration.ofSeconds(2)),
                new CloudPreconditions(30, 20),
                Duration.ofSeconds(2),
                RESULT_TIMEOUT,
                CLOCK,
                new SimpleMeterRegistry(),
                new CommandSigner(Duration.ofSeconds(30), KEYS, CLOCK));
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await();
        postgres.close();
    }

    /** A stand-in gateway for one car: answers deliveries with a receipt, or fails the first {@code failures}. */
    private static MessageConsumer<Buffer> gateway(String vin, int failures) {
        AtomicInteger calls = new AtomicInteger();
        return vertx.eventBus().<Buffer>consumer(BusAddress.commandDelivery(vin), msg -> {
            if (calls.incrementAndGet() <= failures) {
                msg.fail(503, "receive maximum reached");
                return;
            }
            msg.reply(Buffer.buffer(DeliveryReceipt.newBuilder().build().toByteArray()));
        });
    }

    private static CommandRecord created(String vin) {
        return commands.request(UUID.randomUUID(), vin, new CommandSpec.ClimateStopSpec(), "owner:olga")
                .await()
                .command();
    }

    private static CommandStatus statusOf(String vin, UUID id) {
        return commands.find(vin, id).await().orElseThrow().status();
    }

    private static CommandStatus awaitStatus(String vin, UUID id, CommandStatus wanted) {
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(statusOf(vin, id)).isEqualTo(wanted));
        return wanted;
    }

    private static CommandResult result(UUID id, CommandOutcome outcome) {
        return CommandResult.newBuilder()
                .setCommandId(id.toString())
                .setStatus(outcome)
                .build();
    }

    @Test
    void aSentCommandWithoutAnswer_timesOut_andTheCarsLateAnswerStillSettlesIt() {
        MessageConsumer<Buffer> gateway = gateway(VIN, 0);
        CommandRecord command = created(VIN);
        awaitStatus(VIN, command.id(), CommandStatus.SENT);

        CLOCK.set(CLOCK.instant().plus(RESULT_TIMEOUT).plusSeconds(1));
        commands.sweep().await();

        CommandRecord timedOut = commands.find(VIN, command.id()).await().orElseThrow();
        assertThat(timedOut.status()).isEqualTo(CommandStatus.TIMED_OUT);
        assertThat(timedOut.reasonCode()).isEqualTo("NO_RESULT");
        assertThat(timedOut.toJson().getBoolean("mayHaveSucceeded")).isTrue();

        commands.onResult(VIN, result(command.id(), CommandOutcome.COMMAND_OUTCOME_SUCCEEDED))
                .await();

        CommandRecord settled = commands.find(VIN, command.id()).await().orElseThrow();
        assertThat(settled.status()).isEqualTo(CommandStatus.SUCCEEDED);
        assertThat(settled.transitions())
                .extracting(CommandRecord.Transition::to)
                .containsExactly(
                        CommandStatus.QUEUED, CommandStatus.SENT, CommandStatus.TIMED_OUT, CommandStatus.SUCCEEDED);
        gateway.unregister().await();
    }

    @Test
    void aCommandForACarThatNeverConnects_expiresAtItsDeadline_withAReason() {
        CommandRecord command = created(OTHER_VIN);
        assertThat(statusOf(OTHER_VIN, command.id())).isEqualTo(CommandStatus.QUEUED);

        CLOCK.set(command.expiresAt().plusSeconds(1));
        commands.sweep().await();

        CommandRecord expired = commands.find(OTHER_VIN, command.id()).await().orElseThrow();
        assertThat(expired.status()).isEqualTo(CommandStatus.EXPIRED);
        assertThat(expired.reasonCode()).isEqualTo("EXPIRED");
        assertThat(expired.detail()).contains("did not connect");
    }

    @Test
    void aLateTransportAck_neverMovesAFinishedCommandBack_andTheAnswerHadRecordedTheDeliveryItProves() {
        MessageConsumer<Buffer> gateway = gateway(VIN, 0);
        CommandRecord command = created(VIN);
        awaitStatus(VIN, command.id(), CommandStatus.SENT);
        commands.onResult(VIN, result(command.id(), CommandOutcome.COMMAND_OUTCOME_SUCCEEDED))
                .await();

        commands.onTransportAck(CommandTransportAck.newBuilder()
                        .setVin(VIN)
                        .setCommandId(command.id().toString())
                        .build())
                .await();

        assertThat(statusOf(VIN, command.id())).isEqualTo(CommandStatus.SUCCEEDED);
        CommandRecord settled = commands.find(VIN, command.id()).await().orElseThrow();
        assertThat(settled.transitions())
                .extracting(CommandRecord.Transition::to)
                .containsExactly(
                        CommandStatus.QUEUED, CommandStatus.SENT, CommandStatus.DELIVERED, CommandStatus.SUCCEEDED);
        assertThat(settled.transitions().get(2).cause()).contains("implied by the car's answer");
        gateway.unregister().await();
    }

    @Test
    void aTransportAckThatOvertakesTheGatewaysReceipt_recordsTheSendFirst_withItsKey() {
        CommandRecord command = created(OTHER_VIN); // no gateway for this car: the command stays QUEUED
        assertThat(statusOf(OTHER_VIN, command.id())).isEqualTo(CommandStatus.QUEUED);

        commands.onTransportAck(CommandTransportAck.newBuilder()
                        .setVin(OTHER_VIN)
                        .setCommandId(command.id().toString())
                        .setKeyId("k-test")
                        .build())
                .await();

        CommandRecord delivered = commands.find(OTHER_VIN, command.id()).await().orElseThrow();
        assertThat(delivered.transitions())
                .extracting(CommandRecord.Transition::to)
                .containsExactly(CommandStatus.QUEUED, CommandStatus.SENT, CommandStatus.DELIVERED);
        assertThat(delivered.transitions().get(1).cause())
                .isEqualTo("signed with key k-test and written to the car's session");
    }

    @Test
    void aResultForAnotherCarsCommand_isRefused_andChangesNothing() {
        CommandRecord command = created(OTHER_VIN);

        assertThatThrownBy(() -> commands.onResult(VIN, result(command.id(), CommandOutcome.COMMAND_OUTCOME_SUCCEEDED))
                        .await())
                .isInstanceOf(UnknownCommandException.class);
        assertThat(statusOf(OTHER_VIN, command.id())).isEqualTo(CommandStatus.QUEUED);
        assertThatThrownBy(() -> commands.onResult(
                                VIN, result(UUID.randomUUID(), CommandOutcome.COMMAND_OUTCOME_SUCCEEDED))
                        .await())
                .isInstanceOf(UnknownCommandException.class);
    }

    @Test
    void aCommandTheGatewayDidNotTake_isSentAgainByTheSweep() {
        MessageConsumer<Buffer> gateway = gateway(VIN, 1);
        CommandRecord command = created(VIN);
        org.awaitility.Awaitility.await()
                .during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(statusOf(VIN, command.id())).isEqualTo(CommandStatus.QUEUED));

        CLOCK.set(CLOCK.instant().plusSeconds(3));
        commands.sweep().await();

        awaitStatus(VIN, command.id(), CommandStatus.SENT);
        gateway.unregister().await();
    }

    @Test
    void aThirdRemoteClimateStart_withoutADrive_isRefused_andADriveResetsTheCount() throws Exception {
        CommandSpec cool = new CommandSpec.ClimateStartSpec(22, 20, true);
        for (int i = 0; i < CommandService.MAX_REMOTE_STARTS_WITHOUT_DRIVE; i++) {
            assertThat(commands.request(UUID.randomUUID(), PARKED_VIN, cool, "owner:olga")
                            .await()
                            .refusal())
                    .isEmpty();
        }

        CommandService.Created third = commands.request(UUID.randomUUID(), PARKED_VIN, cool, "owner:olga")
                .await();

        assertThat(third.refusal()).map(Refusal::code).contains("TOO_MANY_REMOTE_STARTS");
        assertThat(third.command().status()).isEqualTo(CommandStatus.REJECTED);

        CLOCK.set(CLOCK.instant().plusSeconds(60));
        try (Connection c = dataSource.getConnection();
                java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO command.vehicle_events "
                        + "(vin, seq, ts, received_at, kind, payload) VALUES (?, 1, ?, ?, 'trip_changed', ?)")) {
            ps.setString(1, PARKED_VIN);
            ps.setTimestamp(2, java.sql.Timestamp.from(CLOCK.instant()));
            ps.setTimestamp(3, java.sql.Timestamp.from(CLOCK.instant()));
            ps.setBytes(4, new byte[0]);
            ps.executeUpdate();
        }
        CLOCK.set(CLOCK.instant().plusSeconds(60));

        assertThat(commands.request(UUID.randomUUID(), PARKED_VIN, cool, "owner:olga")
                        .await()
                        .refusal())
                .isEmpty();
    }

    @Test
    void anUnansweredClimateStart_isReconciledAsSucceeded_whenTheCarsTelemetryShowsTheAcRunning() {
        MessageConsumer<Buffer> gateway = gateway(VIN, 0);
        CommandRecord command = commands.request(
                        UUID.randomUUID(), VIN, new CommandSpec.ClimateStartSpec(22, 20, true), "owner:olga")
                .await()
                .command();
        awaitStatus(VIN, command.id(), CommandStatus.SENT);
        CLOCK.set(CLOCK.instant().plus(RESULT_TIMEOUT).plusSeconds(1));
        MessageConsumer<Buffer> telemetry = vertx.eventBus()
                .<Buffer>consumer(
                        BusAddress.TELEMETRY_QUERY_LATEST,
                        msg -> msg.reply(Buffer.buffer(LatestState.newBuilder()
                                .setVin(VIN)
                                .setTelemetry(Telemetry.newBuilder()
                                        .setTimestampMs(CLOCK.instant().toEpochMilli())
                                        .setSeq(1)
                                        .setHvac(Hvac.newBuilder()
                                                .setMode(HvacMode.HVAC_MODE_COOLING)
                                                .setIsAirConditioningActive(true)))
                                .build()
                                .toByteArray())));

        commands.sweep().await();

        CommandRecord settled = commands.find(VIN, command.id()).await().orElseThrow();
        assertThat(settled.status()).isEqualTo(CommandStatus.SUCCEEDED);
        assertThat(settled.detail()).contains("confirmed by telemetry");
        assertThat(settled.transitions())
                .extracting(CommandRecord.Transition::cause)
                .last()
                .asString()
                .contains("reconciled with telemetry");
        telemetry.unregister().await();
        gateway.unregister().await();
    }
}
