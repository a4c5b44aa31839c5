package dev.carlink.proto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import org.junit.jupiter.api.Test;

class CommandSignaturesTest {

    private static final byte[] PREFIX = "carlink.command.v1\0".getBytes(StandardCharsets.US_ASCII);
    private final KeyPair keys = CommandSignatures.newKeyPair();
    private final byte[] command = "a serialized command".getBytes(StandardCharsets.UTF_8);

    @Test
    void aSignatureVerifiesWithItsKey_andNotWithAnother() {
        byte[] signature = CommandSignatures.sign(keys.getPrivate(), command);

        assertThat(signature).hasSize(64);
        assertThat(CommandSignatures.verify(keys.getPublic(), command, signature))
                .isTrue();
        assertThat(CommandSignatures.verify(CommandSignatures.newKeyPair().getPublic(), command, signature))
                .isFalse();
    }

    @Test
    void anyChangedByte_inTheCommandOrTheSignature_failsVerification() {
        byte[] signature = CommandSignatures.sign(keys.getPrivate(), command);
        for (int i = 0; i < command.length; i++) {
            byte[] changed = command.clone();
            changed[i] ^= 1;
            assertThat(CommandSignatures.verify(keys.getPublic(), changed, signature))
                    .as("command byte %d", i)
                    .isFalse();
        }
        for (int i = 0; i < signature.length; i++) {
            byte[] changed = signature.clone();
            changed[i] ^= 1;
            assertThat(CommandSignatures.verify(keys.getPublic(), command, changed))
                    .as("signature byte %d", i)
                    .isFalse();
        }
    }

    @Test
    void malformedSignatures_areFalse_notErrors() {
        assertThat(CommandSignatures.verify(keys.getPublic(), command, new byte[0]))
                .isFalse();
        assertThat(CommandSignatures.verify(keys.getPublic(), command, new byte[63]))
                .isFalse();
        assertThat(CommandSignatures.verify(keys.getPublic(), command, new byte[65]))
                .isFalse();
        assertThat(CommandSignatures.verify(keys.getPublic(), command, null)).isFalse();
    }

    @Test
    void signaturesAreTheJdksRfc8032Bytes_overThePrefixedCommand() throws Exception {
        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initSign(keys.getPrivate());
        jdk.update(PREFIX);
        jdk.update(command);
        byte[] fromJdk = jdk.sign();

        assertThat(CommandSignatures.sign(keys.getPrivate(), command)).isEqualTo(fromJdk);
        assertThat(CommandSignatures.verify(keys.getPublic(), command, fromJdk)).isTrue();
    }

    @Test
    void keysSurviveTheirEncodings() {
        KeyPair decoded = new KeyPair(
                CommandSignatures.publicKey(keys.getPublic().getEncoded()),
                CommandSignatures.privateKey(keys.getPrivate().getEncoded()));
        byte[] signature = CommandSignatures.sign(decoded.getPrivate(), command);

        assertThat(CommandSignatures.verify(keys.getPublic(), command, signature))
                .isTrue();
        assertThat(CommandSignatures.verify(decoded.getPublic(), command, signature))
                .isTrue();
    }
}
