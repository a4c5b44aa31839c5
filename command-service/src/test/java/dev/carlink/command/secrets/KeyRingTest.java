package dev.carlink.command.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.carlink.command.secrets.UnreadableSecretException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyRingTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String CONTEXT = SecretColumn.SIGNING_PRIVATE_KEY.context("k20260701-a1b2c3");
    private static final byte[] SECRET = "a private key".getBytes(StandardCharsets.US_ASCII);

    private final KeyEncryptionKey old = KeyEncryptionKey.generate(RANDOM);
    private final KeyEncryptionKey current = KeyEncryptionKey.generate(RANDOM);

    @Test
    void sealing_usesTheCurrentKek_andNamesItBesideTheValue() {
        KeyRing ring = new KeyRing(current, List.of(old));

        StoredSecret stored = ring.seal(CONTEXT, SECRET);

        assertThat(stored.kekId()).isEqualTo(current.id());
        assertThat(Envelope.kekId(CONTEXT, stored.value())).isEqualTo(current.id());
        assertThat(ring.open(CONTEXT, stored)).isEqualTo(SECRET);
    }

    @Test
    void aPreviousKek_stillOpensWhatItSealed() {
        StoredSecret underOld = new KeyRing(old, List.of()).seal(CONTEXT, SECRET);

        assertThat(new KeyRing(current, List.of(old)).open(CONTEXT, underOld)).isEqualTo(SECRET);
    }

    @Test
    void aRingWithoutTheKek_refusesNamingTheMissingId() {
        StoredSecret underOld = new KeyRing(old, List.of()).seal(CONTEXT, SECRET);
        KeyRing ring = new KeyRing(current, List.of());

        assertThatThrownBy(() -> ring.open(CONTEXT, underOld))
                .isInstanceOfSatisfying(UnreadableSecretException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEK);
                    assertThat(e.kekId()).isEqualTo(old.id());
                })
                .hasMessageContaining(CONTEXT + " is encrypted under KEK " + old.id() + ", which is not configured");
    }

    @Test
    void aValueStoredInClearByAnEarlierVersion_isReadAsItIs() {
        KeyRing ring = new KeyRing(current, List.of());

        assertThat(ring.open(CONTEXT, new StoredSecret(SECRET, null))).isEqualTo(SECRET);
    }

    @Test
    void theSameKekTwice_isRefused() {
        assertThatThrownBy(() -> new KeyRing(current, List.of(current)))
                .hasMessageContaining("is the current KEK and listed as a previous one too");
        assertThatThrownBy(() -> new KeyRing(current, List.of(old, old))).hasMessageContaining("listed twice");
    }

    @Test
    void toString_namesIdsOnly() {
        KeyRing ring = new KeyRing(current, List.of(old));

        assertThat(ring.toString())
                .contains(current.id(), old.id())
                .doesNotContain(current.toBase64())
                .doesNotContain(old.toBase64());
        assertThat(ring.previousIds()).containsExactly(old.id());
    }
}
