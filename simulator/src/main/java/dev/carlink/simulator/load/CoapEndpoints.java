package dev.carlink.simulator.load;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;

/** One Californium UDP endpoint per source address, shared by the CoAP load cars that bind it. */
final class CoapEndpoints implements AutoCloseable {

    static {
        CoapConfig.register();
        UdpConfig.register();
    }

    private final Map<String, CoapEndpoint> bySource = new ConcurrentHashMap<>();

    CoapEndpoint of(String sourceAddress) {
        return bySource.computeIfAbsent(sourceAddress, source -> {
            CoapEndpoint endpoint = new CoapEndpoint.Builder()
                    .setConfiguration(Configuration.createStandardWithoutFile())
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
