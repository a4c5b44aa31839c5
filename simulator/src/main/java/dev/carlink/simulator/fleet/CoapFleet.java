package dev.carlink.simulator.fleet;

import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.SimulatedCar;
import dev.carlink.simulator.coap.CoapCar;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet of {@code run --coap}: the same cars in the same rotation of situations as {@link Fleet}, each a
 * {@link CoapCar} on the CoAP gateway instead of MQTT.
 */
public final class CoapFleet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CoapFleet.class);

    private final URI gateway;
    private final List<VehicleCredentials> credentials;
    private final Duration telemetryInterval;
    private final double timeScale;
    private final double fatigueTimeScale;
    private final Clock clock;
    private final List<CoapCar> cars = new ArrayList<>();
    private int failed;

    public CoapFleet(
            URI gateway,
            List<VehicleCredentials> credentials,
            Duration telemetryInterval,
            double timeScale,
            double fatigueTimeScale,
            Clock clock) {
        this.gateway = gateway;
        this.credentials = List.copyOf(credentials);
        this.telemetryInterval = telemetryInterval;
        this.timeScale = timeScale;
        this.fatigueTimeScale = fatigueTimeScale;
        this.clock = clock;
    }

    /** Creates and connects every car, one after the other; a car that cannot log in is counted and skipped. */
    public synchronized void start() {
        for (int i = 0; i < credentials.size(); i++) {
            VehicleCredentials credential = credentials.get(i);
            Scenario scenario = Scenario.forIndex(i);
            SimulatedCar car = new SimulatedCar(scenario.carConfig(credential.vin(), i, fatigueTimeScale), clock);
            scenario.prepare(car, i);
            CoapCar coapCar = new CoapCar(credential, car, gateway, telemetryInterval, timeScale);
            try {
                cars.add(coapCar.connect());
            } catch (IllegalStateException e) {
                failed++;
                coapCar.close();
                LOG.warn("coap car did not connect [vin: {}, reason: {}]", credential.vin(), e.getMessage());
            }
        }
    }

    /** Messages the gateway answered 2.04, across the fleet. */
    public synchronized long stored() {
        return cars.stream().mapToLong(CoapCar::stored).sum();
    }

    /** One line: cars connected and observing, messages stored and refused. */
    public synchronized String describe() {
        long observing = cars.stream().filter(CoapCar::observing).count();
        long refused = cars.stream().mapToLong(CoapCar::refused).sum();
        return String.format(
                "%d car(s) on CoAP, %d observing their commands, %d failed to log in; %d message(s) stored, %d refused",
                cars.size(), observing, failed, stored(), refused);
    }

    @Override
    public synchronized void close() {
        cars.parallelStream().forEach(CoapCar::close);
    }
}
