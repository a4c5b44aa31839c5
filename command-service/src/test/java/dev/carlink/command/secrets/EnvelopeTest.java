package dev.carlink.command.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.carlink.command.secrets.UnreadableSecretException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String CONTEXT = SecretColumn.DTLS_PSK.context("SMCAR000000000001");
    /** A DTLS key is 64 ASCII hex characters. */
    private static final byte[] SECRET =
            "9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c2e4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e".getBytes(StandardCharsets.US_ASCII);

    private final KeyEncryptionKey kek = KeyEncryptionKey.generate(RANDOM);

    @Test
    void aSealedSecret_opensToTheSameBytes_withItsKekAndContext() {
        byte[] sealed = Envelope.seal(kek, CONTEXT, SECRET, RANDOM);

        assertThat(Envelope.open(kek, CONTEXT, sealed)).isEqualTo(SECRET);
    }

    @Test
    void theFormat_isVersionKekIdNonceThenCiphertextAndTag_withNoPlaintextInIt() {
        byte[] sealed = Envelope.seal(kek, CONTEXT, SECRET, RANDOM);

        assertThat(sealed).hasSize(1 + 4 + 12 + SECRET.length + 16);
        assertThat(sealed[0]).isEqualTo((byte) 0x01);
        assertThat(HexFormat.of().formatHex(sealed, 1, 5)).isEqualTo(kek.id());
        assertThat(Envelope.kekId(CONTEXT, sealed)).isEqualTo(kek.id());
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1))
                .doesNotContain(new String(SECRET, 0, 8, StandardCharsets.ISO_8859_1));
    }

    @Test
    void sealingTwice_givesDifferentCiphertexts() {
        byte[] first = Envelope.seal(kek, CONTEXT, SECRET, RANDOM);
        byte[] second = Envelope.seal(kek, CONTEXT, SECRET, RANDOM);

        assertThat(first).isNotEqualTo(second);
        assertThat(Arrays.copyOfRange(first, 5, 17)).isNotEqualTo(Arrays.copyOfRange(second, 5, 17));
    }

    @Test
    void anyFlippedBit_inNonceCiphertextOrTag_isRefusedAsNotAuthentic() {
        byte[] sealed = Envelope.seal(kek, CONTEXT, SECRET, RANDOM);

        for (int i = Envelope.HEADER_BYTES; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            assertThatThrownBy(() -> Envelope.open(kek, CONTEXT, tampered))
                    .as("byte %d flipped", i)
                    .isInstanceOfSatisfying(UnreadableSecretException.class, e -> assertThat(e.reason())
                            .isEqualTo(Reason.NOT_AUTHENTIC))
                    .hasMessageContaining(CONTEXT)
                    .hasMessageContaining("altered");
        }
    }

    @Test
    void aCiphertextCopiedToAnotherRow_doesNotDecrypt() {
        byte[] sealed = Envelope.seal(kek, CONTEXT, SECRET, RANDOM);
        String otherCar = SecretColumn.DTLS_PSK.context("SMCAR000000000002");

        assertThatThrownBy(() -> Envelope.open(kek, otherCar, sealed))
                .isInstanceOfSatisfying(UnreadableSecretException.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.NOT_AUTHENTIC))
                .hasMessageContaining("copied from another row");
        assertThatThrownBy(() -> Envelope.open(kek, SecretColumn.SIGNING_PRIVATE_KEY.context("k1"), sealed))
                .isInstanceOf(UnreadableSecretException.class);
    }

    @Test
    void anotherKek_isRefusedByItsId_andAForgedIdDoesNotDecryptEither() {
        byte[] sealed = Envelope.seal(kek, CONTEXT, SECRET, RANDOM);
        KeyEncryptionKey other = KeyEncryptionKey.generate(RANDOM);

        assertThatThrownBy(() -> Envelope.open(other, CONTEXT, sealed))
                .isInstanceOfSatisfying(UnreadableSecretException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEK);
                    assertThat(e.kekId()).isEqualTo(kek.id());
                })
                .hasMessageContaining(kek.id())
                .hasMessageContaining(other.id());

        byte[] relabelled = sealed.clone();
        System.arraycopy(HexFormat.of().parseHex(other.id()), 0, relabelled, 1, 4);
        assertThatThrownBy(() -> Envelope.open(other, CONTEXT, relabelled))
                .isInstanceOfSatisfying(UnreadableSecretException.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.NOT_AUTHENTIC));
    }

    @Test
    void somethingThatIsNoEnvelope_isMalformed_notDecrypted() {
        byte[] pkcs8Prefix = HexFormat.of().parseHex("302e020100300506032b657004220420" + "00".repeat(32));

        assertThatThrownBy(() -> Envelope.open(kek, CONTEXT, pkcs8Prefix))
                .isInstanceOfSatisfying(UnreadableSecretException.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.MALFORMED))
                .hasMessageContaining("version byte 0x30");
        assertThatThrownBy(() -> Envelope.open(kek, CONTEXT, new byte[10]))
                .isInstanceOf(UnreadableSecretException.class)
                .hasMessageContaining("too short");
    }

    @Test
    void anEmptySecret_roundTrips() {
        byte[] sealed = Envelope.seal(kek, CONTEXT, new byte[0], RANDOM);

        assertThat(sealed).hasSize(Envelope.MIN_BYTES);
        assertThat(Envelope.open(kek, CONTEXT, sealed)).isEmpty();
    }
}
