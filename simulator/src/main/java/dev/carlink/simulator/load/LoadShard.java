package dev.carlink.simulator.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;

/**
 * A share of the fleet on one event loop: connects its cars at its share of the connect rate, then sends its
 * share of the message rate open-loop: message k is due at {@code start + k / rate}, whatever happened to the
 * ones before it, so a slow backend shows up as latency instead of silently lowering the load.
 */
final class LoadShard extends VerticleBase {

    private static final long TICK_MS = 5;

    private final List<LoadCar> cars;
    private final List<String> sourceAddresses;
    private final int firstIndex;
    private final String host;
    private final int port;
    private final double connectRate;
    private final double rate;

    private long timer = -1;
    private long scheduled;
    private int nextCar;

    /**
     * @param firstIndex the fleet-wide index of this shard's first car (for source-address round-robin)
     * @param connectRate this shard's connects per second
     * @param rate this shard's messages per second
     */
    LoadShard(
            List<LoadCar> cars,
            List<String> sourceAddresses,
            int firstIndex,
            String host,
            int port,
            double connectRate,
            double rate) {
        this.cars = cars;
        this.sourceAddresses = sourceAddresses;
        this.firstIndex = firstIndex;
        this.host = host;
        this.port = port;
        this.connectRate = connectRate;
        this.rate = rate;
    }

    /** Completes when every car of the shard has connected or failed to. */
    @Override
    public Future<?> start() {
        List<Future<Void>> attempts = new ArrayList<>();
        for (int i = 0; i < cars.size(); i++) {
            LoadCar car = cars.get(i);
            String source = sourceAddresses.get((firstIndex + i) % sourceAddresses.size());
            long delayMs = Math.max(1, (long) (i * 1000 / connectRate));
            Promise<Void> attempt = Promise.promise();
            vertx.setTimer(delayMs, t -> car.connect(vertx, host, port, source).onComplete(attempt));
            attempts.add(attempt.future());
        }
        return Future.join(attempts).otherwiseEmpty();
    }

    /** Starts sending on this shard's event loop; message k of the shard is due at {@code startNanos + k / rate}. */
    void startSending(long startNanos, long endNanos) {
        context.runOnContext(v -> timer = vertx.setPeriodic(TICK_MS, t -> tick(startNanos, endNanos)));
    }

    private void tick(long startNanos, long endNanos) {
        long now = Math.min(System.nanoTime(), endNanos);
        long due = (long) ((now - startNanos) / 1e9 * rate);
        while (scheduled < due) {
            long intended = startNanos + (long) (scheduled * 1e9 / rate);
            cars.get(nextCar).due(intended);
            nextCar = (nextCar + 1) % cars.size();
            scheduled++;
        }
        if (now >= endNanos) {
            vertx.cancelTimer(timer);
        }
    }

    /** Fault injection: the first {@code fraction} of this shard's cars drop their connections and reconnect. */
    void reconnectStorm(double fraction) {
        context.runOnContext(v -> {
            int count = (int) Math.round(cars.size() * fraction);
            cars.subList(0, count).forEach(LoadCar::dropAndReconnect);
        });
    }

    /** Messages due but still waiting for room in a car's in-flight window. */
    Future<Integer> backlogged() {
        Promise<Integer> count = Promise.promise();
        context.runOnContext(
                v -> count.complete(cars.stream().mapToInt(LoadCar::backlogged).sum()));
        return count.future();
    }

    /** Stops sending; returns how many due messages were never written (backlog given up). */
    Future<Integer> stopSending() {
        Promise<Integer> dropped = Promise.promise();
        context.runOnContext(v -> {
            vertx.cancelTimer(timer);
            dropped.complete(cars.stream().mapToInt(LoadCar::dropBacklog).sum());
        });
        return dropped.future();
    }

    @Override
    public Future<?> stop() {
        return Future.join(cars.stream().map(LoadCar::disconnect).toList());
    }
}
