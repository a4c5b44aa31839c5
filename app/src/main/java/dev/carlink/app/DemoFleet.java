package dev.carlink.app;

import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.enroll.EnrollmentClient;
import dev.carlink.simulator.fleet.Fleet;
import dev.carlink.simulator.fleet.FleetConfig;
import dev.carlink.simulator.mqtt.SleepPolicy;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's simulated cars, enrolled through the HTTP API like any integrator's, and run over real MQTT
 * against this process's own gateway.
 */
final class DemoFleet implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DemoFleet.class);
    static final List<String> OWNERS = List.of("alice", "bob");
    private static final long START_WAIT_SECONDS = 60;

    private final Fleet fleet;
    private final Map<String, List<String>> vinsByOwner;

    /**
     * The long-parked demo cars sleep after a minute idle and check in every 3 minutes: the app shows them asleep,
     * and a command for one waits at most that long.
     */
    static final SleepPolicy DEMO_SLEEP = SleepPolicy.after(Duration.ofMinutes(1), Duration.ofMinutes(3));

    private DemoFleet(Fleet fleet, Map<String, List<String>> vinsByOwner) {
        this.fleet = fleet;
        this.vinsByOwner = vinsByOwner;
    }

    static DemoFleet start(AppConfig config, CarlinkServer server) {
        DemoConfig demo = config.demo();
        if (!demo.enabled() || demo.fleetSize() == 0 || config.cluster().role() != ClusterConfig.Role.ALL) {
            return new DemoFleet(null, Map.of());
        }
        URI api = URI.create("http://127.0.0.1:" + server.httpPort());
        URI mqtt = URI.create("tcp://127.0.0.1:" + server.mqttPort());
        var staff = ConfigLoader.DEMO_USERS.stream()
                .filter(u -> u.role().equals("STAFF"))
                .findFirst()
                .orElseThrow();
        List<VehicleCredentials> credentials =
                new EnrollmentClient(api).enrollFleet(staff.username(), staff.password(), OWNERS, 1, demo.fleetSize());
        List<String> alice = new ArrayList<>();
        List<String> bob = new ArrayList<>();
        for (int i = 0; i < credentials.size(); i++) {
            (i % OWNERS.size() == 0 ? alice : bob).add(credentials.get(i).vin());
        }
        ownersChoose(new EnrollmentClient(api), Map.of("alice", alice, "bob", bob));
        FleetConfig fleetConfig = FleetConfig.of(mqtt).withFatigueTimeScale(demo.fatigueTimeScale());
        fleetConfig = fleetConfig.withCar(fleetConfig
                .car()
                .withTelemetryInterval(demo.telemetryInterval())
                .withSleep(DEMO_SLEEP));
        Fleet fleet = new Fleet(fleetConfig, credentials, Clock.systemUTC());
        try {
            fleet.start().get(START_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            log.warn("demo fleet still connecting after {} s; continuing", START_WAIT_SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("demo fleet did not start: " + e.getMessage(), e);
        }
        return new DemoFleet(fleet, Map.of("alice", List.copyOf(alice), "bob", List.copyOf(bob)));
    }

    /**
     * What the demo's owners chose in their app: contact details for the service team, and the cloud fatigue
     * service for their cars (it is off until an owner opts in).
     */
    private static void ownersChoose(EnrollmentClient client, Map<String, List<String>> vinsByOwner) {
        Map<String, String> phones = Map.of("alice", "+49 30 5550 1001", "bob", "+49 30 5550 1002");
        for (var owner : ConfigLoader.DEMO_USERS) {
            List<String> vins = vinsByOwner.get(owner.username());
            if (vins == null) {
                continue;
            }
            String token = client.login(owner.username(), owner.password());
            client.contact(token, phones.get(owner.username()), owner.username() + "@example.com");
            for (String vin : vins) {
                client.fatigueService(token, vin, true);
            }
        }
    }

    int size() {
        return fleet == null ? 0 : fleet.cars().size();
    }

    List<String> vinsOf(String owner) {
        return vinsByOwner.getOrDefault(owner, List.of());
    }

    @Override
    public void close() {
        if (fleet != null) {
            fleet.close();
        }
    }
}
