package dev.carlink.gateway;

import static dev.carlink.gateway.Fixtures.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.carlink.gateway.mqtt.MqttLimits;
import dev.carlink.proto.bus.v1.PresenceChange;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Lifecycle of the verticle: binding, and undeploying with cars connected. */
class GatewayVerticleIT {

    @Test
    void undeploy_disconnectsEveryCarReportsItOfflineAndClosesThePort() throws Exception {
        try (GatewayHarness gateway = GatewayHarness.start()) {
            String vin = gateway.newCar();
            int port = gateway.port();
            try (Car5 car = Car5.connect(gateway, vin)) {
                car.subscribe(topic(vin, "commands"));
                await().until(() -> gateway.presenceOf(vin).size() == 1);

                gateway.undeployGateway();

                await().untilAsserted(() -> assertThat(car.disconnected).isNotNull());
                assertThat(car.disconnected.getReturnCode()).isEqualTo(0x8B); // server shutting down
            }
            await().until(() -> gateway.presenceOf(vin).size() == 2);
            PresenceChange offline = gateway.presenceOf(vin).get(1);
            assertThat(offline.getOnline()).isFalse();
            assertThat(offline.getReason()).isEqualTo("server shutting down");
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
            assertThat(gateway.meters.getMeters()).isEmpty();
        }
    }

    @Test
    void deploy_onAPortInUse_failsAndRegistersNoMeters() throws Exception {
        Vertx vertx = Vertx.vertx();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            GatewayConfig config = new GatewayConfig(
                    "127.0.0.1",
                    taken.getLocalPort(),
                    65_536,
                    Duration.ofSeconds(1),
                    "g",
                    MqttLimits.defaults(),
                    MqttTlsConfig.disabled());

            assertThatThrownBy(() -> vertx.deployVerticle(new GatewayVerticle(config, meters, Clock.systemUTC()))
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
            assertThat(meters.getMeters()).isEmpty();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
