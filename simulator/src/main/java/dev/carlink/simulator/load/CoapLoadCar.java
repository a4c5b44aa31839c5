package dev.carlink.simulator.load;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.v1.CoapLogin;
import dev.carlink.proto.v1.CoapSession;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.SimulatedCar;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;

/**
 * A load car on CoAP: logs in for a token, then sends each due telemetry sample as a confirmable POST; the 2.04
 * comes once the sample is stored, so latency is publish-to-commit as on MQTT QoS 1. A 5.03 sends the same
 * sample again after its Max-Age, a request with no answer again after a second, and a 4.01 logs in again
 * first. A few cars share one UDP endpoint ({@link CoapEndpoints}), as cars behind one carrier NAT do;
 * Californium's callbacks are brought back to the shard's event loop.
 */
final class CoapLoadCar implements ShardCar {

    private record Pending(long intendedNanos, boolean measured, byte[] payload) {}

    private final VehicleCredentials credentials;
    private final SimulatedCar car;
    private final LoadStats stats;
    private final int maxInFlight;
    private final CoapEndpoints endpoints;
    private final int index;
    private final ArrayDeque<Pending> backlog = new ArrayDeque<>();
    private Context context;
    private Vertx vertx;
    private String base;
    private String localAddress;
    private String token;
    private boolean connected;
    private int inFlight;

    CoapLoadCar(
            VehicleCredentials credentials,
            SimulatedCar car,
            LoadStats stats,
            int maxInFlight,
            CoapEndpoints endpoints,
            int index) {
        this.credentials = credentials;
        this.index = index;
        this.car = car;
        this.stats = stats;
        this.maxInFlight = maxInFlight;
        this.endpoints = endpoints;
    }

    @Override
    public Future<Void> connect(Vertx vertx, String host, int port, String localAddress) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.base = "coap://" + host + ":" + port;
        this.localAddress = localAddress;
        return login().onFailure(e -> {
            stats.connectFailed.incrementAndGet();
            stats.error("login failed: " + e.getMessage());
        });
    }

    private CoapClient client(String path) {
        CoapClient client = new CoapClient(base + path);
        client.setEndpoint(endpoints.of(localAddress, index));
        client.setTimeout(TimeUnit.SECONDS.toMillis(60));
        return client;
    }

    private Future<Void> login() {
        Promise<Void> done = Promise.promise();
        byte[] body = CoapLogin.newBuilder()
                .setVin(credentials.vin())
                .setSecret(credentials.secret())
                .build()
                .toByteArray();
        client("/v1/auth")
                .post(
                        new CoapHandler() {
                            @Override
                            public void onLoad(CoapResponse response) {
                                context.runOnContext(v -> {
                                    if (response.getCode() != ResponseCode.CREATED) {
                                        done.tryFail(response.getCode() + " " + response.getResponseText());
                                        return;
                                    }
                                    try {
                                        token = CoapSession.parseFrom(response.getPayload())
                                                .getToken();
                                    } catch (InvalidProtocolBufferException e) {
                                        done.tryFail("the answer is not a CoapSession");
                                        return;
                                    }
                                    if (!connected) {
                                        connected = true;
                                        stats.connected.incrementAndGet();
                                    }
                                    done.tryComplete();
                                    drain();
                                });
                            }

                            @Override
                            public void onError() {
                                context.runOnContext(v -> done.tryFail("no answer from " + base));
                            }
                        },
                        body,
                        MediaTypeRegistry.APPLICATION_OCTET_STREAM);
        return done.future();
    }

    @Override
    public boolean isConnected() {
        return connected;
    }

    @Override
    public void due(long intendedNanos, boolean measured) {
        stats.intended.incrementAndGet();
        Pending message = new Pending(intendedNanos, measured, car.telemetry().toByteArray());
        if (inFlight >= maxInFlight || token == null) {
            stats.backlogged.incrementAndGet();
            backlog.add(message);
            return;
        }
        post(message, true);
    }

    private void drain() {
        while (!backlog.isEmpty() && inFlight < maxInFlight && token != null) {
            post(backlog.poll(), true);
        }
    }

    private void post(Pending message, boolean firstTime) {
        inFlight++;
        if (firstTime) {
            stats.sent.incrementAndGet();
        }
        String path = "/v1/vehicles/" + credentials.vin() + "/telemetry?t=" + token;
        client(path)
                .post(
                        new CoapHandler() {
                            @Override
                            public void onLoad(CoapResponse response) {
                                context.runOnContext(v -> answered(message, response));
                            }

                            @Override
                            public void onError() {
                                context.runOnContext(v -> answered(message, null));
                            }
                        },
                        message.payload(),
                        MediaTypeRegistry.APPLICATION_OCTET_STREAM);
    }

    private void answered(Pending message, CoapResponse response) {
        inFlight--;
        if (response != null && response.getCode() == ResponseCode.CHANGED) {
            stats.acked.incrementAndGet();
            if (message.measured()) {
                stats.measured.incrementAndGet();
                stats.latency.record(System.nanoTime() - message.intendedNanos());
            }
            drain();
            return;
        }
        if (response != null && response.getCode() == ResponseCode.UNAUTHORIZED) {
            token = null;
            backlog.addFirst(message);
            stats.sent.decrementAndGet();
            login();
            return;
        }
        if (response == null || response.getCode() == ResponseCode.SERVICE_UNAVAILABLE) {
            Long maxAge = response == null ? null : response.getOptions().getMaxAge();
            stats.error(response == null ? "no answer, sent again" : "5.03 not stored, sent again");
            inFlight++; // still this car's to deliver: it keeps its place in the window while it waits
            vertx.setTimer(TimeUnit.SECONDS.toMillis(maxAge == null ? 1 : maxAge), t -> {
                inFlight--;
                post(message, false);
            });
            return;
        }
        stats.error("refused: " + response.getCode() + " " + response.getResponseText());
        stats.sent.decrementAndGet();
        stats.notSent.incrementAndGet();
        drain();
    }

    @Override
    public int backlogged() {
        return backlog.size();
    }

    @Override
    public int dropBacklog() {
        int dropped = backlog.size();
        backlog.clear();
        return dropped;
    }

    /** Fault injection: the car forgets its session and logs in again (a head unit restart, on CoAP). */
    @Override
    public void dropAndReconnect() {
        token = null;
        stats.reconnects.incrementAndGet();
        login();
    }

    @Override
    public Future<Void> disconnect() {
        return Future.succeededFuture(); // the shared endpoints are closed with the run
    }
}
