package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks shared by the history tests. */
final class TelemetryHistoryAssertions {

    private TelemetryHistoryAssertions() {}

    /** A 400 problem naming {@code field}, whose detail mentions {@code detailPart}. */
    static void badField(TestSystem.Reply reply, String field, String detailPart) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.json().getString("field")).isEqualTo(field);
        assertThat(reply.json().getString("detail")).contains(detailPart);
    }
}
