package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.CarConfig;
import dev.carlink.simulator.car.SimulatedCar;
import dev.carlink.simulator.mqtt.MqttCar;
import dev.carlink.simulator.mqtt.MqttCarConfig;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A command for a car that is not connected waits, QUEUED, and is delivered when the car connects. */
class OfflineCarIT {

    private static final String VIN = "SMCAR000000000301";
    private static TestSystem system;

    @BeforeAll
    static void start() {
        system = TestSystem.start();
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    void commandForAnOfflineCar_staysQueued_thenRunsOnceWhenTheCarConnects() throws Exception {
        VehicleCredentials credentials = system.enrollCar(VIN, "alice");
        String alice = system.login("alice");

        TestSystem.Reply created = system.post(
                alice,
                "/api/v1/vehicles/" + VIN + "/commands",
                "{\"type\":\"CLIMATE_START\",\"targetTemperatureC\":21}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String path = "/api/v1/vehicles/" + VIN + "/commands/" + created.json().getString("id");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).untilAsserted(() -> assertThat(
                        system.get(alice, path).json().getString("status"))
                .isEqualTo("QUEUED"));

        SimulatedCar simulated = new SimulatedCar(CarConfig.of(VIN), Clock.systemUTC());
        simulated.park();
        try (MqttCar car = new MqttCar(
                credentials,
                simulated,
                MqttCarConfig.of(URI.create(system.mqttUri())).withTelemetryInterval(Duration.ofMillis(500)))) {
            car.connect().get(30, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonObject command = system.get(alice, path).json();
                assertThat(command.getString("status")).isEqualTo("SUCCEEDED");
            });
            assertThat(simulated.executedCommandIds())
                    .containsExactly(created.json().getString("id"));
            assertThat(simulated.isClimateRunning()).isTrue();
        }
    }
}
