package dev.carlink.gateway;

import dev.carlink.gateway.coap.CoapConfig;
import dev.carlink.gateway.coap.CoapGatewayVerticle;
import java.time.Clock;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;

/** The CoAP side of the gateway tests: the CoAP edge on a harness's Vert.x, and a car's client. */
final class CoapTestClient {

    private CoapTestClient() {}

    /** Deploys the CoAP edge, on any free UDP port, next to the harness's stand-ins. */
    static CoapGatewayVerticle deploy(GatewayHarness harness) {
        return deploy(harness, CoapConfig.defaults().withPort(0).withDtlsPort(0));
    }

    /** Deploys the CoAP edge with {@code config}. */
    static CoapGatewayVerticle deploy(GatewayHarness harness, CoapConfig config) {
        CoapGatewayVerticle coap = new CoapGatewayVerticle(
                GatewayConfig.defaults().withMqttPort(0), config, harness.meters, Clock.systemUTC());
        GatewayHarness.await(harness.vertx.deployVerticle(coap));
        return coap;
    }

    /** A client with its own endpoint, as a car has. */
    static CoapClient client(String uri) {
        CoapClient client = new CoapClient(uri);
        client.setEndpoint(new CoapEndpoint.Builder()
                .setConfiguration(Configuration.createStandardWithoutFile())
                .build());
        client.setTimeout(5_000L);
        return client;
    }

    /**
     * A client speaking CoAP over DTLS with a pre-shared key, as a car does: identity {@code identity}, key
     * {@code psk}, and Connection IDs (the car asks for none of its own, and uses the gateway's).
     */
    static CoapClient dtlsClient(String uri, String identity, byte[] psk) {
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(Configuration.createStandardWithoutFile())
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
                .set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, 0)
                .setAdvancedPskStore(new AdvancedSinglePskStore(identity, psk))
                .build();
        CoapClient client = new CoapClient(uri);
        client.setEndpoint(new CoapEndpoint.Builder()
                .setConfiguration(Configuration.createStandardWithoutFile())
                .setConnector(new DTLSConnector(dtls))
                .build());
        client.setTimeout(5_000L);
        return client;
    }

    /** Observes a car's {@code commands} resource with {@code client}, adding every batch notified to {@code seen}. */
    static org.eclipse.californium.core.CoapObserveRelation observeBatches(
            CoapClient client, java.util.List<dev.carlink.proto.v1.CommandBatch> seen) {
        return client.observe(new org.eclipse.californium.core.CoapHandler() {
            @Override
            public void onLoad(CoapResponse response) {
                try {
                    seen.add(dev.carlink.proto.v1.CommandBatch.parseFrom(response.getPayload()));
                } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                    throw new IllegalStateException("a notification that is not a CommandBatch", e);
                }
            }

            @Override
            public void onError() {}
        });
    }

    /** One confirmable POST of protobuf bytes, answered or null after 5 s. */
    static CoapResponse post(String uri, byte[] body) throws Exception {
        CoapClient client = client(uri);
        try {
            return client.post(body, MediaTypeRegistry.APPLICATION_OCTET_STREAM);
        } finally {
            client.shutdown();
        }
    }
}
