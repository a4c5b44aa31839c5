package dev.carlink.simulator.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.util.List;

/**
 * A share of the fleet on one event loop: connects its cars at its share of the connect rate with at most its
 * share of the concurrent CONNECTs, then sends its share of the message rate open-loop ({@link LoadGenerator}).
 */
final class LoadShard extends VerticleBase {

    private static final long TICK_MS = 5;

    private final List<ShardCar> cars;
    private final List<String> sourceAddresses;
    private final int firstIndex;
    private final String host;
    private final int port;
    private final double connectRate;
    private final int maxConnecting;

    /** The cars that connected, the ones the messages go to; set once the ramp is over. */
    private volatile List<ShardCar> active = List.of();

    private long sendTimer = -1;

    /**
     * @param firstIndex the fleet-wide index of this shard's first car (for source-address round-robin)
     * @param connectRate this shard's connects per second
     * @param maxConnecting this shard's CONNECTs awaiting a CONNACK at most
     */
    LoadShard(
            List<ShardCar> cars,
            List<String> sourceAddresses,
            int firstIndex,
            String host,
            int port,
            double connectRate,
            int maxConnecting) {
        this.cars = cars;
        this.sourceAddresses = sourceAddresses;
        this.firstIndex = firstIndex;
        this.host = host;
        this.port = port;
        this.connectRate = connectRate;
        this.maxConnecting = Math.max(1, maxConnecting);
    }

    /** Completes when every car of the shard has connected or failed to. */
    @Override
    public Future<?> start() {
        return new ConnectRamp().start();
    }

    /** Starts cars at the connect rate, never more than {@code maxConnecting} at once. */
    private final class ConnectRamp {
        private final Promise<Void> done = Promise.promise();
        private final long startNanos = System.nanoTime();
        private int started;
        private int finished;
        private int connecting;
        private long timer;

        Future<Void> start() {
            timer = vertx.setPeriodic(TICK_MS, t -> startDue());
            startDue();
            return done.future();
        }

        private void startDue() {
            long allowed = (long) ((System.nanoTime() - startNanos) / 1e9 * connectRate) + 1;
            while (started < cars.size() && started < allowed && connecting < maxConnecting) {
                ShardCar car = cars.get(started);
                String source = sourceAddresses.get((firstIndex + started) % sourceAddresses.size());
                started++;
                connecting++;
                car.connect(vertx, host, port, source).onComplete(r -> {
                    connecting--;
                    finished++;
                    if (finished == cars.size()) {
                        vertx.cancelTimer(timer);
                        active = cars.stream().filter(ShardCar::isConnected).toList();
                        done.tryComplete();
                    } else {
                        startDue();
                    }
                });
            }
        }
    }

    /** How many of the shard's cars connected (and will send); valid once {@link #start()} has completed. */
    int activeCars() {
        return active.size();
    }

    /**
     * Starts sending on this shard's event loop to the cars that connected, which are fleet cars
     * {@code firstActive..} of the {@code fleetCars} that connected; messages due before {@code measureFromNanos}
     * are the warm-up and stay out of the figures.
     */
    void startSending(
            double rate, int fleetCars, int firstActive, long startNanos, long measureFromNanos, long endNanos) {
        List<ShardCar> senders = active;
        if (senders.isEmpty()) {
            return;
        }
        context.runOnContext(v -> {
            LoadGenerator generator =
                    new LoadGenerator(rate, fleetCars, firstActive, senders.size(), startNanos, endNanos);
            sendTimer = vertx.setPeriodic(TICK_MS, t -> {
                long now = System.nanoTime();
                generator.emitDue(now, (car, intended) -> senders.get(car).due(intended, intended >= measureFromNanos));
                if (generator.finished(now)) {
                    vertx.cancelTimer(sendTimer);
                }
            });
        });
    }

    /** Fault injection: the first {@code fraction} of this shard's cars drop their connections and reconnect. */
    void reconnectStorm(double fraction) {
        context.runOnContext(v -> {
            int count = (int) Math.round(cars.size() * fraction);
            cars.subList(0, count).forEach(ShardCar::dropAndReconnect);
        });
    }

    /** Messages due but still waiting for room in a car's in-flight window. */
    Future<Integer> backlogged() {
        Promise<Integer> count = Promise.promise();
        context.runOnContext(
                v -> count.complete(cars.stream().mapToInt(ShardCar::backlogged).sum()));
        return count.future();
    }

    /** Stops sending; returns how many due messages were never written (backlog given up). */
    Future<Integer> stopSending() {
        Promise<Integer> dropped = Promise.promise();
        context.runOnContext(v -> {
            if (sendTimer >= 0) {
                vertx.cancelTimer(sendTimer);
            }
            dropped.complete(cars.stream().mapToInt(ShardCar::dropBacklog).sum());
        });
        return dropped.future();
    }

    @Override
    public Future<?> stop() {
        return Future.join(cars.stream().map(ShardCar::disconnect).toList());
    }
}
