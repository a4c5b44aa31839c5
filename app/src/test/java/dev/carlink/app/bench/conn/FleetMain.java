package dev.carlink.app.bench.conn;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fleet of lightweight cars ({@link FleetCar}: one Vert.x MQTT client each, no threads of their own) in a
 * process of its own, driven by a benchmark through stdin and stdout ({@link FleetProcess} is the other end).
 * The cars' sockets and heap stay out of the gateway's process, and the fleet is not limited by the
 * benchmark's own file budget.
 *
 * <p>Arguments: {@code host port credentials-file keep-alive-seconds max-connecting backoff-cap-ms}. Commands,
 * one a line; every answer starts with {@code @}:
 *
 * <ul>
 *   <li>{@code connect N}: connects the next N cars of the file, at most {@code max-connecting} CONNECTs
 *       awaiting their CONNACK at once, each subscribing to its commands topic once connected; a refused or
 *       failed CONNECT is counted ({@code refused}) and tried again after the back-off. Prints {@code @progress}
 *       lines a second, then {@code @connected {json}} once every one of them is connected.
 *   <li>{@code status}: {@code @status {json}}, the fleet's counters.
 *   <li>{@code dump FILE}: writes one line per car ({@code vin,connack,suback,newCommand,commands,lost}: the last
 *       CONNACK, the last SUBACK, when the last command it had not seen before came, in epoch milliseconds, 0 for
 *       never; then the commands it received, duplicates not counted, and the connections it lost), then
 *       {@code @dumped}.
 *   <li>{@code quit}: disconnects every car and exits.
 * </ul>
 */
public final class FleetMain {

    private final Vertx vertx;
    private final List<FleetCar> cars;
    private final List<Context> loops;
    private final int maxConnecting;
    private final Stats stats = new Stats();
    private final PrintStream out;
    private int next;

    /** The fleet's counters, shared by every car, read by the command thread. */
    static final class Stats {
        final AtomicInteger connected = new AtomicInteger();
        final AtomicInteger subscribed = new AtomicInteger();
        final AtomicInteger delivered = new AtomicInteger();
        final LongAdder commands = new LongAdder();
        final LongAdder duplicates = new LongAdder();
        final LongAdder lost = new LongAdder();
        final LongAdder attempts = new LongAdder();
        final LongAdder failedAttempts = new LongAdder();
        final LongAdder connectFailed = new LongAdder();
        final AtomicLong lastConnackMs = new AtomicLong();
        final AtomicLong lastSubackMs = new AtomicLong();
        final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

        void error(String reason) {
            errors.computeIfAbsent(reason, r -> new LongAdder()).increment();
        }

        JsonObject json() {
            Map<String, Long> byReason = new TreeMap<>();
            errors.forEach((k, v) -> byReason.put(k, v.sum()));
            return new JsonObject()
                    .put("atMs", System.currentTimeMillis())
                    .put("connected", connected.get())
                    .put("subscribed", subscribed.get())
                    .put("delivered", delivered.get())
                    .put("commands", commands.sum())
                    .put("duplicates", duplicates.sum())
                    .put("lost", lost.sum())
                    .put("attempts", attempts.sum())
                    .put("failedAttempts", failedAttempts.sum())
                    .put("connectFailed", connectFailed.sum())
                    .put("errors", new JsonObject(new java.util.LinkedHashMap<>(byReason)));
        }
    }

    /** A verticle that does nothing but own an event-loop context; the cars are spread over these. */
    private static final class Loop extends VerticleBase {
        private final CountDownLatch started = new CountDownLatch(1);
        private volatile Context owned;

        @Override
        public Future<?> start() {
            owned = context;
            started.countDown();
            return Future.succeededFuture();
        }
    }

    private FleetMain(Vertx vertx, List<FleetCar> cars, List<Context> loops, int maxConnecting, PrintStream out) {
        this.vertx = vertx;
        this.cars = cars;
        this.loops = loops;
        this.maxConnecting = maxConnecting;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            throw new IllegalArgumentException(
                    "usage: FleetMain host port credentials keep-alive-seconds max-connecting backoff-cap-ms");
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        List<String> lines = Files.readAllLines(Path.of(args[2]), StandardCharsets.UTF_8);
        int keepAlive = Integer.parseInt(args[3]);
        int maxConnecting = Integer.parseInt(args[4]);
        int backoffCapMs = Integer.parseInt(args[5]);
        // the protocol's channel: nothing else may write to stdout
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, "UTF-8");
        System.setOut(System.err);

        int loopCount = Runtime.getRuntime().availableProcessors();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loopCount));
        List<Context> loops = new ArrayList<>();
        for (int i = 0; i < loopCount; i++) {
            Loop loop = new Loop();
            vertx.deployVerticle(loop).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            loops.add(loop.owned);
        }
        FleetMain fleet = new FleetMain(vertx, new ArrayList<>(), loops, maxConnecting, out);
        FleetCar.Settings settings = new FleetCar.Settings(host, port, keepAlive, backoffCapMs);
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            String[] vinSecret = line.split(",", 2);
            fleet.cars.add(new FleetCar(vinSecret[0], vinSecret[1], settings, fleet.stats));
        }
        out.println("@ready " + fleet.cars.size());
        fleet.serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    }

    private void serve(BufferedReader in) throws Exception {
        String line;
        while ((line = in.readLine()) != null) {
            String[] command = line.trim().split("\\s+", 2);
            switch (command[0]) {
                case "connect" -> connect(Integer.parseInt(command[1]));
                case "status" -> out.println("@status " + stats.json().encode());
                case "dump" -> dump(Path.of(command[1]));
                case "quit" -> {
                    quit();
                    return;
                }
                default -> out.println("@error unknown command: " + line);
            }
        }
        quit();
    }

    /** Connects the next {@code count} cars, never more than {@code maxConnecting} awaiting a CONNACK. */
    private void connect(int count) throws InterruptedException {
        int from = next;
        int to = Math.min(cars.size(), from + count);
        next = to;
        Semaphore connecting = new Semaphore(maxConnecting);
        CountDownLatch done = new CountDownLatch(to - from);
        int connectedBefore = stats.connected.get();
        long failedBefore = stats.connectFailed.sum();
        long firstConnectMs = System.currentTimeMillis();
        long started = System.nanoTime();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleAtFixedRate(
                () -> out.println(String.format(
                        java.util.Locale.ROOT,
                        "@progress %5.1fs  connected %d  subscribed %d  connect failures %d",
                        (System.nanoTime() - started) / 1e9,
                        stats.connected.get(),
                        stats.subscribed.get(),
                        stats.connectFailed.sum())),
                1,
                1,
                TimeUnit.SECONDS);
        AtomicLong lastConnackNanos = new AtomicLong(started);
        for (int i = from; i < to; i++) {
            connecting.acquire();
            FleetCar car = cars.get(i);
            loops.get(i % loops.size()).runOnContext(v -> car.start(vertx).onComplete(r -> {
                if (r.succeeded()) {
                    lastConnackNanos.accumulateAndGet(System.nanoTime(), Math::max);
                }
                connecting.release();
                done.countDown();
            }));
        }
        done.await();
        long connackNanos = lastConnackNanos.get();
        int connected = stats.connected.get() - connectedBefore;
        // the SUBACKs follow their CONNACKs by a round trip; wait for them (bounded) before answering
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (stats.subscribed.get() < stats.connected.get() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        long subackNanos = System.nanoTime();
        ticker.shutdownNow();
        out.println("@connected "
                + new JsonObject()
                        .put("requested", to - from)
                        .put("connected", connected)
                        .put("refused", stats.connectFailed.sum() - failedBefore)
                        .put("firstConnectMs", firstConnectMs)
                        .put("connackSeconds", (connackNanos - started) / 1e9)
                        .put("subackSeconds", (subackNanos - started) / 1e9)
                        .put("status", stats.json())
                        .encode());
    }

    private void dump(Path file) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            for (FleetCar car : cars) {
                w.println(car.dumpLine());
            }
        }
        out.println("@dumped " + file);
    }

    private void quit() throws Exception {
        List<Future<Void>> closing = new ArrayList<>();
        for (int i = 0; i < cars.size(); i++) {
            FleetCar car = cars.get(i);
            Promise<Void> closed = Promise.promise();
            loops.get(i % loops.size()).runOnContext(v -> car.stop().onComplete(closed));
            closing.add(closed.future());
        }
        try {
            Future.join(closing).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // leaving anyway: the gateway sees the sockets close
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        out.println("@bye");
        System.exit(0);
    }
}
