package dev.carlink.app.chaos;

import dev.carlink.app.TestSystem;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.CarConfig;
import dev.carlink.simulator.car.SimulatedCar;
import dev.carlink.simulator.load.LoadConfig;
import dev.carlink.simulator.load.LoadReport;
import dev.carlink.simulator.load.LoadRun;
import dev.carlink.simulator.load.SourceAddresses;
import dev.carlink.simulator.mqtt.MqttCar;
import dev.carlink.simulator.mqtt.MqttCarConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load a fault meets: a fleet streaming QoS 1 telemetry open-loop (the simulator's load mode, which keeps
 * every unacknowledged message and sends it again after a reconnection, as a head unit does), and a few
 * simulated cars that verify and run the A/C commands their owner keeps asking for. {@link #finish} counts both
 * ends: what the cars sent and had acknowledged against the rows stored, what the owner asked for against what
 * the backend and the cars say happened.
 */
final class ChaosFleet implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChaosFleet.class);

    /** The fleet's size and pace. */
    record Shape(int loadCars, double rate, Duration sending, int commandCars, Duration commandInterval) {}

    private final TestSystem system;
    private final String prefix;
    /** How long the load sends. */
    private final Duration sending;

    private final List<MqttCar> commandCars = new ArrayList<>();
    private final CommandDriver driver;
    private final CompletableFuture<LoadReport> load;

    /**
     * Enrolls the fleet (VINs {@code prefix} + a number, owned by alice), connects the command cars to
     * {@code mqtt} and starts the load and the owner.
     */
    ChaosFleet(TestSystem system, String prefix, URI mqtt, Shape shape, Path reports, Supplier<String> apiBase)
            throws Exception {
        this.system = system;
        this.prefix = prefix;
        this.sending = shape.sending();
        List<VehicleCredentials> loadCars = new ArrayList<>();
        for (int i = 1; i <= shape.loadCars(); i++) {
            loadCars.add(system.enrollCar(vin(prefix, 100_000 + i), "alice"));
        }
        for (int i = 1; i <= shape.commandCars(); i++) {
            VehicleCredentials credentials = system.enrollCar(vin(prefix, 900_000 + i), "alice");
            SimulatedCar simulated = new SimulatedCar(CarConfig.of(credentials.vin()), Clock.systemUTC());
            simulated.park();
            simulated.lockAllDoors();
            simulated.setStateOfCharge(80);
            simulated.setCabinTemperature(28);
            MqttCar car = new MqttCar(
                    credentials,
                    simulated,
                    MqttCarConfig.of(mqtt)
                            .withTelemetryInterval(Duration.ofSeconds(1))
                            .withMaxReconnectDelay(Duration.ofSeconds(1)));
            commandCars.add(car);
        }
        CompletableFuture.allOf(commandCars.stream().map(MqttCar::connect).toArray(CompletableFuture[]::new))
                .get(60, TimeUnit.SECONDS);
        String alice = system.login("alice");
        driver = new CommandDriver(apiBase, () -> alice, commandCars, shape.commandInterval());
        LoadConfig config = new LoadConfig(
                mqtt,
                shape.rate(),
                shape.sending(),
                Duration.ZERO,
                Duration.ofSeconds(90),
                1,
                LoadConfig.DEFAULT_CONNECT_RATE,
                LoadConfig.DEFAULT_MAX_CONNECTING,
                LoadConfig.DEFAULT_MAX_IN_FLIGHT,
                SourceAddresses.count(1),
                reports,
                null,
                0);
        load = CompletableFuture.supplyAsync(() -> {
            try {
                return new LoadRun(config, loadCars, line -> log.info("load: {}", line)).run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        driver.start();
    }

    static String vin(String prefix, int number) {
        String digits = String.format(Locale.ROOT, "%06d", number);
        String vin = prefix + "0".repeat(17 - prefix.length() - digits.length()) + digits;
        if (vin.length() != 17) {
            throw new IllegalArgumentException("prefix too long for a VIN: " + prefix);
        }
        return vin;
    }

    /** Rows stored for the load's cars so far (to wait until the stream flows). */
    long storedRows() {
        return system.count("SELECT count(*) FROM telemetry.telemetry WHERE vin LIKE ?", prefix + "%1_____");
    }

    /** Waits for the load to end, stops the owner, waits for every command to be final, and counts. */
    Counts finish(Duration patience) throws Exception {
        LoadReport report = load.get(sending.toSeconds() + patience.toSeconds() + 300, TimeUnit.SECONDS);
        driver.stop();
        CommandDriver.Tally commands = driver.tally(patience);
        String loadVins = prefix + "%1_____";
        long rows = system.count("SELECT count(*) FROM telemetry.telemetry WHERE vin LIKE ?", loadVins);
        long distinct = system.count(
                "SELECT count(*) FROM (SELECT DISTINCT vin, seq FROM telemetry.telemetry WHERE vin LIKE ?) d",
                loadVins);
        return new Counts(report, rows, distinct, commands);
    }

    /**
     * Both ends' account of one run.
     *
     * @param load what the load's cars sent and had acknowledged
     * @param rows telemetry rows stored for the load's cars
     * @param distinct distinct (car, sequence number) among them
     */
    record Counts(LoadReport load, long rows, long distinct, CommandDriver.Tally commands) {

        /** Due and never stored. */
        long telemetryLost() {
            return Math.max(0, load.intended() - distinct);
        }

        /** Due and never acknowledged to the car (it would still hold them): sent and unanswered, or never sent. */
        long telemetryUnacknowledged() {
            return load.lost() + load.notSent();
        }

        /** Stored more than once, or stored beyond what was due. */
        long telemetryDuplicated() {
            return (rows - distinct) + Math.max(0, distinct - load.intended());
        }
    }

    @Override
    public void close() {
        driver.close();
        commandCars.forEach(MqttCar::close);
    }
}
