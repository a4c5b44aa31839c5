package dev.carlink.simulator.coap;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.VehicleKeys;
import dev.carlink.proto.v1.CoapLogin;
import dev.carlink.proto.v1.CoapSession;
import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.CommandAcks;
import dev.carlink.proto.v1.CommandBatch;
import dev.carlink.proto.v1.CommandOutcome;
import dev.carlink.proto.v1.CommandResult;
import dev.carlink.proto.v1.SignedCommand;
import dev.carlink.proto.v1.VehicleEvent;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.CommandVerifier;
import dev.carlink.simulator.car.SimulatedCar;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated car on the CoAP contract (docs/vehicle-contract.md#coap), as a constrained head unit does it: it
 * logs in for a token, observes its commands and re-registers the observation well within the gateway's
 * presence timeout, sends telemetry, events and results as confirmable POSTs, and keeps every message until it
 * is answered 2.04 (a 5.03 is sent again after its Max-Age, a 4.01 logs in again first; a 4.00 is final and
 * counted). Each command of a batch is verified and executed once, whatever number of notifications carry it,
 * then acknowledged. One thread per car; its own UDP endpoint.
 *
 * <p>With a {@code coaps://} gateway the car speaks CoAP over DTLS: its PSK identity is its VIN and its key is
 * derived from its secret ({@link VehicleKeys#dtlsPsk}); the handshake authenticates it, so it never logs in and
 * sends no token. It uses the gateway's DTLS Connection ID, so a changed NAT mapping keeps its session.
 */
public final class CoapCar implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CoapCar.class);
    private static final long TICK_MS = 100;
    private static final long CANCEL_GRACE_MS = 300;
    /** The observation is registered again this often (a NAT binding and the gateway's presence outlive it). */
    static final Duration REOBSERVE = Duration.ofSeconds(30);

    static {
        CoapConfig.register();
        DtlsConfig.register();
        UdpConfig.register();
    }

    private record Outgoing(String resource, byte[] payload) {}

    private final VehicleCredentials credentials;
    private final SimulatedCar car;
    private final URI base;
    private final Duration telemetryInterval;
    private final double timeScale;
    private final CommandVerifier verifier;
    private final ScheduledExecutorService thread;
    private final CoapEndpoint endpoint;
    private final boolean secure;
    private final Deque<Outgoing> outbox = new ArrayDeque<>();
    private final Set<String> decided = new LinkedHashSet<>();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile String token;
    private CoapObserveRelation observation;
    private long lastTelemetryNanos;
    private long lastObserveNanos;
    private long lastTickNanos = System.nanoTime();
    private long retryAtNanos;
    private boolean sending;
    private volatile boolean closed;

    /** @param base the gateway, e.g. {@code coap://localhost:5683} */
    public CoapCar(VehicleCredentials credentials, SimulatedCar car, URI base, Duration telemetryInterval) {
        this(credentials, car, base, telemetryInterval, 1);
    }

    /** @param timeScale simulated seconds per real second for the car's physics */
    public CoapCar(
            VehicleCredentials credentials, SimulatedCar car, URI base, Duration telemetryInterval, double timeScale) {
        this.credentials = credentials;
        this.car = car;
        this.base = base;
        this.telemetryInterval = telemetryInterval;
        this.timeScale = timeScale;
        this.verifier = new CommandVerifier(credentials.vin(), credentials.signingKeys(), car.clock());
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coap-car-" + credentials.vin());
            t.setDaemon(true);
            return t;
        });
        this.secure = "coaps".equalsIgnoreCase(base.getScheme());
        this.endpoint = secure
                ? dtlsEndpoint(credentials)
                : new CoapEndpoint.Builder()
                        .setConfiguration(Configuration.createStandardWithoutFile())
                        .build();
    }

    /** Logs in and starts observing and reporting; throws when the gateway refuses or does not answer. */
    public CoapCar connect() {
        login();
        observe();
        thread.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        LOG.info("coap car connected [vin: {}, gateway: {}]", credentials.vin(), base);
        return this;
    }

    public String vin() {
        return credentials.vin();
    }

    public SimulatedCar car() {
        return car;
    }

    public CommandVerifier verifier() {
        return verifier;
    }

    /** Messages answered 2.04. */
    public long stored() {
        return stored.get();
    }

    /** Messages refused for good (4.00 and the like). */
    public long refused() {
        return refused.get();
    }

    /** Whether the car observes its commands now. */
    public boolean observing() {
        CoapObserveRelation relation = observation;
        return relation != null && !relation.isCanceled();
    }

    private CoapClient client(String path) {
        CoapClient client = new CoapClient(base.resolve(path).toString());
        client.setEndpoint(endpoint);
        client.setTimeout(10_000L);
        return client;
    }

    private String path(String resource) {
        String path = "/v1/vehicles/" + credentials.vin() + "/" + resource;
        return secure ? path : path + "?t=" + token;
    }

    private static CoapEndpoint dtlsEndpoint(VehicleCredentials credentials) {
        Configuration configuration = Configuration.createStandardWithoutFile();
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(configuration)
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
                // 0: the car asks for no connection id of its own, and uses the gateway's
                .set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, 0)
                .setAdvancedPskStore(
                        new AdvancedSinglePskStore(credentials.vin(), VehicleKeys.dtlsPsk(credentials.secret())))
                .build();
        return new CoapEndpoint.Builder()
                .setConfiguration(configuration)
                .setConnector(new DTLSConnector(dtls))
                .build();
    }

    private void login() {
        if (secure) {
            return;
        }
        CoapLogin login = CoapLogin.newBuilder()
                .setVin(credentials.vin())
                .setSecret(credentials.secret())
                .build();
        CoapResponse response;
        try {
            response = client("/v1/auth").post(login.toByteArray(), MediaTypeRegistry.APPLICATION_OCTET_STREAM);
        } catch (Exception e) {
            throw new IllegalStateException("coap login of " + credentials.vin() + " failed: " + e.getMessage(), e);
        }
        if (response == null || response.getCode() != ResponseCode.CREATED) {
            throw new IllegalStateException("coap login of " + credentials.vin() + " refused: "
                    + (response == null ? "no answer" : response.getCode() + " " + response.getResponseText()));
        }
        try {
            token = CoapSession.parseFrom(response.getPayload()).getToken();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("the gateway answered a login that is not a CoapSession", e);
        }
    }

    private void observe() {
        CoapObserveRelation previous = observation;
        observation = client(path("commands")).observe(new CoapHandler() {
            @Override
            public void onLoad(CoapResponse response) {
                if (closed) {
                    return; // the answer to the car's own cancellation, after its thread stopped
                }
                if (response.getCode() == ResponseCode.CONTENT) {
                    byte[] payload = response.getPayload();
                    thread.execute(() -> handleBatch(payload));
                } else if (response.getCode() == ResponseCode.UNAUTHORIZED) {
                    thread.execute(() -> relogin());
                }
            }

            @Override
            public void onError() {
                LOG.debug("observation failed [vin: {}]", credentials.vin());
            }
        });
        lastObserveNanos = System.nanoTime();
        if (previous != null) {
            previous.proactiveCancel();
        }
    }

    private void relogin() {
        if (closed) {
            return;
        }
        try {
            login();
            observe();
        } catch (RuntimeException e) {
            LOG.warn(
                    "coap car could not log in again, retrying [vin: {}, cause: {}]",
                    credentials.vin(),
                    e.getMessage());
        }
    }

    private void handleBatch(byte[] payload) {
        CommandBatch batch;
        try {
            batch = CommandBatch.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            LOG.warn("undecodable command batch ignored [vin: {}]", credentials.vin());
            return;
        }
        List<String> ids = new ArrayList<>();
        for (SignedCommand signed : batch.getCommandsList()) {
            CommandVerifier.Verdict verdict = verifier.verify(signed.toByteArray());
            if (verdict.unreadable()) {
                continue;
            }
            ids.add(verdict.commandId());
            if (!decided.add(verdict.commandId())) {
                continue; // carried again until the gateway has our acknowledgement
            }
            if (!verdict.accepted()) {
                send(
                        "command-results",
                        CommandResult.newBuilder()
                                .setCommandId(verdict.commandId())
                                .setStatus(CommandOutcome.COMMAND_OUTCOME_REJECTED)
                                .setReason(verdict.fault())
                                .setDetail(verdict.detail())
                                .setTimestampMs(car.clock().millis())
                                .setTrustedKeyId(verifier.newestKeyId())
                                .build()
                                .toByteArray());
                continue;
            }
            Command command = verdict.command();
            for (CommandResult result : car.execute(command)) {
                send(
                        "command-results",
                        result.toBuilder()
                                .setTrustedKeyId(verifier.newestKeyId())
                                .build()
                                .toByteArray());
            }
        }
        if (!ids.isEmpty()) {
            send(
                    "command-acks",
                    CommandAcks.newBuilder().addAllCommandIds(ids).build().toByteArray());
        }
    }

    private void tick() {
        try {
            long now = System.nanoTime();
            car.step(Duration.ofNanos(Math.round((now - lastTickNanos) * timeScale)));
            lastTickNanos = now;
            for (CommandResult result : car.drainResults()) {
                send(
                        "command-results",
                        result.toBuilder()
                                .setTrustedKeyId(verifier.newestKeyId())
                                .build()
                                .toByteArray());
            }
            for (VehicleEvent event : car.drainEvents()) {
                send("events", event.toByteArray());
            }
            if (now - lastTelemetryNanos >= telemetryInterval.toNanos()) {
                lastTelemetryNanos = now;
                send("telemetry", car.telemetry().toByteArray());
            }
            if (now - lastObserveNanos >= REOBSERVE.toNanos() || !observing()) {
                observe();
            }
            flush();
        } catch (RuntimeException e) {
            LOG.error("coap car tick failed [vin: {}]", credentials.vin(), e);
        }
    }

    private void send(String resource, byte[] payload) {
        outbox.add(new Outgoing(resource, payload));
        flush();
    }

    /** Sends the oldest message, one at a time, in order; the answer decides whether it leaves the outbox. */
    private void flush() {
        if (sending || outbox.isEmpty() || closed || System.nanoTime() < retryAtNanos) {
            return;
        }
        sending = true;
        Outgoing next = outbox.peek();
        client(path(next.resource()))
                .post(
                        new CoapHandler() {
                            @Override
                            public void onLoad(CoapResponse response) {
                                thread.execute(() -> answered(next, response));
                            }

                            @Override
                            public void onError() {
                                thread.execute(() -> answered(next, null));
                            }
                        },
                        next.payload(),
                        MediaTypeRegistry.APPLICATION_OCTET_STREAM);
    }

    private void answered(Outgoing message, CoapResponse response) {
        sending = false;
        if (response == null) {
            retryAtNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(1); // no answer: the same message again
        } else if (response.getCode() == ResponseCode.CHANGED) {
            outbox.poll();
            stored.incrementAndGet();
        } else if (response.getCode() == ResponseCode.SERVICE_UNAVAILABLE) {
            Long maxAge = response.getOptions().getMaxAge();
            retryAtNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxAge == null ? 5 : maxAge);
        } else if (response.getCode() == ResponseCode.UNAUTHORIZED) {
            relogin();
        } else {
            outbox.poll();
            refused.incrementAndGet();
            LOG.warn(
                    "gateway refused a message for good [vin: {}, resource: {}, code: {}, reason: {}]",
                    credentials.vin(),
                    message.resource(),
                    response.getCode(),
                    response.getResponseText());
        }
        flush();
    }

    /**
     * Powers the car down cleanly: cancels the observation (so the gateway takes it offline at once rather than
     * after its presence timeout), gives the cancellation a moment to leave, then closes the endpoint.
     */
    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
        CoapObserveRelation relation = observation;
        if (relation != null) {
            relation.proactiveCancel();
            try {
                Thread.sleep(CANCEL_GRACE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        endpoint.destroy();
    }
}
