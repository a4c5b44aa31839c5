package dev.carlink.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VinTest {

    @ParameterizedTest
    @ValueSource(strings = {"WVWZZZ1JZXW000001", "1HGCM82633A004352", "ABCDEFGHJKLMNPRSZ", "00000000000000000"})
    void vin_withSeventeenAllowedCharacters_isAccepted(String candidate) {
        // when
        Vin vin = new Vin(candidate);

        // then
        assertThat(vin.value()).isEqualTo(candidate);
        assertThat(Vin.problem(candidate)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "WVWZZZ1JZXW00000", // 16 characters
                "WVWZZZ1JZXW0000011", // 18 characters
                "WVWZZZ1JZXW00000I", // I is never used
                "WVWZZZ1JZXW00000O", // O is never used
                "WVWZZZ1JZXW00000Q", // Q is never used
                "wvwzzz1jzxw000001", // lower case
                "WVWZZZ1JZXW 00001",
                "WVWZZZ1JZXW00000\u00c4"
            })
    void vin_withWrongLengthOrCharacters_isRefusedNamingTheFieldAndValue(String candidate) {
        // when / then
        assertThat(Vin.problem(candidate))
                .hasValue("vin must be 17 characters of [A-HJ-NPR-Z0-9], was '" + candidate + "' (" + candidate.length()
                        + " characters)");
        assertThatThrownBy(() -> new Vin(candidate)).isInstanceOf(IllegalArgumentException.class);
    }

    @org.junit.jupiter.api.Test
    void problem_withLongValue_showsOnlyItsStart() {
        // given
        String candidate = "X".repeat(1000);

        // when / then
        assertThat(Vin.problem(candidate))
                .hasValue("vin must be 17 characters of [A-HJ-NPR-Z0-9], was '" + "X".repeat(32)
                        + "...' (1000 characters)");
    }
}
