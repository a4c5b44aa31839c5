package dev.carlink.command.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.carlink.command.CommandSchema;
import dev.carlink.command.TestClock;
import dev.carlink.command.secrets.KeyRing;
import dev.carlink.command.signing.CommandSigner;
import dev.carlink.command.signing.SigningKeyView;
import dev.carlink.command.signing.SigningKeys;
import dev.carlink.command.state.TelemetryClient;
import dev.carlink.command.store.Db;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.CommandSignatures;
import dev.carlink.proto.bus.v1.DeliveryReceipt;
import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.CommandOutcome;
import dev.carlink.proto.v1.CommandResult;
import dev.carlink.proto.v1.SignedCommand;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Signing at send time, re-sends after a car comes back, key rotation without re-enrollment, delivery
 * windows, fail-fast and the append-only audit trail, against a real PostgreSQL.
 */
class SignedDeliveryIT {

    private static final KeyRing KEYS = KeyRing.generate();

    private static final String CAR = "SMCAR000000000501";
    private static final String OFFLINE_CAR = "SMCAR000000000502";
    private static final String ROTATING_CAR = "SMCAR000000000503";
    private static final String LAGGING_CAR = "SMCAR000000000504";
    private static final Duration VALIDITY = Duration.ofSeconds(30);

    private static EmbeddedPostgres postgres;
    private static DataSource dataSource;
    private static Vertx vertx;
    private static Db db;
    private static SigningKeys keys;
    private static CommandService commands;

    private static final TestClock CLOCK = new TestClock(Instant.parse("2026-07-01T08:00:00Z"));

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        dataSource = postgres.getPostgresDatabase();
        CommandSchema.migrate(dataSource);
        vertx = Vertx.vertx();
        db = new Db(vertx, dataSource);
        keys = new SigningKeys(db, KEYS, CLOCK);
        keys.ensureActive().await();
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO command.users (username, password_hash, role, display_name, created_at) "
                    + "VALUES ('olga', 'x', 'OWNER', 'Olga', now())");
            for (String vin : List.of(CAR, OFFLINE_CAR, ROTATING_CAR, LAGGING_CAR)) {
                st.execute("INSERT INTO command.vehicles (vin, owner_id, name, secret_hash, enrolled_at, online) "
                        + "SELECT '" + vin + "', id, 'car', 'x', now(), " + !vin.equals(OFFLINE_CAR)
                        + " FROM command.users WHERE username = 'olga'");
            }
        }
        for (String vin : List.of(CAR, OFFLINE_CAR, ROTATING_CAR, LAGGING_CAR)) {
            db.tx(c -> keys.provision(c, vin)).await();
        }
        commands = new CommandService(
                vertx,
                db,
                new TelemetryClient(vertx, Duration.ofSeconds(2)),
                new CloudPreconditions(30, 20),
                Duration.ofSeconds(2),
                Duration.ofSeconds(60),
                CLOCK,
                new SimpleMeterRegistry(),
                new CommandSigner(VALIDITY, KEYS, CLOCK));
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await();
        postgres.close();
    }

    /** A stand-in gateway: records what it is given and answers with a receipt. */
    private static MessageConsumer<Buffer> gateway(String vin, List<SignedCommand> sent) {
        return vertx.eventBus().<Buffer>consumer(BusAddress.commandDelivery(vin), msg -> {
            try {
                sent.add(SignedCommand.parseFrom(msg.body().getBytes()));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                msg.fail(400, "not a SignedCommand");
                return;
            }
            msg.reply(Buffer.buffer(DeliveryReceipt.newBuilder().build().toByteArray()));
        });
    }

    private static CommandRecord stop(String vin) {
        return commands.request(UUID.randomUUID(), vin, new CommandSpec.ClimateStopSpec(), "owner:olga")
                .await()
                .command();
    }

    private static Command verified(SignedCommand signed) throws Exception {
        SigningKeyView key = keys.list().await().stream()
                .filter(k -> k.keyId().equals(signed.getKeyId()))
                .findFirst()
                .orElseThrow();
        assertThat(CommandSignatures.verify(
                        CommandSignatures.publicKey(key.publicKey()),
                        signed.getCommand().toByteArray(),
                        signed.getSignature().toByteArray()))
                .as("signature by " + signed.getKeyId())
                .isTrue();
        return Command.parseFrom(signed.getCommand());
    }

    private static CommandStatus statusOf(String vin, UUID id) {
        return commands.find(vin, id).await().orElseThrow().status();
    }

    @Test
    void everySendIsSigned_forTheCar_withAGrowingCounter_andASecondsLongValidity() throws Exception {
        List<SignedCommand> sent = new CopyOnWriteArrayList<>();
        MessageConsumer<Buffer> gateway = gateway(CAR, sent);
        CommandRecord first = stop(CAR);
        CommandRecord second = stop(CAR);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() == 2);

        Command a = verified(sent.get(0));
        Command b = verified(sent.get(1));
        assertThat(List.of(a.getId(), b.getId()))
                .containsExactlyInAnyOrder(first.id().toString(), second.id().toString());
        assertThat(a.getVin()).isEqualTo(CAR);
        assertThat(a.getCounter()).isPositive();
        assertThat(b.getCounter()).isNotEqualTo(a.getCounter());
        assertThat(a.getValidUntilMs()).isEqualTo(CLOCK.instant().plus(VALIDITY).toEpochMilli());
        assertThat(a.hasAnnouncedKey()).isFalse();

        SignedCommand tampered = sent.get(0).toBuilder()
                .setCommand(a.toBuilder().setVin(OFFLINE_CAR).build().toByteString())
                .build();
        SigningKeyView key = keys.publicKeys().await().get(0);
        assertThat(CommandSignatures.verify(
                        CommandSignatures.publicKey(key.publicKey()),
                        tampered.getCommand().toByteArray(),
                        tampered.getSignature().toByteArray()))
                .isFalse();
        gateway.unregister().await();
    }

    @Test
    void aCommandSentBeforeTheCarWentAway_isSentAgainWhenItReturns_underANewCounter() throws Exception {
        List<SignedCommand> sent = new CopyOnWriteArrayList<>();
        MessageConsumer<Buffer> gateway = gateway(CAR, sent);
        CommandRecord command = stop(CAR);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> statusOf(CAR, command.id()) == CommandStatus.SENT);

        assertThat(commands.onVehicleOnline(CAR).await()).isEqualTo(1);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() == 2);

        Command original = verified(sent.get(0));
        Command again = verified(sent.get(1));
        assertThat(again.getId()).isEqualTo(original.getId());
        assertThat(again.getCounter()).isGreaterThan(original.getCounter());
        assertThat(statusOf(CAR, command.id())).isEqualTo(CommandStatus.SENT);

        commands.onResult(
                        CAR,
                        CommandResult.newBuilder()
                                .setCommandId(command.id().toString())
                                .setStatus(CommandOutcome.COMMAND_OUTCOME_SUCCEEDED)
                                .build())
                .await();
        assertThat(commands.onVehicleOnline(CAR).await()).isZero();
        gateway.unregister().await();
    }

    @Test
    void afterRotation_aCarLearnsTheNewKeyFromASignedCommand_andAKeyCarsStillNeedIsNotRetiredByAccident()
            throws Exception {
        String oldKey = keys.rotate().await().keyId();
        db.tx(c -> keys.provision(c, ROTATING_CAR)).await();
        db.tx(c -> keys.provision(c, LAGGING_CAR)).await();
        String newKey = keys.rotate().await().keyId();
        List<SignedCommand> sent = new CopyOnWriteArrayList<>();
        MessageConsumer<Buffer> gateway = gateway(ROTATING_CAR, sent);

        CommandRecord first = stop(ROTATING_CAR);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() == 1);
        Command announcing = verified(sent.get(0));
        assertThat(sent.get(0).getKeyId()).isEqualTo(oldKey);
        assertThat(announcing.getAnnouncedKey().getKeyId()).isEqualTo(newKey);

        commands.onResult(
                        ROTATING_CAR,
                        CommandResult.newBuilder()
                                .setCommandId(first.id().toString())
                                .setStatus(CommandOutcome.COMMAND_OUTCOME_SUCCEEDED)
                                .setTrustedKeyId(newKey)
                                .build())
                .await();
        stop(ROTATING_CAR);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() == 2);
        assertThat(sent.get(1).getKeyId()).isEqualTo(newKey);
        assertThat(verified(sent.get(1)).hasAnnouncedKey()).isFalse();

        SigningKeys.RetireResult refused = keys.retire(oldKey, false).await();
        assertThat(refused.refusal()).contains(SigningKeys.RetireRefusal.IN_USE);
        assertThat(refused.vehiclesOnKey()).isEqualTo(1);
        assertThat(keys.retire(newKey, false).await().refusal()).contains(SigningKeys.RetireRefusal.NOT_PREVIOUS);
        assertThat(keys.retire(oldKey, true).await().refusal()).isEmpty();

        CommandRecord cutOff = stop(LAGGING_CAR);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> statusOf(LAGGING_CAR, cutOff.id()) == CommandStatus.REJECTED);
        assertThat(commands.find(LAGGING_CAR, cutOff.id()).await().orElseThrow().reasonCode())
                .isEqualTo("SIGNING_KEY_RETIRED");
        assertThat(keys.publicKeys().await()).extracting(SigningKeyView::keyId).doesNotContain(oldKey);
        gateway.unregister().await();
    }

    @Test
    void aFailFastRequest_forAnOfflineCar_isRefusedAtOnce_withAReason() {
        CommandService.Created created = commands.request(
                        UUID.randomUUID(),
                        OFFLINE_CAR,
                        new CommandSpec.ClimateStopSpec(),
                        new Delivery(Duration.ofMinutes(5), true),
                        "owner:olga")
                .await();

        assertThat(created.command().status()).isEqualTo(CommandStatus.REJECTED);
        assertThat(created.refusal()).map(Refusal::code).contains("OFFLINE_FAIL_FAST");
    }

    @Test
    void aCommandWaitsForAnOfflineCar_exactlyAsLongAsTheRequestAsked() {
        CommandRecord command = commands.request(
                        UUID.randomUUID(),
                        OFFLINE_CAR,
                        new CommandSpec.ClimateStopSpec(),
                        new Delivery(Duration.ofSeconds(90), false),
                        "owner:olga")
                .await()
                .command();
        assertThat(command.expiresAt()).isEqualTo(CLOCK.instant().plusSeconds(90));

        CLOCK.set(CLOCK.instant().plusSeconds(89));
        commands.sweep().await();
        assertThat(statusOf(OFFLINE_CAR, command.id())).isEqualTo(CommandStatus.QUEUED);

        CLOCK.set(CLOCK.instant().plusSeconds(2));
        commands.sweep().await();
        assertThat(statusOf(OFFLINE_CAR, command.id())).isEqualTo(CommandStatus.EXPIRED);
    }

    @Test
    void theAuditTrail_namesWhoAskedAndWhatTheCarAnswered_andTheDatabaseRefusesToEditIt() throws Exception {
        List<SignedCommand> sent = new CopyOnWriteArrayList<>();
        MessageConsumer<Buffer> gateway = gateway(CAR, sent);
        CommandRecord command = stop(CAR);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> statusOf(CAR, command.id()) == CommandStatus.SENT);
        commands.onResult(
                        CAR,
                        CommandResult.newBuilder()
                                .setCommandId(command.id().toString())
                                .setStatus(CommandOutcome.COMMAND_OUTCOME_REJECTED)
                                .setReason(dev.carlink.proto.v1.ReasonCode.REASON_CODE_NOT_RUNNING)
                                .setDetail("climate was not running")
                                .build())
                .await();

        List<AuditEntry> trail = commands.audit(CAR, Long.MAX_VALUE, 100).await().stream()
                .filter(e -> e.commandId().equals(command.id()))
                .toList();
        // this gateway never acknowledges the transport: the car's answer proves the delivery
        assertThat(trail).extracting(AuditEntry::to).containsExactly("REJECTED", "DELIVERED", "SENT", "QUEUED");
        assertThat(trail)
                .extracting(AuditEntry::actor)
                .containsExactly("vehicle:" + CAR, "vehicle:" + CAR, "gateway", "owner:olga");
        assertThat(trail).allSatisfy(e -> assertThat(e.requestedBy()).isEqualTo("owner:olga"));
        assertThat(trail.get(0).reasonCode()).isEqualTo("NOT_RUNNING");
        assertThat(trail.get(0).detail()).isEqualTo("climate was not running");

        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.executeUpdate("UPDATE command.command_transitions SET cause = 'edited'"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> st.executeUpdate("DELETE FROM command.command_transitions"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> st.executeUpdate("TRUNCATE command.command_transitions CASCADE"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("append-only");
        }
        gateway.unregister().await();
    }
}
