package dev.carlink.simulator.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * One car of a {@link LoadShard}, whatever its protocol ({@link LoadCar} on MQTT, {@link CoapLoadCar} on CoAP).
 * Called on the shard's event loop only; every counter goes to the run's {@link LoadStats}.
 */
interface ShardCar {

    /** Connects (or logs in) from {@code localAddress}; completes when the car can send, fails when it cannot. */
    Future<Void> connect(Vertx vertx, String host, int port, String localAddress);

    boolean isConnected();

    /** A message is due now; {@code intendedNanos} is when it should have left, for latency. */
    void due(long intendedNanos, boolean measured);

    /** Due messages waiting for room in the car's in-flight window (or for its connection). */
    int backlogged();

    /** Gives up the backlog; returns how many messages that was. */
    int dropBacklog();

    /** Fault injection: the car drops its connection (or session) and takes it up again at once. */
    void dropAndReconnect();

    Future<Void> disconnect();
}
