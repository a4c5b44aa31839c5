package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.proto.v1.CoapLogin;
import dev.carlink.proto.v1.CoapSession;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;

/** A car's CoAP requests as the whole-system tests make them: its login, and single requests. */
final class CoapCalls {

    private CoapCalls() {}

    /** A plain CoAP client with an endpoint of its own, as a car has; answers within 5 s or null. */
    static CoapClient client(String uri) {
        CoapClient client = new CoapClient(uri);
        client.setEndpoint(new CoapEndpoint.Builder()
                .setConfiguration(Configuration.createStandardWithoutFile())
                .build());
        client.setTimeout(5_000L);
        return client;
    }

    /** A CoAP-over-DTLS client authenticated by the car's pre-shared key (identity: its VIN). */
    static CoapClient dtlsClient(String uri, String vin, byte[] psk) {
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(Configuration.createStandardWithoutFile())
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
                .set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, 0)
                .setAdvancedPskStore(new AdvancedSinglePskStore(vin, psk))
                .build();
        CoapClient client = new CoapClient(uri);
        client.setEndpoint(new CoapEndpoint.Builder()
                .setConfiguration(Configuration.createStandardWithoutFile())
                .setConnector(new DTLSConnector(dtls))
                .build());
        client.setTimeout(5_000L);
        return client;
    }

    /** Logs the car in on plain CoAP ({@code POST /v1/auth}) and returns its session token. */
    static String login(int port, String vin, String secret) throws Exception {
        CoapClient client = client("coap://127.0.0.1:" + port + "/v1/auth");
        try {
            CoapResponse answer = client.post(
                    CoapLogin.newBuilder().setVin(vin).setSecret(secret).build().toByteArray(),
                    MediaTypeRegistry.APPLICATION_OCTET_STREAM);
            assertThat(answer).as("an answer to the login of %s", vin).isNotNull();
            assertThat(answer.getCode()).as(answer.getResponseText()).isEqualTo(ResponseCode.CREATED);
            return CoapSession.parseFrom(answer.getPayload()).getToken();
        } finally {
            client.shutdown();
        }
    }

    /** {@code POST coap://127.0.0.1:port/v1/vehicles/{vin}/{resource}?t=token} with protobuf bytes. */
    static CoapResponse post(int port, String vin, String resource, String token, byte[] body) {
        CoapClient client = client(uri(port, vin, resource, token));
        try {
            return client.post(body, MediaTypeRegistry.APPLICATION_OCTET_STREAM);
        } catch (Exception e) {
            throw new IllegalStateException("POST " + resource + " failed", e);
        } finally {
            client.shutdown();
        }
    }

    static String uri(int port, String vin, String resource, String token) {
        return "coap://127.0.0.1:" + port + "/v1/vehicles/" + vin + "/" + resource + "?t=" + token;
    }
}
