package dev.carlink.gateway.coap;

import java.net.InetSocketAddress;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.MessageExchangeStore;
import org.eclipse.californium.core.network.serialization.DataParser;
import org.eclipse.californium.core.network.serialization.UdpDataSerializer;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedPskStore;

/**
 * The gateway's CoAP-over-DTLS endpoint: server role only, pre-shared keys (the store decides per car), and
 * DTLS 1.2 Connection IDs (RFC 9146). With a Connection ID a car's records are matched to its session by the
 * id, not by its address, so a car whose NAT mapping changed keeps its session and the gateway answers at the
 * new address, without a new handshake.
 */
final class DtlsEndpoints {

    /** Length of the Connection IDs the gateway hands out: 2^48 ids, far more than cars. */
    static final int CONNECTION_ID_LENGTH = 6;

    static {
        DtlsConfig.register();
    }

    private DtlsEndpoints() {}

    static CoapEndpoint server(
            Configuration californium,
            InetSocketAddress address,
            AdvancedPskStore keys,
            MessageExchangeStore exchanges,
            DataParser parser) {
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(californium)
                .setAddress(address)
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY)
                .set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, CONNECTION_ID_LENGTH)
                .set(DtlsConfig.DTLS_RECEIVE_BUFFER_SIZE, CoapGatewayVerticle.UDP_BUFFER_BYTES)
                .set(DtlsConfig.DTLS_SEND_BUFFER_SIZE, CoapGatewayVerticle.UDP_BUFFER_BYTES)
                .setAdvancedPskStore(keys)
                .build();
        return new CoapEndpoint.Builder()
                .setConfiguration(californium)
                .setConnector(new DTLSConnector(dtls))
                .setMessageExchangeStore(exchanges)
                .setDataSerializerAndParser(new UdpDataSerializer(), parser)
                .build();
    }
}
