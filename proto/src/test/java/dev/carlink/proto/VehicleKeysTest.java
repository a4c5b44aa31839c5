package dev.carlink.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VehicleKeysTest {

    @Test
    void theDtlsKey_isTheHexOfHmacSha256OfTheLabel_keyedWithTheSecret() {
        // computed independently: python3 hmac.new(b'my-secret', b'carlink dtls psk v1', hashlib.sha256).hexdigest()
        String expected = "8f26ceba9199ba832efa1565dc2775d2a9e6612295100e611c0b3e80f2543cc9";

        assertThat(VehicleKeys.dtlsPskText("my-secret")).isEqualTo(expected);
        assertThat(VehicleKeys.dtlsPsk("my-secret"))
                .hasSize(VehicleKeys.DTLS_PSK_BYTES)
                .isEqualTo(expected.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void anotherSecret_givesAnotherKey_andNoSecretIsRefused() {
        assertThat(VehicleKeys.dtlsPskText("a")).isNotEqualTo(VehicleKeys.dtlsPskText("b"));
        assertThatThrownBy(() -> VehicleKeys.dtlsPsk("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VehicleKeys.dtlsPsk(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
