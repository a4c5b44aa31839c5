package dev.carlink.simulator.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.Vins;
import dev.carlink.simulator.mqtt.FakeGateway;
import dev.carlink.simulator.mqtt.MqttCarConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FleetIT {

    private FakeGateway gateway;
    private Fleet fleet;

    @BeforeEach
    void start() throws Exception {
        gateway = new FakeGateway();
    }

    @AfterEach
    void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
        gateway.close();
    }

    @Test
    void fleet_connectsEveryCarAndEachPublishesTelemetry() throws Exception {
        // given credentials for four cars
        List<VehicleCredentials> credentials = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            VehicleCredentials c = new VehicleCredentials(Vins.simulatorVin(i), "secret-" + i);
            gateway.register(c.vin(), c.secret());
            credentials.add(c);
        }
        URI uri = URI.create("tcp://127.0.0.1:" + gateway.port());
        FleetConfig config = FleetConfig.of(uri)
                .withCar(MqttCarConfig.of(uri).withTelemetryInterval(Duration.ofMillis(300)))
                .withStartStagger(Duration.ofMillis(50))
                .withProgressInterval(Duration.ofMillis(500));
        fleet = new Fleet(config, credentials, Clock.systemUTC());

        // when the fleet starts
        fleet.start().get(15, TimeUnit.SECONDS);

        // then every car is connected and sends telemetry, and the stats add up
        assertThat(fleet.stats().connected()).isEqualTo(4);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(gateway.vinsWithTelemetry())
                .containsExactlyInAnyOrderElementsOf(
                        credentials.stream().map(VehicleCredentials::vin).toList()));
        assertThat(fleet.scenario(Vins.simulatorVin(3))).hasValue(Scenario.TIRED_DRIVER);
        assertThat(fleet.car(Vins.simulatorVin(2))).isPresent();
        await().atMost(Duration.ofSeconds(15)).until(() -> fleet.stats().telemetrySent() >= 4);

        // and after closing, every car is disconnected
        fleet.close();
        assertThat(fleet.stats().connected()).isZero();
    }
}
