package dev.carlink.gateway.mqtt;

import io.vertx.mqtt.MqttEndpoint;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The VIN a car's client certificate names (subject CN), when it connected over TLS with one. The TLS handshake
 * already checked the certificate against the fleet CA; a car without a certificate logs in with its password.
 */
final class ClientCertificates {

    private ClientCertificates() {}

    static Optional<String> vin(MqttEndpoint endpoint) {
        if (!endpoint.isSsl()) {
            return Optional.empty();
        }
        SSLSession session = endpoint.sslSession();
        if (session == null) {
            return Optional.empty();
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                return Optional.empty();
            }
            return commonName(leaf.getSubjectX500Principal().getName());
        } catch (SSLPeerUnverifiedException none) {
            return Optional.empty();
        }
    }

    static Optional<String> commonName(String distinguishedName) {
        try {
            for (Rdn rdn : new LdapName(distinguishedName).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    return Optional.of(String.valueOf(rdn.getValue()));
                }
            }
            return Optional.empty();
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
    }
}
