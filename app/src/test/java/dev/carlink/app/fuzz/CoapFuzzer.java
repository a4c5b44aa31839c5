package dev.carlink.app.fuzz;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Throws mutated CoAP at the gateway as raw UDP datagrams, at a steady rate (so the gateway's socket buffer, not
 * the fuzzer, decides nothing). Every datagram is drawn from the run's seed: a seed message with a fresh message
 * id and token, mutated in {@code mutationRate} of the cases. The source port changes every {@code perSocket}
 * datagrams, so the gateway's de-duplication (by source and message id) does not swallow most of the run, and
 * many peers come and go as they would from a fleet behind NATs. Answers are drained and counted by kind.
 */
final class CoapFuzzer {

    /** The largest UDP payload over IPv4. */
    private static final int MAX_DATAGRAM = 65_507;

    private final InetSocketAddress gateway;
    private final CoapSeeds seeds;
    private final long seed;
    private final long messages;
    private final int perSocket;
    private final double mutationRate;
    private final Pace pace;
    /** How long the run took, once it is over. */
    volatile double seconds;

    final AtomicLong datagrams = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong sockets = new AtomicLong();
    final AtomicLong answers = new AtomicLong();
    /** Answers by code class (0: empty ACK or RST, 2: success, 4: client error, 5: server error...). */
    final AtomicLongArray answersByClass = new AtomicLongArray(8);

    final AtomicLong resets = new AtomicLong();
    final AtomicLong sendBufferFull = new AtomicLong();

    CoapFuzzer(
            InetSocketAddress gateway,
            CoapSeeds seeds,
            long seed,
            long messages,
            int perSecond,
            int perSocket,
            double mutationRate) {
        this.gateway = gateway;
        this.seeds = seeds;
        this.seed = seed;
        this.messages = messages;
        this.perSocket = perSocket;
        this.mutationRate = mutationRate;
        this.pace = new Pace(perSecond);
    }

    void run() throws IOException {
        long started = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        DatagramChannel channel = null;
        try {
            for (long i = 0; i < messages; i++) {
                if (i % perSocket == 0) {
                    if (channel != null) {
                        drain(channel, in);
                        channel.close();
                    }
                    channel = DatagramChannel.open();
                    channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    channel.configureBlocking(false);
                    sockets.incrementAndGet();
                }
                byte[] datagram = seeds.next(random);
                if (random.nextDouble() < mutationRate) {
                    datagram = CoapMutations.mutate(datagram, seeds.next(random), random);
                }
                if (datagram.length > MAX_DATAGRAM) {
                    datagram = Arrays.copyOf(datagram, MAX_DATAGRAM);
                }
                pace.acquire();
                send(channel, datagram, in);
                drain(channel, in);
            }
        } finally {
            if (channel != null) {
                drain(channel, in);
                channel.close();
            }
            seconds = (System.nanoTime() - started) / 1e9;
        }
    }

    private void send(DatagramChannel channel, byte[] datagram, ByteBuffer in) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(datagram);
        // a non-blocking send returns 0 when the socket's send buffer is full (and, always, for an empty datagram)
        while (channel.send(out, gateway) == 0 && datagram.length > 0) {
            sendBufferFull.incrementAndGet();
            drain(channel, in);
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
        }
        datagrams.incrementAndGet();
        bytes.addAndGet(datagram.length);
    }

    private void drain(DatagramChannel channel, ByteBuffer in) throws IOException {
        while (true) {
            in.clear();
            if (channel.receive(in) == null) {
                return;
            }
            answers.incrementAndGet();
            if (in.position() >= 2) {
                int type = in.get(0) >> 4 & 0x03;
                int code = in.get(1) & 0xff;
                answersByClass.incrementAndGet(code >> 5);
                if (type == 3) {
                    resets.incrementAndGet();
                }
            }
        }
    }
}
