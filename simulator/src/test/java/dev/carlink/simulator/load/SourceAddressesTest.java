package dev.carlink.simulator.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SourceAddressesTest {

    @Test
    void aCount_givesConsecutiveLoopbackAddresses() {
        assertThat(SourceAddresses.count(3)).containsExactly("127.0.0.1", "127.0.0.2", "127.0.0.3");
    }

    @Test
    void aList_ofLoopbackAddresses_isKeptInOrder() {
        assertThat(SourceAddresses.parse("127.0.0.5, 127.1.2.3,")).containsExactly("127.0.0.5", "127.1.2.3");
    }

    @Test
    void aNonLoopbackAddress_isRefused_theLoadGoesOnlyToThisMachine() {
        assertThatThrownBy(() -> SourceAddresses.parse("127.0.0.1,10.0.0.1"))
                .hasMessageContaining("loopback")
                .hasMessageContaining("10.0.0.1");
    }

    @Test
    void aHostNameOrAnEmptyListOrABadCount_isRefused() {
        assertThatThrownBy(() -> SourceAddresses.parse("localhost")).hasMessageContaining("IPv4");
        assertThatThrownBy(() -> SourceAddresses.parse(" , ")).hasMessageContaining("at least one");
        assertThatThrownBy(() -> SourceAddresses.count(0)).hasMessageContaining("1..254");
        assertThatThrownBy(() -> SourceAddresses.count(255)).hasMessageContaining("1..254");
    }
}
