package dev.carlink.app.fuzz;

import dev.carlink.proto.v1.CoapLogin;
import dev.carlink.proto.v1.CoapSession;
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

/**
 * A legitimate CoAP car (Californium, its own endpoint): logs in, observes its commands for the whole run and
 * POSTs telemetry as confirmable requests; each must be answered 2.04 (stored).
 */
final class CoapLegitCar extends LegitCar {

    private static final long WAIT_MS = 15_000;

    static {
        CoapConfig.register();
        UdpConfig.register();
    }

    private final String base;
    private final String secret;
    private CoapEndpoint endpoint;
    private CoapClient telemetry;
    private volatile CoapObserveRelation observation;

    /** @param base the gateway, {@code coap://127.0.0.1:port} */
    CoapLegitCar(String base, String vin, String secret) {
        super(vin, "coap");
        this.base = base;
        this.secret = secret;
    }

    /** Logs in on a fresh endpoint; returns the token. Also what a probe does to see that logins still work. */
    static String login(CoapEndpoint endpoint, String base, String vin, String secret) throws Exception {
        CoapClient auth = new CoapClient(base + "/v1/auth");
        auth.setEndpoint(endpoint);
        auth.setTimeout(WAIT_MS);
        CoapResponse response = auth.post(
                CoapLogin.newBuilder().setVin(vin).setSecret(secret).build().toByteArray(),
                MediaTypeRegistry.APPLICATION_OCTET_STREAM);
        if (response == null || response.getCode() != ResponseCode.CREATED) {
            throw new IllegalStateException("coap login of " + vin + ": "
                    + (response == null ? "no answer" : response.getCode() + " " + response.getResponseText()));
        }
        return CoapSession.parseFrom(response.getPayload()).getToken();
    }

    /**
     * The honest fleet's own source address. The fuzzers send from 127.0.0.1, and the gateway blocks an address
     * whose logins keep failing (as the fuzzer's wrong secrets do): honest cars are not behind the attacker's
     * address here.
     */
    static final String HONEST_HOST = "127.0.0.2";

    static CoapEndpoint newEndpoint() {
        return new CoapEndpoint.Builder()
                .setConfiguration(Configuration.createStandardWithoutFile())
                .setInetSocketAddress(new java.net.InetSocketAddress(HONEST_HOST, 0))
                .build();
    }

    @Override
    void connect() throws Exception {
        endpoint = newEndpoint();
        String token = login(endpoint, base, vin, secret);
        String car = base + "/v1/vehicles/" + vin + "/";
        CoapClient commands = new CoapClient(car + "commands?t=" + token);
        commands.setEndpoint(endpoint);
        commands.setTimeout(WAIT_MS);
        observation = commands.observeAndWait(new CoapHandler() {
            @Override
            public void onLoad(CoapResponse response) {
                if (response.getCode() != ResponseCode.CONTENT) {
                    problems.add("commands notification " + response.getCode() + " " + response.getResponseText());
                }
            }

            @Override
            public void onError() {
                problems.add("observation of its commands failed");
            }
        });
        if (observation == null || observation.isCanceled()) {
            throw new IllegalStateException("coap car " + vin + " could not observe its commands");
        }
        telemetry = new CoapClient(car + "telemetry?t=" + token);
        telemetry.setEndpoint(endpoint);
        telemetry.setTimeout(WAIT_MS);
    }

    @Override
    String send(byte[] body) throws Exception {
        CoapResponse response = telemetry.post(body, MediaTypeRegistry.APPLICATION_OCTET_STREAM);
        if (response == null) {
            return "no answer";
        }
        return response.getCode() == ResponseCode.CHANGED
                ? null
                : response.getCode() + " " + response.getResponseText();
    }

    @Override
    boolean healthy() {
        CoapObserveRelation relation = observation;
        return relation != null && !relation.isCanceled();
    }

    @Override
    void disconnect() {
        CoapObserveRelation relation = observation;
        if (relation != null) {
            relation.proactiveCancel();
        }
        if (endpoint != null) {
            endpoint.destroy();
        }
    }
}
