package dev.carlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.carlink.gateway.mqtt.MqttLimits;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT over TLS with a real Paho client: the server's certificate from files, a car with its password, a car
 * authenticated by its client certificate alone (mutual TLS, CN = VIN, signed by the fleet CA), and the refusals: a
 * certificate for another VIN, one the fleet CA did not sign, a client that does not trust the server.
 */
class MqttTlsIT {

    @TempDir
    static Path dir;

    private static GatewayHarness gateway;
    private static SelfSignedCertificate server;
    /** The fleet CA: here one self-signed certificate per car, each trusted as its own CA. */
    private static SelfSignedCertificate carCertificate;

    private static String vin;

    @BeforeAll
    static void start() throws Exception {
        server = new SelfSignedCertificate("localhost");
        vin = GatewayHarness.newVin();
        carCertificate = new SelfSignedCertificate(vin);
        Path fleetCa = Files.copy(carCertificate.certificate().toPath(), dir.resolve("fleet-ca.pem"));
        MqttTlsConfig tls = new MqttTlsConfig(
                true,
                0,
                Optional.of(server.certificate().toPath()),
                Optional.of(server.privateKey().toPath()),
                Optional.of(fleetCa));
        gateway = GatewayHarness.start(2_000, GatewayConfig.DEFAULT_MAX_MESSAGE_SIZE, MqttLimits.defaults(), tls);
        gateway.secrets.put(vin, "secret-" + vin.substring(9));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        server.delete();
        carCertificate.delete();
    }

    private static SSLContext context(SelfSignedCertificate trusted, SelfSignedCertificate clientCert)
            throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", trusted.cert());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientCert != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("car", clientCert.key(), new char[0], new Certificate[] {clientCert.cert()});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static MqttClient connect(String clientId, String password, SSLContext tls) throws MqttException {
        MqttClient client = new MqttClient("ssl://localhost:" + gateway.tlsPort(), clientId, new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setSocketFactory(tls.getSocketFactory());
        options.setHttpsHostnameVerificationEnabled(false);
        options.setConnectionTimeout(30);
        if (password != null) {
            options.setUserName(clientId);
            options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        client.connect(options);
        return client;
    }

    @Test
    void aCarWithItsPassword_connectsOverTls_andItsTelemetryIsStored() throws Exception {
        String car = gateway.newCar();
        MqttClient client = connect(car, gateway.secret(car), context(server, null));
        try {
            client.publish(
                    "v1/vehicles/" + car + "/telemetry", Fixtures.telemetry(1).toByteArray(), 1, false);
            assertThat(gateway.telemetry.received).anyMatch(t -> t.getVin().equals(car));
        } finally {
            client.disconnect();
            client.close();
        }
    }

    @Test
    void aCarWithItsClientCertificate_needsNoPassword() throws Exception {
        MqttClient client = connect(vin, null, context(server, carCertificate));
        try {
            assertThat(client.isConnected()).isTrue();
            assertThat(gateway.authRequests)
                    .filteredOn(r -> r.getVin().equals(vin))
                    .singleElement()
                    .satisfies(r -> {
                        assertThat(r.getClientCertificate()).isTrue();
                        assertThat(r.getSecret()).isEmpty();
                    });
        } finally {
            client.disconnect();
            client.close();
        }
    }

    @Test
    void aCertificateForOneVin_cannotConnectAsAnother() {
        String other = gateway.newCar();
        assertThatThrownBy(() -> connect(other, null, context(server, carCertificate)))
                .isInstanceOfSatisfying(
                        MqttException.class, e -> assertThat(e.getReasonCode()).isEqualTo(0x85));
        assertThat(gateway.meters
                        .counter(
                                "carlink.gateway.connect.refused",
                                "gateway",
                                "gateway-it",
                                "reason",
                                "certificate-mismatch")
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aCertificateTheFleetCaDidNotSign_failsTheHandshake() throws Exception {
        SelfSignedCertificate forged = new SelfSignedCertificate(vin);
        try {
            assertThatThrownBy(() -> connect(vin, null, context(server, forged)))
                    .isInstanceOf(MqttException.class);
        } finally {
            forged.delete();
        }
    }

    @Test
    void aClientThatDoesNotTrustTheServer_refusesToConnect() throws Exception {
        SelfSignedCertificate stranger = new SelfSignedCertificate("localhost");
        try {
            String car = gateway.newCar();
            assertThatThrownBy(() -> connect(car, gateway.secret(car), context(stranger, null)))
                    .isInstanceOf(MqttException.class);
        } finally {
            stranger.delete();
        }
    }
}
