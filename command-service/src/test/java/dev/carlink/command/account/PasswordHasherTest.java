package dev.carlink.command.account;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher(1_000);

    @Test
    void aHash_matchesItsSecret_andNoOther() {
        String stored = hasher.hash("correct horse battery staple");

        assertThat(stored).startsWith("pbkdf2-sha256$1000$").doesNotContain("correct");
        assertThat(hasher.matches("correct horse battery staple", stored)).isTrue();
        assertThat(hasher.matches("correct horse battery stapler", stored)).isFalse();
    }

    @Test
    void theSameSecret_hashesDifferentlyEachTime() {
        assertThat(hasher.hash("secret-secret")).isNotEqualTo(hasher.hash("secret-secret"));
    }

    @Test
    void aHashWithOtherIterations_stillVerifies() {
        String old = new PasswordHasher(2_000).hash("secret-secret");

        assertThat(hasher.matches("secret-secret", old)).isTrue();
    }

    @Test
    void malformedStoredHashes_neverMatch() {
        assertThat(hasher.matches("x", "")).isFalse();
        assertThat(hasher.matches("x", "md5$abc")).isFalse();
        assertThat(hasher.matches("x", "pbkdf2-sha256$notanumber$AAAA$AAAA")).isFalse();
        assertThat(hasher.matches("x", "pbkdf2-sha256$1000$!!!$AAAA")).isFalse();
    }

    @Test
    void newSecrets_areLongAndUnique() {
        assertThat(hasher.newSecret()).hasSize(43).isNotEqualTo(hasher.newSecret());
    }
}
