package dev.carlink.command.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class KeyEncryptionKeyTest {

    @Test
    void base64Of32Bytes_isAKek_whoseIdDependsOnTheKeyOnly() {
        String text = Base64.getEncoder().encodeToString(new byte[32]);

        KeyEncryptionKey kek = KeyEncryptionKey.fromBase64(text + "\n");

        assertThat(kek.id())
                .matches("[0-9a-f]{8}")
                .isEqualTo(KeyEncryptionKey.fromBase64(text).id());
        assertThat(kek.toBase64()).isEqualTo(text);
        assertThat(KeyEncryptionKey.generate(new SecureRandom()).id()).isNotEqualTo(kek.id());
    }

    @Test
    void theWrongLength_notBase64_orNothing_isRefused_withoutEchoingTheValue() {
        String tooShort = Base64.getEncoder().encodeToString("sixteen-byte-key".getBytes());

        assertThatThrownBy(() -> KeyEncryptionKey.fromBase64(tooShort))
                .hasMessageContaining("32 random bytes")
                .hasMessageContaining("was 16 bytes")
                .hasMessageNotContaining(tooShort);
        assertThatThrownBy(() -> KeyEncryptionKey.fromBase64("not*base64!"))
                .hasMessageContaining("was not base64")
                .hasMessageNotContaining("not*base64!");
        assertThatThrownBy(() -> KeyEncryptionKey.fromBase64("  ")).hasMessageContaining("was empty");
    }

    @Test
    void toString_showsTheIdOnly() {
        KeyEncryptionKey kek = KeyEncryptionKey.generate(new SecureRandom());

        assertThat(kek.toString()).contains(kek.id()).doesNotContain(kek.toBase64());
    }
}
