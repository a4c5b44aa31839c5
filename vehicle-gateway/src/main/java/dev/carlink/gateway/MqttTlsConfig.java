package dev.carlink.gateway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * MQTT over TLS. Every field is validated at construction; all problems are reported at once.
 *
 * @param enabled whether the TLS listener runs
 * @param port TCP port of MQTT over TLS; 0 binds any free port
 * @param certificate the server's certificate chain (PEM); with {@code privateKey}. Both absent: a self-signed
 *     certificate for {@code localhost} is made at start-up (for the demo; its path is logged)
 * @param privateKey the server's private key (PEM, PKCS#8)
 * @param clientCa certificates (PEM) that sign the cars' client certificates; when set, a car may authenticate
 *     with a certificate whose subject CN is its VIN instead of a password (mutual TLS)
 */
public record MqttTlsConfig(
        boolean enabled, int port, Optional<Path> certificate, Optional<Path> privateKey, Optional<Path> clientCa) {

    /** The IANA port for MQTT over TLS. */
    public static final int DEFAULT_PORT = 8883;

    public MqttTlsConfig {
        List<String> problems = new ArrayList<>();
        if (port < 0 || port > 65_535) {
            problems.add("port must be between 0 and 65535, was " + port);
        }
        if (certificate == null || privateKey == null || clientCa == null) {
            problems.add("certificate, privateKey and clientCa must be given (Optional.empty() when absent)");
        } else {
            if (certificate.isPresent() != privateKey.isPresent()) {
                problems.add("certificate and privateKey go together: give both or neither");
            }
            for (Optional<Path> file : List.of(certificate, privateKey, clientCa)) {
                file.filter(path -> enabled && !Files.isReadable(path))
                        .ifPresent(path -> problems.add("cannot read " + path));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid MQTT TLS config: " + String.join("; ", problems));
        }
    }

    /** TLS on 8883 with a self-signed certificate, no client certificates. */
    public static MqttTlsConfig defaults() {
        return new MqttTlsConfig(true, DEFAULT_PORT, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** No TLS listener. */
    public static MqttTlsConfig disabled() {
        return new MqttTlsConfig(false, DEFAULT_PORT, Optional.empty(), Optional.empty(), Optional.empty());
    }

    public MqttTlsConfig withPort(int other) {
        return new MqttTlsConfig(enabled, other, certificate, privateKey, clientCa);
    }
}
