package dev.carlink.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SessionStateTest {

    @ParameterizedTest
    @CsvSource({"CONNECTED, ONLINE", "CONNECTED, CLOSED", "ONLINE, CONNECTED", "ONLINE, CLOSED"})
    void to_alongTheLifecycle_isAllowed(SessionState from, SessionState to) {
        assertThat(from.to(to)).isEqualTo(to);
    }

    @ParameterizedTest
    @CsvSource({"CONNECTED, CONNECTED", "ONLINE, ONLINE", "CLOSED, CONNECTED", "CLOSED, ONLINE", "CLOSED, CLOSED"})
    void to_againstTheLifecycle_isRefusedNamingBothStates(SessionState from, SessionState to) {
        assertThatThrownBy(() -> from.to(to))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("session cannot move from " + from + " to " + to);
    }

    @Test
    void closed_isFinal() {
        for (SessionState next : SessionState.values()) {
            assertThatThrownBy(() -> SessionState.CLOSED.to(next)).isInstanceOf(IllegalStateException.class);
        }
    }
}
