package dev.carlink.app.fuzz;

import dev.carlink.proto.v1.Telemetry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A well-behaved car that keeps sending telemetry while the fuzzers run, one message at a time, each at QoS 1 or
 * confirmable, and waits for it to be acknowledged. A message that is not acknowledged is sent again, as the
 * contract asks, after connecting again, up to three times. Anything that goes wrong (a refusal, a lost
 * connection, a timeout, an error on its errors topic) is recorded as a problem: under fuzzing there must be none.
 */
abstract class LegitCar implements AutoCloseable {

    private static final int ATTEMPTS = 3;

    final String vin;
    final String protocol;
    final AtomicLong sent = new AtomicLong();
    final AtomicLong acked = new AtomicLong();
    final AtomicLong maxLatencyMs = new AtomicLong();
    final List<String> problems = new CopyOnWriteArrayList<>();
    private final AtomicLong seq = new AtomicLong(System.currentTimeMillis() * 1_000);
    private volatile boolean running;
    private Thread thread;

    LegitCar(String vin, String protocol) {
        this.vin = vin;
        this.protocol = protocol;
    }

    /** Connects (and logs in, subscribes or observes): the car is then ready to send. */
    abstract void connect() throws Exception;

    /** Sends one message and waits for its acknowledgement; null when acknowledged, else what went wrong. */
    abstract String send(byte[] telemetry) throws Exception;

    /** Whether the car still has its connection (or observation) from before. */
    abstract boolean healthy();

    abstract void disconnect();

    /** Starts sending a message every {@code interval} on the car's own thread. */
    void start(Duration interval) throws Exception {
        connect();
        running = true;
        thread = new Thread(
                () -> {
                    while (running) {
                        long started = System.nanoTime();
                        sendOne();
                        long rest = interval.toNanos() - (System.nanoTime() - started);
                        if (rest > 0 && running) {
                            LockSupport.parkNanos(rest);
                        }
                    }
                },
                "legit-" + protocol + "-" + vin);
        thread.start();
    }

    private void sendOne() {
        byte[] telemetry = Telemetry.newBuilder()
                .setTimestampMs(System.currentTimeMillis())
                .setSeq(seq.incrementAndGet())
                .setCabinTemperatureC(21)
                .setStateOfChargePct(80)
                .build()
                .toByteArray();
        sent.incrementAndGet();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            long started = System.nanoTime();
            String problem;
            try {
                problem = send(telemetry);
            } catch (Exception e) {
                problem = e.toString();
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            if (problem == null) {
                acked.incrementAndGet();
                maxLatencyMs.accumulateAndGet(ms, Math::max);
                return;
            }
            problems.add("message " + sent.get() + ", attempt " + attempt + " (" + ms + " ms): " + problem);
            try {
                disconnect();
                connect();
            } catch (Exception e) {
                problems.add("reconnecting: " + e);
            }
        }
    }

    /** Stops after the message in flight. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
        if (!healthy()) {
            problems.add("lost its connection or observation during the run");
        }
        disconnect();
    }

    String telemetryTopic() {
        return "v1/vehicles/" + vin + "/telemetry";
    }
}
