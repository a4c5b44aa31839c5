package dev.carlink.gateway;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class GatewayVerticleTest {

    @Test
    void actualMqttPort_beforeDeployment_isRefused() {
        GatewayVerticle gateway =
                new GatewayVerticle(GatewayConfig.defaults(), new SimpleMeterRegistry(), Clock.systemUTC());

        assertThatThrownBy(gateway::actualMqttPort)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("gateway is not deployed");
    }

    @Test
    void constructor_withoutCollaborators_namesTheMissingOne() {
        assertThatThrownBy(() -> new GatewayVerticle(null, new SimpleMeterRegistry(), Clock.systemUTC()))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("config");
        assertThatThrownBy(() -> new GatewayVerticle(GatewayConfig.defaults(), null, Clock.systemUTC()))
                .hasMessage("meterRegistry");
        assertThatThrownBy(() -> new GatewayVerticle(GatewayConfig.defaults(), new SimpleMeterRegistry(), null))
                .hasMessage("clock");
    }
}
