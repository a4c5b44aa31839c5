package dev.carlink.gateway.coap;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the CoAP edge. Every field is validated at construction; all problems are reported at once.
 *
 * @param enabled whether the CoAP server runs at all
 * @param port UDP port of the CoAP server; 0 binds any free port
 * @param dtlsEnabled whether CoAP over DTLS (per-car pre-shared keys, Connection ID) runs too
 * @param dtlsPort UDP port of CoAP over DTLS; 0 binds any free port
 * @param sessionTtl how long a login's token works; the car logs in again after it
 * @param presenceTimeout a car that sent nothing for this long is offline (cars observe their commands and
 *     register again, or send telemetry, well within it)
 * @param maxPayload largest request body, in bytes; a larger one is answered 4.13
 * @param dedupCapacity most requests each endpoint remembers at once to answer a retransmission with the first
 *     answer (for at most the exchange lifetime, 247 s); when full, the oldest are forgotten first
 */
public record CoapConfig(
        boolean enabled,
        int port,
        boolean dtlsEnabled,
        int dtlsPort,
        Duration sessionTtl,
        Duration presenceTimeout,
        int maxPayload,
        int dedupCapacity) {

    /** The IANA port for CoAP without DTLS. */
    public static final int DEFAULT_PORT = 5683;

    /** The IANA port for CoAP over DTLS. */
    public static final int DEFAULT_DTLS_PORT = 5684;

    public CoapConfig {
        List<String> problems = new ArrayList<>();
        if (port < 0 || port > 65_535) {
            problems.add("port must be between 0 and 65535, was " + port);
        }
        if (dtlsPort < 0 || dtlsPort > 65_535) {
            problems.add("dtlsPort must be between 0 and 65535, was " + dtlsPort);
        }
        if (enabled && dtlsEnabled && port != 0 && port == dtlsPort) {
            problems.add("port and dtlsPort must differ, both were " + port);
        }
        if (sessionTtl == null || sessionTtl.compareTo(Duration.ofMinutes(1)) < 0) {
            problems.add("sessionTtl must be at least PT1M, was " + sessionTtl);
        }
        if (presenceTimeout == null || presenceTimeout.compareTo(Duration.ofSeconds(5)) < 0) {
            problems.add("presenceTimeout must be at least PT5S, was " + presenceTimeout);
        }
        if (maxPayload < 64 || maxPayload > 1 << 20) {
            problems.add("maxPayload must be between 64 and 1048576 bytes, was " + maxPayload);
        }
        if (dedupCapacity < 1_000 || dedupCapacity > 10_000_000) {
            problems.add("dedupCapacity must be between 1000 and 10000000, was " + dedupCapacity);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid CoAP config: " + String.join("; ", problems));
        }
    }

    /** Requests each endpoint remembers for duplicate detection by default: about 40 MB at most. */
    public static final int DEFAULT_DEDUP_CAPACITY = 16_384;

    /**
     * On ports 5683 and 5684 (DTLS), 1-hour sessions, offline after 90 s of silence, 16 KiB bodies, 16,384
     * requests remembered per endpoint.
     */
    public static CoapConfig defaults() {
        return new CoapConfig(
                true,
                DEFAULT_PORT,
                true,
                DEFAULT_DTLS_PORT,
                Duration.ofHours(1),
                Duration.ofSeconds(90),
                16_384,
                DEFAULT_DEDUP_CAPACITY);
    }

    /** This config on another port (0: any free one). */
    public CoapConfig withPort(int otherPort) {
        return new CoapConfig(
                enabled, otherPort, dtlsEnabled, dtlsPort, sessionTtl, presenceTimeout, maxPayload, dedupCapacity);
    }

    /** This config with DTLS on another port (0: any free one). */
    public CoapConfig withDtlsPort(int otherPort) {
        return new CoapConfig(
                enabled, port, dtlsEnabled, otherPort, sessionTtl, presenceTimeout, maxPayload, dedupCapacity);
    }
}
