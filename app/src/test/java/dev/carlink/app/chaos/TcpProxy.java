package dev.carlink.app.chaos;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP forwarder on loopback, standing where a network would: in front of gateway instances as a TCP load
 * balancer (each new connection goes to the first backend that accepts it, so a dead instance's cars land on a
 * live one), or between cluster members, where {@link #partition()} stops every byte both ways, as a dropped link
 * does (connections stay open, nothing arrives, new connections hang), and {@link #heal()} lets it all flow again.
 */
final class TcpProxy implements AutoCloseable {

    /** Where a connection may be forwarded, in order of preference. */
    record Backend(String host, int port) {}

    private final Vertx vertx = Vertx.vertx();
    private final NetClient client;
    private final List<Backend> backends;
    private final NetServer server;
    private final Set<Pipe> pipes = ConcurrentHashMap.newKeySet();
    private final AtomicLong forwarded = new AtomicLong();
    private volatile boolean partitioned;

    private TcpProxy(List<Backend> backends) {
        this.backends = List.copyOf(backends);
        this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(2_000));
        this.server = vertx.createNetServer().connectHandler(this::accepted);
    }

    /** A proxy on a free loopback port (or {@code port}) forwarding to the first backend that accepts. */
    static TcpProxy start(int port, List<Backend> backends) {
        TcpProxy proxy = new TcpProxy(backends);
        await(proxy.server.listen(port, "127.0.0.1"));
        return proxy;
    }

    int port() {
        return server.actualPort();
    }

    /** Connections forwarded since the start. */
    long forwarded() {
        return forwarded.get();
    }

    /** From now on nothing crosses, either way, on old connections or new ones. */
    void partition() {
        partitioned = true;
        vertx.runOnContext(v -> pipes.forEach(Pipe::hold));
    }

    /** Everything held crosses again. */
    void heal() {
        partitioned = false;
        vertx.runOnContext(v -> pipes.forEach(Pipe::release));
    }

    private void accepted(NetSocket downstream) {
        downstream.pause();
        connect(downstream, 0);
    }

    private void connect(NetSocket downstream, int backend) {
        if (backend >= backends.size()) {
            downstream.close();
            return;
        }
        Backend target = backends.get(backend);
        client.connect(target.port(), target.host()).onComplete(result -> {
            if (result.failed()) {
                connect(downstream, backend + 1);
                return;
            }
            forwarded.incrementAndGet();
            Pipe pipe = new Pipe(downstream, result.result());
            pipes.add(pipe);
            if (partitioned) {
                pipe.hold();
            } else {
                pipe.release();
            }
        });
    }

    /** Both directions of one forwarded connection; either side closing closes the other. */
    private final class Pipe {
        private final NetSocket a;
        private final NetSocket b;
        private boolean held;

        Pipe(NetSocket a, NetSocket b) {
            this.a = a;
            this.b = b;
            forward(a, b);
            forward(b, a);
            a.closeHandler(v -> closed());
            b.closeHandler(v -> closed());
        }

        private void forward(NetSocket from, NetSocket to) {
            from.handler(data -> {
                to.write(data);
                if (to.writeQueueFull()) {
                    from.pause();
                    to.drainHandler(v -> {
                        if (!held) {
                            from.resume();
                        }
                    });
                }
            });
        }

        void hold() {
            held = true;
            a.pause();
            b.pause();
        }

        void release() {
            held = false;
            a.resume();
            b.resume();
        }

        private void closed() {
            pipes.remove(this);
            a.close();
            b.close();
        }
    }

    @Override
    public void close() {
        await(vertx.close());
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("proxy: " + e.getMessage(), e);
        }
    }
}
