package dev.carlink.app.fuzz;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Throws mutated MQTT at the gateway over many short raw TCP connections, several at a time. Each connection is
 * drawn from the run's seed and its own number: protocol 3.1.1 or 5, how many packets (up to twice
 * {@code packetsPerConnection}), and how often a packet is mutated (never, 2 %, 10 %, 30 % or always), so some
 * connections go deep into a session and others die on their first bad byte. A connection opens with the fuzz
 * car's CONNECT (one in twenty mutated, one in twenty something else entirely) and waits for the CONNACK: the
 * gateway closes a connection that sends before it is accepted, so everything after would be wasted. After that
 * packets are written back to back and answers are only drained. A connection ends when its packets are sent or
 * the gateway closes it.
 */
final class MqttFuzzer {

    /** A car the fuzzer connects as: enrolled, so CONNECT succeeds and the session's handlers are reached. */
    record FuzzCar(String vin, String secret) {}

    private static final double[] MUTATION_RATES = {0.0, 0.02, 0.1, 0.3, 1.0};
    private static final long CONNACK_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final InetSocketAddress gateway;
    private final List<MqttSeeds> seeds = new ArrayList<>();
    private final long seed;
    private final int threads;
    private final int packetsPerConnection;
    private final Pace pace;
    private final AtomicLong budget;
    private final AtomicLong nextConnection = new AtomicLong();
    /** How long the run took, once it is over. */
    volatile double seconds;

    final AtomicLong packets = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong connections = new AtomicLong();
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong closedBeforeConnAck = new AtomicLong();
    final AtomicLong noConnAck = new AtomicLong();
    final AtomicLong closedByGateway = new AtomicLong();
    final AtomicLong ranToEnd = new AtomicLong();
    final AtomicLong stalled = new AtomicLong();
    final AtomicLong connectFailures = new AtomicLong();
    final AtomicLong bytesReceived = new AtomicLong();

    MqttFuzzer(
            InetSocketAddress gateway,
            List<FuzzCar> cars,
            String victimVin,
            long seed,
            long packets,
            int threads,
            int perSecond,
            int packetsPerConnection) {
        this.gateway = gateway;
        for (FuzzCar car : cars) {
            seeds.add(new MqttSeeds(car.vin(), car.secret(), victimVin));
        }
        this.seed = seed;
        this.threads = threads;
        this.packetsPerConnection = packetsPerConnection;
        this.pace = new Pace(perSecond);
        this.budget = new AtomicLong(packets);
    }

    /** Sends every packet of the budget, on {@code threads} connections at a time; returns when done. */
    void run() throws InterruptedException {
        long started = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(
                    () -> {
                        while (budget.get() > 0) {
                            connection(nextConnection.getAndIncrement());
                        }
                    },
                    "fuzz-mqtt-" + i);
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            t.join();
        }
        seconds = (System.nanoTime() - started) / 1e9;
    }

    /** What one connection sends, drawn from the run's seed and the connection's number. */
    private final class Plan {
        final SplittableRandom random;
        final int level;
        final MqttSeeds car;
        final double mutationRate;
        final int quota;
        final boolean reset;
        final byte[] first;

        Plan(long index) {
            random = new SplittableRandom(seed * 1_000_003L + index);
            level = random.nextBoolean() ? MqttPackets.V311 : MqttPackets.V5;
            car = seeds.get((int) (index % seeds.size()));
            mutationRate = MUTATION_RATES[random.nextInt(MUTATION_RATES.length)];
            quota = 1 + random.nextInt(2 * packetsPerConnection);
            reset = random.nextBoolean();
            first = switch (random.nextInt(20)) {
                case 0 -> car.next(level, random);
                case 1 -> MqttMutations.mutate(car.connect(level, random), car.donor(level, random), random);
                default -> car.connect(level, random);
            };
        }

        byte[] next() {
            byte[] packet = car.next(level, random);
            return random.nextDouble() < mutationRate
                    ? MqttMutations.mutate(packet, car.donor(level, random), random)
                    : packet;
        }
    }

    /**
     * The packets connection {@code index} sends when the gateway lets it send them all, to replay one connection
     * (the same bytes but for the timestamps and sequence numbers of the telemetry).
     */
    List<byte[]> packetsOf(long index) {
        Plan plan = new Plan(index);
        List<byte[]> packets = new ArrayList<>();
        packets.add(plan.first);
        for (int i = 1; i < plan.quota; i++) {
            packets.add(plan.next());
        }
        return packets;
    }

    private void connection(long index) {
        Plan plan = new Plan(index);
        ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        try (SocketChannel channel = SocketChannel.open(gateway)) {
            connections.incrementAndGet();
            if (plan.reset) {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0); // end with a reset, not a FIN
            }
            channel.configureBlocking(false);
            Sent opened = send(channel, plan.first, in);
            if (opened != Sent.SENT) {
                (opened == Sent.CLOSED ? closedBeforeConnAck : ranToEnd).incrementAndGet();
                return;
            }
            if (!connAcked(channel, in)) {
                return;
            }
            for (int i = 1; i < plan.quota; i++) {
                Sent sent = send(channel, plan.next(), in);
                if (sent == Sent.BUDGET_SPENT) {
                    break;
                }
                if (sent == Sent.CLOSED || drain(channel, in) < 0) {
                    closedByGateway.incrementAndGet();
                    return;
                }
            }
            ranToEnd.incrementAndGet();
        } catch (IOException e) {
            connectFailures.incrementAndGet();
        }
    }

    /** Waits for the CONNACK; true when it accepted the connection. Counts the outcome either way. */
    private boolean connAcked(SocketChannel channel, ByteBuffer in) throws IOException {
        in.clear();
        long deadline = System.nanoTime() + CONNACK_WAIT_NANOS;
        while (in.position() < 4) {
            int n;
            try {
                n = channel.read(in);
            } catch (IOException e) {
                n = -1;
            }
            if (n < 0) {
                closedBeforeConnAck.incrementAndGet();
                return false;
            }
            bytesReceived.addAndGet(n);
            if (n == 0) {
                if (System.nanoTime() > deadline) {
                    noConnAck.incrementAndGet();
                    return false;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
        // CONNACK: 0x20, remaining length, flags, then the return code (3.1.1) or reason code (5)
        if ((in.get(0) & 0xff) == 0x20 && in.get(3) == 0) {
            accepted.incrementAndGet();
            return true;
        }
        refused.incrementAndGet();
        return false;
    }

    private enum Sent {
        SENT,
        BUDGET_SPENT,
        CLOSED
    }

    /** Writes one packet within the budget and the pace. */
    private Sent send(SocketChannel channel, byte[] packet, ByteBuffer in) {
        if (budget.getAndDecrement() <= 0) {
            budget.incrementAndGet();
            return Sent.BUDGET_SPENT;
        }
        pace.acquire();
        ByteBuffer out = ByteBuffer.wrap(packet);
        long stallSince = 0;
        try {
            while (out.hasRemaining()) {
                if (channel.write(out) > 0) {
                    stallSince = 0;
                    continue;
                }
                if (drain(channel, in) < 0) {
                    budget.incrementAndGet();
                    return Sent.CLOSED;
                }
                long now = System.nanoTime();
                if (stallSince == 0) {
                    stallSince = now;
                } else if (now - stallSince > STALL_NANOS) {
                    stalled.incrementAndGet();
                    budget.incrementAndGet();
                    return Sent.CLOSED;
                }
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
            }
        } catch (IOException e) {
            budget.incrementAndGet();
            return Sent.CLOSED;
        }
        packets.incrementAndGet();
        bytes.addAndGet(packet.length);
        return Sent.SENT;
    }

    /** Reads whatever the gateway sent; -1 once it closed the connection. */
    private int drain(SocketChannel channel, ByteBuffer in) {
        int total = 0;
        try {
            while (true) {
                in.clear();
                int n = channel.read(in);
                if (n < 0) {
                    return -1;
                }
                if (n == 0) {
                    bytesReceived.addAndGet(total);
                    return total;
                }
                total += n;
            }
        } catch (IOException e) {
            return -1;
        }
    }
}
