package dev.carlink.simulator.load;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;

/**
 * Californium UDP endpoints for the CoAP load cars: one per {@value #CARS_PER_ENDPOINT} cars and source address.
 * A CoAP endpoint may not reuse a message id towards the same peer within the exchange lifetime (247 s), so one
 * socket sustains only about 265 confirmable messages a second; real cars each have their own.
 */
final class CoapEndpoints implements AutoCloseable {

    /** Cars sharing one socket: well under its message-id budget at the rates a load run offers. */
    static final int CARS_PER_ENDPOINT = 10;

    static {
        CoapConfig.register();
        UdpConfig.register();
    }

    private final Map<String, CoapEndpoint> bySource = new ConcurrentHashMap<>();

    /** The endpoint for the fleet's car {@code carIndex}, bound to {@code sourceAddress}. */
    CoapEndpoint of(String sourceAddress, int carIndex) {
        String key = sourceAddress + "#" + carIndex / CARS_PER_ENDPOINT;
        return bySource.computeIfAbsent(key, k -> {
            String source = sourceAddress;
            Configuration configuration = Configuration.createStandardWithoutFile();
            // hundreds of cars share this socket: the kernel's default UDP buffer would drop their answers
            configuration.set(UdpConfig.UDP_RECEIVE_BUFFER_SIZE, 4 << 20);
            configuration.set(UdpConfig.UDP_SEND_BUFFER_SIZE, 4 << 20);
            CoapEndpoint endpoint = new CoapEndpoint.Builder()
                    .setConfiguration(configuration)
                    .setInetSocketAddress(new InetSocketAddress(source, 0))
                    .build();
            try {
                endpoint.start();
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot bind a CoAP endpoint on " + source + ": " + e.getMessage(), e);
            }
            return endpoint;
        });
    }

    @Override
    public void close() {
        bySource.values().forEach(CoapEndpoint::destroy);
        bySource.clear();
    }
}
