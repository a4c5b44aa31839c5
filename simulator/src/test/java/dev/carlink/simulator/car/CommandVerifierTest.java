package dev.carlink.simulator.car;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.carlink.proto.v1.ClimateStop;
import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.ReasonCode;
import dev.carlink.proto.v1.SignedCommand;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Each way a command can fail the car's verification, with real Ed25519 signatures. */
class CommandVerifierTest {

    private static final String VIN = "SMCAR000000000042";
    private static final Instant NOW = Instant.parse("2026-06-02T10:00:00Z");

    private final AtomicReference<Instant> now = new AtomicReference<>(NOW);
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final TestSigner backend = new TestSigner("k-1");
    private final CommandVerifier verifier = new CommandVerifier(VIN, List.of(backend.publicKey()), clock);
    private long counter = 100;

    private Command.Builder command() {
        return Command.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setVin(VIN)
                .setCounter(++counter)
                .setValidUntilMs(NOW.plusSeconds(30).toEpochMilli())
                .setExpiresAtMs(NOW.plusSeconds(300).toEpochMilli())
                .setClimateStop(ClimateStop.getDefaultInstance());
    }

    private CommandVerifier.Verdict verify(SignedCommand signed) {
        return verifier.verify(signed.toByteArray());
    }

    @Test
    void aCommandSignedByATrustedKey_forThisCar_inTime_isAccepted() {
        Command command = command().build();

        CommandVerifier.Verdict verdict = verify(backend.signExactly(command));

        assertThat(verdict.accepted()).isTrue();
        assertThat(verdict.command()).isEqualTo(command);
        assertThat(verifier.refusals()).isEmpty();
    }

    @Test
    void aForgedCommand_alteredAfterSigning_isRefusedAsSignatureInvalid() {
        SignedCommand genuine = backend.signExactly(command().build());
        Command altered = command().setId(genuine.getKeyId()).build();
        SignedCommand forged =
                genuine.toBuilder().setCommand(altered.toByteString()).build();

        CommandVerifier.Verdict verdict = verify(forged);

        assertThat(verdict.fault()).isEqualTo(ReasonCode.REASON_CODE_SIGNATURE_INVALID);
        assertThat(verdict.commandId()).isEqualTo(altered.getId());
    }

    @Test
    void aCommandSignedByAnAttackersKey_underTheTrustedKeyId_isRefusedAsSignatureInvalid() {
        TestSigner attacker = new TestSigner("k-1");

        assertThat(verify(attacker.signExactly(command().build())).fault())
                .isEqualTo(ReasonCode.REASON_CODE_SIGNATURE_INVALID);
    }

    @Test
    void aCommandSignedByAnUnknownKey_isRefusedAsUnknownSigningKey() {
        TestSigner stranger = new TestSigner("k-stranger");

        assertThat(verify(stranger.signExactly(command().build())).fault())
                .isEqualTo(ReasonCode.REASON_CODE_UNKNOWN_SIGNING_KEY);
    }

    @Test
    void anUnsignedCommand_aDowngrade_isRefusedAsSignatureMissing() {
        SignedCommand unsigned = SignedCommand.newBuilder()
                .setCommand(command().build().toByteString())
                .build();
        SignedCommand noKeyId =
                backend.signExactly(command().build()).toBuilder().clearKeyId().build();

        assertThat(verify(unsigned).fault()).isEqualTo(ReasonCode.REASON_CODE_SIGNATURE_MISSING);
        assertThat(verify(noKeyId).fault()).isEqualTo(ReasonCode.REASON_CODE_SIGNATURE_MISSING);
    }

    @Test
    void aCommandForAnotherVin_isRefusedAsWrongVin_evenWithAValidSignature() {
        assertThat(verify(backend.signExactly(
                                command().setVin("SMCAR000000000043").build()))
                        .fault())
                .isEqualTo(ReasonCode.REASON_CODE_WRONG_VIN);
    }

    @Test
    void aSignaturePastItsValidity_byTheCarsClock_isRefusedAsExpired() {
        SignedCommand signed = backend.signExactly(command().build());
        now.set(NOW.plusSeconds(31));

        CommandVerifier.Verdict verdict = verify(signed);

        assertThat(verdict.fault()).isEqualTo(ReasonCode.REASON_CODE_SIGNATURE_EXPIRED);
        assertThat(verdict.detail()).contains("2026-06-02T10:00:30Z");
    }

    @Test
    void theSameMessageDeliveredTwice_passesBothTimes_soTheCarCanAnswerFromItsMemory() {
        SignedCommand signed = backend.signExactly(command().build());

        assertThat(verify(signed).accepted()).isTrue();
        now.set(NOW.plusSeconds(40));
        assertThat(verify(signed).accepted()).isTrue();
    }

    @Test
    void aUsedCounter_underAnotherId_isRefusedAsReplayed() {
        Command first = command().build();
        verify(backend.signExactly(first));
        Command reusing = command().setCounter(first.getCounter()).build();

        assertThat(verify(backend.signExactly(reusing)).fault()).isEqualTo(ReasonCode.REASON_CODE_REPLAYED);
    }

    @Test
    void aCounterOlderThanTheCarRemembers_isRefusedAsReplayed_butOutOfOrderWithinTheWindowIsFine() {
        Command early = command().build();
        for (int i = 0; i < CommandVerifier.WINDOW; i++) {
            assertThat(verify(backend.signExactly(command().build())).accepted())
                    .isTrue();
        }
        Command late = command().setCounter(early.getCounter()).build();
        assertThat(verify(backend.signExactly(late)).fault()).isEqualTo(ReasonCode.REASON_CODE_REPLAYED);

        Command ahead = command().setCounter(counter + 5).build();
        Command behind = command().setCounter(counter + 3).build();
        assertThat(verify(backend.signExactly(ahead)).accepted()).isTrue();
        assertThat(verify(backend.signExactly(behind)).accepted()).isTrue();
    }

    @Test
    void aKeyAnnouncedInAVerifiedCommand_isTrustedFromThenOn_andReportedAsTheNewest() {
        TestSigner rotated = new TestSigner("k-2");
        assertThat(verify(rotated.signExactly(command().build())).fault())
                .isEqualTo(ReasonCode.REASON_CODE_UNKNOWN_SIGNING_KEY);

        verify(backend.signExactly(
                command().setAnnouncedKey(rotated.publicKey()).build()));

        assertThat(verifier.newestKeyId()).isEqualTo("k-2");
        assertThat(verifier.trustedKeyIds()).containsExactly("k-1", "k-2");
        assertThat(verify(rotated.signExactly(command().build())).accepted()).isTrue();
    }

    @Test
    void aKeyAnnouncedInAForgedCommand_isNotTrusted() {
        TestSigner attacker = new TestSigner("k-evil");
        SignedCommand genuine = backend.signExactly(command().build());
        Command withAnnouncement =
                command().setAnnouncedKey(attacker.publicKey()).build();

        verify(genuine.toBuilder().setCommand(withAnnouncement.toByteString()).build());

        assertThat(verifier.trustedKeyIds()).containsExactly("k-1");
    }

    @Test
    void bytesThatAreNotASignedCommand_areDropped_withNothingToAnswer() {
        CommandVerifier.Verdict garbage = verifier.verify(new byte[] {(byte) 0xff, 0x01, 0x02});
        CommandVerifier.Verdict innerGarbage = verify(SignedCommand.newBuilder()
                .setCommand(ByteString.copyFrom(new byte[] {(byte) 0xff, 0x01}))
                .setKeyId("k-1")
                .build());

        assertThat(garbage.unreadable()).isTrue();
        assertThat(innerGarbage.unreadable()).isTrue();
        assertThat(verifier.refusals()).isEmpty();
    }

    @Test
    void refusalsAreCountedByFaultCode() {
        verify(new TestSigner("k-x").signExactly(command().build()));
        verify(new TestSigner("k-y").signExactly(command().build()));

        assertThat(verifier.refusals()).containsEntry(ReasonCode.REASON_CODE_UNKNOWN_SIGNING_KEY, 2L);
    }
}
