package dev.carlink.gateway;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.mqtt.MqttServerOptions;

/**
 * The TLS side of the MQTT server: the configured certificate, or a self-signed one for {@code localhost} made at
 * start-up for the demo; and, with a client CA, client certificates requested (mutual TLS: a car that presents one
 * signed by the CA is authenticated by it; a car without one logs in with its password).
 */
final class TlsServerOptions {

    private final KeyCertOptions keyCert;
    private final String description;
    private final MqttTlsConfig config;

    private TlsServerOptions(MqttTlsConfig config, KeyCertOptions keyCert, String description) {
        this.config = config;
        this.keyCert = keyCert;
        this.description = description;
    }

    static TlsServerOptions of(MqttTlsConfig config, String gatewayId) {
        if (config.certificate().isPresent()) {
            return new TlsServerOptions(
                    config,
                    new PemKeyCertOptions()
                            .setCertPath(config.certificate().get().toString())
                            .setKeyPath(config.privateKey().orElseThrow().toString()),
                    config.certificate().get().toString());
        }
        SelfSignedCertificate generated = SelfSignedCertificate.create("localhost");
        return new TlsServerOptions(
                config,
                generated.keyCertOptions(),
                "self-signed for localhost, generated for " + gatewayId + " at " + generated.certificatePath());
    }

    MqttServerOptions apply(MqttServerOptions options) {
        options.setSsl(true).setKeyCertOptions(keyCert);
        config.clientCa().ifPresent(ca -> options.setClientAuth(ClientAuth.REQUEST)
                .setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
        return options;
    }

    /** Where the server's certificate comes from, for the start-up log. */
    String certificateDescription() {
        return description;
    }
}
