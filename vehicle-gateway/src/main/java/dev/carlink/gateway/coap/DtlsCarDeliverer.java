package dev.carlink.gateway.coap;

import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.server.DelivererException;
import org.eclipse.californium.core.server.ServerMessageDeliverer;
import org.eclipse.californium.core.server.resources.Resource;
import org.eclipse.californium.elements.config.Configuration;

/**
 * Californium's routing, with one step first: a car speaking over DTLS gets its state before its request is
 * routed ({@link CoapRequests#admitDtlsCar}). Californium resolves the resource, and decides whether a GET
 * registers an observation with it, before any resource sees the request; without this step a DTLS car's very first
 * request, if it observed its {@code commands}, would reach the stand-in for cars without a session and be answered
 * once instead of observed.
 */
final class DtlsCarDeliverer extends ServerMessageDeliverer {

    private final CoapRequests requests;

    DtlsCarDeliverer(Resource root, Configuration config, CoapRequests requests) {
        super(root, config);
        this.requests = requests;
    }

    @Override
    protected Resource findResource(Exchange exchange) throws DelivererException {
        requests.admitDtlsCar(exchange.getRequest());
        return super.findResource(exchange);
    }
}
