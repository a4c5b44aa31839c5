package dev.carlink.gateway.coap;

import java.net.InetSocketAddress;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.observe.ObserveRelation;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.eclipse.californium.core.server.resources.ResourceObserver;
import org.eclipse.californium.elements.EndpointContext;

/**
 * {@code /v1/vehicles/{vin}/commands} of one car: GET answers its {@code CommandBatch}; observing it keeps the
 * car online and brings every change of the batch as a confirmable notification. When the last observation
 * ends (the car cancelled it, or a notification went unacknowledged) the car is offline.
 */
final class CommandsResource extends CoapResource {

    private final CoapCar car;
    private final CoapCommandsHandler handler;
    private volatile CoapRequests requests;

    CommandsResource(CoapCar car, CoapCommandsHandler handler) {
        super("commands");
        this.car = car;
        this.handler = handler;
        setObservable(true);
        setObserveType(CoAP.Type.CON);
        getAttributes().setObservable();
        addObserver(new ResourceObserver() {
            @Override
            public void changedName(String old) {}

            @Override
            public void changedPath(String old) {}

            @Override
            public void addedChild(Resource child) {}

            @Override
            public void removedChild(Resource child) {}

            @Override
            public void addedObserveRelation(ObserveRelation relation) {}

            @Override
            public void removedObserveRelation(ObserveRelation relation) {
                if (getObserverCount() == 0) {
                    handler.unobserved(car, "stopped observing its commands");
                }
            }
        });
    }

    /**
     * The car's DTLS session now reaches it at {@code current} (its NAT mapping changed; the Connection ID kept
     * the session). Observations registered from the old address are pointed at the new one and notified at
     * once, so no command waits for the car's next registration.
     */
    void follow(EndpointContext current) {
        InetSocketAddress now = current.getPeerAddress();
        boolean moved = false;
        // changed() visits every relation through the filter: the way to reach them in Californium
        java.util.List<ObserveRelation> stale = new java.util.ArrayList<>();
        changed(relation -> {
            if (!relation.getSource().equals(now)) {
                stale.add(relation);
            }
            return false;
        });
        for (ObserveRelation relation : stale) {
            relation.getExchange().getRequest().setSourceContext(current);
            moved = true;
        }
        if (moved) {
            changed(relation -> relation.getExchange().getRequest().getSourceContext() == current);
        }
    }

    /** Set once, by the verticle, before the car can reach the resource. */
    void requests(CoapRequests checks) {
        this.requests = checks;
    }

    @Override
    public void handleGET(CoapExchange exchange) {
        if (requests.authorize(exchange).isEmpty()) {
            return;
        }
        if (exchange.getRequestOptions().hasObserve()
                && exchange.getRequestOptions().getObserve() == 0) {
            handler.observed(car, String.valueOf(exchange.getSourceSocketAddress()));
        }
        exchange.respond(CoapRequests.bytes(ResponseCode.CONTENT, car.batch().toByteArray()));
    }
}
