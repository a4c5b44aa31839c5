package dev.carlink.gateway.coap;

import dev.carlink.gateway.GatewayConfig;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.LoginThrottle;
import dev.carlink.proto.bus.v1.VehicleRevoked;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.InMemoryMessageExchangeStore;
import org.eclipse.californium.core.network.MessageExchangeStore;
import org.eclipse.californium.core.network.serialization.UdpDataSerializer;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CoAP edge for constrained cars (Eclipse Californium: plain CoAP, and CoAP over DTLS with Scandium, per-car
 * pre-shared keys and Connection IDs): the same contract as MQTT,
 * resource by resource, documented in docs/vehicle-contract.md#coap. It talks to the other modules only through
 * the event bus, like the MQTT gateway. A sweep every few seconds takes silent cars offline and forgets expired
 * logins. Undeploying takes every car offline and closes the server.
 */
public final class CoapGatewayVerticle extends VerticleBase {

    private static final Logger log = LoggerFactory.getLogger(CoapGatewayVerticle.class);
    private static final long SWEEP_MS = 2_000;
    /** How long a command may wait in a car's batch unacknowledged before the batch is notified again. */
    static final long RENOTIFY_AFTER_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);

    /** Socket buffers asked for (the kernel caps them at net.core.rmem_max / wmem_max). */
    static final int UDP_BUFFER_BYTES = 4 << 20;

    static {
        org.eclipse.californium.core.config.CoapConfig.register();
        UdpConfig.register();
    }

    private final GatewayConfig gateway;
    private final CoapConfig config;
    private final MeterRegistry metrics;
    private final Clock clock;

    private CoapServer server;
    private CoapEndpoint endpoint;
    private CoapEndpoint secureEndpoint;
    private CoapCars cars;
    private LoginThrottle loginThrottle;
    private CoapCommandsHandler commands;
    private long sweepTimer = -1;

    public CoapGatewayVerticle(GatewayConfig gateway, CoapConfig config, MeterRegistry metrics, Clock clock) {
        this.gateway = Objects.requireNonNull(gateway, "gateway");
        this.config = Objects.requireNonNull(config, "config");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Future<?> start() {
        EventBus bus = vertx.eventBus();
        DeliveryOptions busOptions =
                new DeliveryOptions().setSendTimeout(gateway.busTimeout().toMillis());
        cars = new CoapCars(config.sessionTtl(), clock);
        loginThrottle = new LoginThrottle(
                gateway.limits().failedLoginsPerMinute(), gateway.limits().loginBlock(), clock);
        commands = new CoapCommandsHandler(bus, clock);
        // a revoked car's logins end at once (a DTLS session it already holds lasts until it ends)
        bus.<io.vertx.core.buffer.Buffer>consumer(BusAddress.VEHICLE_REVOKED, message -> {
            try {
                String vin = VehicleRevoked.parseFrom(message.body().getBytes()).getVin();
                log.info("revoked a vehicle's coap logins [vin: {}, tokens: {}]", vin, cars.revoke(vin));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                log.debug("ignored a malformed VehicleRevoked");
            }
        });
        bus.<io.vertx.core.buffer.Buffer>consumer(
                BusAddress.GATEWAY_PRESENCE_RESYNC, message -> commands.resync(cars.cars()));
        commands.timers(vertx);
        CoapRequests requests = new CoapRequests(cars, metrics);
        requests.carFactory(vin -> {
            CoapCar car = new CoapCar(vin, commands);
            car.commands().requests(requests);
            return car;
        });
        Map<String, org.eclipse.californium.core.server.resources.Resource> shared = Map.of(
                "telemetry",
                new IngestResource("telemetry", requests, bus, busOptions, metrics, clock, config.maxPayload()),
                "events",
                new IngestResource("events", requests, bus, busOptions, metrics, clock, config.maxPayload()),
                "command-results",
                new IngestResource("command-results", requests, bus, busOptions, metrics, clock, config.maxPayload()),
                "command-acks",
                new AcksResource(cars, requests, commands));
        CoapResource v1 = new CoapResource("v1");
        v1.add(new AuthResource(cars, requests, bus, busOptions, config.sessionTtl(), loginThrottle));
        v1.add(new VehiclesResource(cars, shared, requests));
        Gauge.builder("carlink.gateway.coap.sessions", () -> cars == null ? 0 : cars.sessions())
                .register(metrics);
        Gauge.builder(
                        "carlink.gateway.coap.online",
                        () -> cars == null
                                ? 0
                                : cars.cars().stream().filter(CoapCar::online).count())
                .register(metrics);
        return vertx.executeBlocking(() -> {
                    Configuration californium = Configuration.createStandardWithoutFile();
                    californium.set(
                            org.eclipse.californium.core.config.CoapConfig.MAX_RESOURCE_BODY_SIZE, config.maxPayload());
                    // a fleet's bursts overflow the kernel's default UDP buffer (about 200 KB): every datagram
                    // dropped there costs a car a 2 s retransmission
                    californium.set(UdpConfig.UDP_RECEIVE_BUFFER_SIZE, UDP_BUFFER_BYTES);
                    californium.set(UdpConfig.UDP_SEND_BUFFER_SIZE, UDP_BUFFER_BYTES);
                    server = new CoapServer(californium);
                    server.setMessageDeliverer(new DtlsCarDeliverer(server.getRoot(), californium, requests));
                    if (config.enabled()) {
                        endpoint = new CoapEndpoint.Builder()
                                .setConfiguration(californium)
                                .setInetSocketAddress(new InetSocketAddress(gateway.host(), config.port()))
                                .setMessageExchangeStore(exchangeStore(californium, "plain"))
                                .setDataSerializerAndParser(new UdpDataSerializer(), parser(californium))
                                .build();
                        server.addEndpoint(endpoint);
                    }
                    if (config.dtlsEnabled()) {
                        secureEndpoint = DtlsEndpoints.server(
                                californium,
                                new InetSocketAddress(gateway.host(), config.dtlsPort()),
                                new VehiclePskStore(bus, busOptions, metrics),
                                exchangeStore(californium, "dtls"),
                                parser(californium));
                        server.addEndpoint(secureEndpoint);
                    }
                    server.add(v1);
                    server.start();
                    return null;
                })
                .onSuccess(started -> {
                    sweepTimer = vertx.setPeriodic(SWEEP_MS, id -> sweep());
                    log.info(
                            "coap gateway listening [gateway: {}, host: {}, port: {}, dtlsPort: {}, sessionTtl: {}, "
                                    + "presenceTimeout: {}]",
                            gateway.gatewayId(),
                            gateway.host(),
                            endpoint == null ? "off" : endpoint.getAddress().getPort(),
                            secureEndpoint == null
                                    ? "off"
                                    : secureEndpoint.getAddress().getPort(),
                            config.sessionTtl(),
                            config.presenceTimeout());
                });
    }

    /**
     * Californium's exchange store with {@link BoundedDeduplicator} in place of the unbounded default, its size
     * and evictions published as {@code carlink.gateway.coap.dedup.*} with the endpoint's name.
     */
    private MessageExchangeStore exchangeStore(Configuration californium, String name) {
        BoundedDeduplicator deduplicator = new BoundedDeduplicator(
                config.dedupCapacity(),
                californium.get(
                        org.eclipse.californium.core.config.CoapConfig.EXCHANGE_LIFETIME, TimeUnit.MILLISECONDS),
                californium.get(
                        org.eclipse.californium.core.config.CoapConfig.MARK_AND_SWEEP_INTERVAL, TimeUnit.MILLISECONDS),
                californium.get(org.eclipse.californium.core.config.CoapConfig.DEDUPLICATOR_AUTO_REPLACE),
                System::nanoTime);
        InMemoryMessageExchangeStore store = new InMemoryMessageExchangeStore(californium);
        store.setDeduplicator(deduplicator);
        Gauge.builder("carlink.gateway.coap.dedup.size", deduplicator, BoundedDeduplicator::size)
                .tag("endpoint", name)
                .description("requests remembered to answer retransmissions")
                .register(metrics);
        FunctionCounter.builder("carlink.gateway.coap.dedup.evicted", deduplicator, BoundedDeduplicator::evicted)
                .tag("endpoint", name)
                .description("requests forgotten before their lifetime because the store was full")
                .register(metrics);
        return store;
    }

    private StrictUdpParser parser(Configuration californium) {
        return new StrictUdpParser(
                californium.get(org.eclipse.californium.core.config.CoapConfig.STRICT_EMPTY_MESSAGE_FORMAT), metrics);
    }

    /**
     * Silent cars go offline (their observations are cancelled); commands a car has not acknowledged within a
     * sweep are notified again; expired logins are forgotten.
     */
    private void sweep() {
        long timeout = config.presenceTimeout().toNanos();
        for (CoapCar car : cars.cars()) {
            if (car.online() && car.silentNanos() > timeout) {
                car.commands().clearObserveRelations();
                commands.lost(car, "silent for " + config.presenceTimeout().toSeconds() + " s");
            } else if (car.online() && car.unacknowledgedFor(RENOTIFY_AFTER_NANOS)) {
                // the car should have acknowledged by now: a notification went missing (seen once in a test run:
                // the batch with a second command, queued behind the first's confirmable notification, never
                // reached the car), or the car missed it. The batch is complete, so saying it again is safe
                car.renotified();
                car.commands().changed();
                metrics.counter("carlink.gateway.coap.commands.renotified").increment();
            }
        }
        cars.expireSessions();
        loginThrottle.sweep();
        for (CoapCar car : cars.cars()) {
            cars.forgetIdle(car);
        }
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(sweepTimer);
        for (CoapCar car : cars.cars()) {
            commands.lost(car, "gateway stopping");
        }
        return vertx.executeBlocking(() -> {
                    if (server != null) {
                        server.destroy();
                    }
                    return null;
                })
                .onComplete(done -> log.info("coap gateway stopped [gateway: {}]", gateway.gatewayId()));
    }

    /**
     * The UDP port the CoAP server is bound to (the configured one, or the one chosen for port 0).
     *
     * @throws IllegalStateException before the verticle is deployed
     */
    public int actualPort() {
        if (endpoint == null) {
            throw new IllegalStateException("plain coap is not deployed");
        }
        return endpoint.getAddress().getPort();
    }

    /**
     * The UDP port CoAP over DTLS is bound to.
     *
     * @throws IllegalStateException before the verticle is deployed, or with DTLS disabled
     */
    public int actualDtlsPort() {
        if (secureEndpoint == null) {
            throw new IllegalStateException("coap over dtls is not deployed");
        }
        return secureEndpoint.getAddress().getPort();
    }
}
