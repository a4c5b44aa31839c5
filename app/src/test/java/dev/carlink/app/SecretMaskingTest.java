package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretMaskingTest {

    @Test
    void aCoapSessionTokenInARequestsUriQuery_isMasked() {
        String californium = "CON-POST MID=13863, OptionSet={\"Uri-Path\":[\"v1\",\"telemetry\"], "
                + "\"Uri-Query\":\"t=a3c898ae938cc09537ed48921a517568\"}";

        assertThat(SecretMasking.mask(californium))
                .doesNotContain("a3c898ae938cc09537ed48921a517568")
                .contains("\"Uri-Query\":\"t=****\"}");
    }

    @Test
    void tokensInUrls_headers_andJson_areMasked() {
        assertThat(SecretMasking.mask("GET /api/v1/vehicles/stream?access_token=abc.DEF-123&x=1"))
                .isEqualTo("GET /api/v1/vehicles/stream?access_token=****&x=1");
        assertThat(SecretMasking.mask("Authorization: Bearer eyJhbGciOi.xyz")).isEqualTo("Authorization: Bearer ****");
        assertThat(SecretMasking.mask("{\"username\":\"alice\",\"password\":\"alice-pass\"}"))
                .isEqualTo("{\"username\":\"alice\",\"password\":\"****\"}");
        assertThat(SecretMasking.mask("coap://h:5683/v1/vehicles/V/events?t=0123abcd"))
                .isEqualTo("coap://h:5683/v1/vehicles/V/events?t=****");
    }

    @Test
    void ordinaryLines_areLeftAlone() {
        String line = "vehicle online [vin: SMCAR000000000001, protocol: mqtt-3.1.1, at=2026-12-02T10:00:00Z]";

        assertThat(SecretMasking.mask(line)).isEqualTo(line);
        assertThat(SecretMasking.mask(null)).isNull();
        assertThat(SecretMasking.mask("")).isEmpty();
    }
}
