package dev.carlink.simulator.fleet;

import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.SimulatedCar;
import dev.carlink.simulator.mqtt.MqttCar;
import dev.carlink.simulator.mqtt.MqttCarConfig;
import dev.carlink.simulator.mqtt.MqttCarStats;
import dev.carlink.simulator.mqtt.SleepPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fleet of simulated cars on one backend: creates an {@link MqttCar} per credential, each in a
 * {@link Scenario} (assigned by position in the list), connects them staggered, and logs a progress line
 * periodically. All cars share one scheduler with {@link FleetConfig#schedulerThreads()} daemon threads; Paho
 * adds three threads per connected car.
 */
public final class Fleet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Fleet.class);

    private final FleetConfig config;
    private final List<VehicleCredentials> credentials;
    private final Clock clock;
    private final List<MqttCar> cars = new ArrayList<>();
    private final List<Scenario> scenarios = new ArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private ScheduledExecutorService scheduler;
    private ScheduledFuture<?> progress;

    /**
     * @param config connection and fleet settings
     * @param credentials one entry per car, distinct VINs
     * @param clock the cars' clock (timestamps, command expiry, time of day)
     */
    public Fleet(FleetConfig config, List<VehicleCredentials> credentials, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.credentials = List.copyOf(Objects.requireNonNull(credentials, "credentials"));
        this.clock = Objects.requireNonNull(clock, "clock");
        if (this.credentials.isEmpty()) {
            throw new IllegalArgumentException("credentials must name at least one car");
        }
        Set<String> vins = new HashSet<>();
        for (VehicleCredentials c : this.credentials) {
            if (!vins.add(c.vin())) {
                throw new IllegalArgumentException("credentials name vin " + c.vin() + " twice");
            }
        }
    }

    /**
     * Creates the cars and schedules their connections; returns at once. The future completes when every car
     * has connected for the first time, and fails when one cannot (refused credentials).
     */
    public synchronized CompletableFuture<Void> start() {
        if (closed.get()) {
            throw new IllegalStateException("fleet is closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("fleet already started");
        }
        scheduler = Executors.newScheduledThreadPool(config.schedulerThreads(), daemonThreads());
        List<CompletableFuture<Void>> connections = new ArrayList<>();
        for (int i = 0; i < credentials.size(); i++) {
            VehicleCredentials credential = credentials.get(i);
            Scenario scenario = Scenario.forIndex(i);
            SimulatedCar car =
                    new SimulatedCar(scenario.carConfig(credential.vin(), i, config.fatigueTimeScale()), clock);
            scenario.prepare(car, i);
            MqttCarConfig carConfig =
                    scenario.sleepsWhenIdle() ? config.car() : config.car().withSleep(SleepPolicy.NEVER);
            MqttCar mqttCar = new MqttCar(credential, car, carConfig, scheduler);
            cars.add(mqttCar);
            scenarios.add(scenario);

            CompletableFuture<Void> connected = new CompletableFuture<>();
            connections.add(connected);
            long delayMs = config.startStagger().toMillis() * i;
            scheduler.schedule(
                    () -> mqttCar.connect().whenComplete((ok, failure) -> {
                        if (failure != null) {
                            if (!closed.get()) {
                                LOG.warn(
                                        "car did not connect [vin: {}, reason: {}]",
                                        mqttCar.vin(),
                                        failure.getMessage());
                            }
                            connected.completeExceptionally(failure);
                        } else {
                            connected.complete(null);
                        }
                    }),
                    delayMs,
                    TimeUnit.MILLISECONDS);
            scenario.followUpAfter()
                    .ifPresent(after -> scheduler.schedule(
                            () -> scenario.followUp(car),
                            realDelay(after).toMillis() + delayMs,
                            TimeUnit.MILLISECONDS));
        }
        long interval = config.progressInterval().toMillis();
        progress = scheduler.scheduleAtFixedRate(this::logProgress, interval, interval, TimeUnit.MILLISECONDS);
        LOG.info(
                "fleet starting [cars: {}, server: {}, telemetryInterval: {}, timeScale: {}, fatigueTimeScale: {}]",
                cars.size(),
                config.car().serverUri(),
                config.car().telemetryInterval(),
                config.car().timeScale(),
                config.fatigueTimeScale());
        return CompletableFuture.allOf(connections.toArray(CompletableFuture[]::new));
    }

    /** The cars, in the order of the credentials; empty before {@link #start()}. */
    public synchronized List<MqttCar> cars() {
        return List.copyOf(cars);
    }

    public synchronized Optional<MqttCar> car(String vin) {
        return cars.stream().filter(c -> c.vin().equals(vin)).findFirst();
    }

    /** The scenario of the car with {@code vin}. */
    public synchronized Optional<Scenario> scenario(String vin) {
        for (int i = 0; i < cars.size(); i++) {
            if (cars.get(i).vin().equals(vin)) {
                return Optional.of(scenarios.get(i));
            }
        }
        return Optional.empty();
    }

    public synchronized FleetStats stats() {
        int connected = 0;
        long telemetry = 0;
        long events = 0;
        long results = 0;
        long commands = 0;
        long errors = 0;
        long outbox = 0;
        long dropped = 0;
        for (MqttCar car : cars) {
            MqttCarStats s = car.stats();
            connected += s.connected() ? 1 : 0;
            telemetry += s.telemetrySent();
            events += s.eventsSent();
            results += s.resultsSent();
            commands += s.commandsReceived();
            errors += s.publishErrors();
            outbox += s.outboxSize();
            dropped += s.dropped();
        }
        return new FleetStats(
                credentials.size(), connected, telemetry, events, results, commands, errors, outbox, dropped);
    }

    /** Disconnects every car and stops the scheduler. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<MqttCar> toClose;
        synchronized (this) {
            if (progress != null) {
                progress.cancel(false);
            }
            toClose = List.copyOf(cars);
        }
        toClose.parallelStream().forEach(MqttCar::close);
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        LOG.info("fleet stopped [{}]", stats().describe());
    }

    private void logProgress() {
        try {
            LOG.info("fleet progress [{}]", stats().describe());
        } catch (RuntimeException e) {
            LOG.error("fleet progress failed", e);
        }
    }

    private Duration realDelay(Duration simulated) {
        return Duration.ofMillis(Math.round(simulated.toMillis() / config.car().timeScale()));
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "carlink-fleet-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
