package dev.carlink.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class VinTest {

    @ParameterizedTest
    @ValueSource(strings = {"WVWZZZ1JZXW000001", "1HGCM82633A004352", "5YJ3E1EA7KF317000", "00000000000000000"})
    void isValid_withSeventeenAllowedCharacters_isTrue(String vin) {
        assertThat(Vin.isValid(vin)).isTrue();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "WVWZZZ1JZXW00000", // 16 characters
                "WVWZZZ1JZXW0000012", // 18 characters
                "wvwzzz1jzxw000001", // lower case
                "WVWZZZ1JZXW00000I", // I is not used in VINs
                "WVWZZZ1JZXW00000O", // nor O
                "WVWZZZ1JZXW00000Q", // nor Q
                "WVWZZZ1JZXW00000+", // MQTT wildcard
                "WVWZZZ1JZXW00000/", // topic separator
                "WVWZZZ1JZXW 00001" // space
            })
    void isValid_withAnythingElse_isFalse(String candidate) {
        assertThat(Vin.isValid(candidate)).isFalse();
    }

    @Test
    void problem_ofWrongLength_namesTheLengthButNotTheInput() {
        assertThat(Vin.problem("ABC"))
                .isEqualTo("vin must be 17 characters, was 3")
                .doesNotContain("ABC");
        assertThat(Vin.problem(null)).isEqualTo("vin is empty");
        assertThat(Vin.problem("wvwzzz1jzxw000001")).contains("A-Z");
    }
}
