package dev.carlink.gateway.coap;

import dev.carlink.proto.VinFormat;
import java.util.Map;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;

/**
 * {@code /v1/vehicles}: resolves {@code {vin}/...} without keeping a resource per VIN that anyone may name. The
 * message resources are shared (they read the VIN from the path); {@code commands} is the car's own observable
 * resource, which exists once the car logged in on this gateway, and for a car speaking over DTLS from its first
 * request on ({@link DtlsCarDeliverer}). A request for the commands of a car without one is authorized like any
 * other: 4.01 without a valid token, 4.03 for another car's.
 */
final class VehiclesResource extends CoapResource {

    private final CoapCars cars;
    private final Map<String, Resource> shared;
    private final Resource notLoggedIn;

    /** @param shared the resources every car shares, by name: telemetry, events, command-results, command-acks */
    VehiclesResource(CoapCars cars, Map<String, Resource> shared, CoapRequests requests) {
        super("vehicles");
        this.cars = cars;
        this.shared = Map.copyOf(shared);
        this.notLoggedIn = new CoapResource("commands") {
            @Override
            public void handleGET(CoapExchange exchange) {
                // authorized first: another car's commands are 4.03 whether or not that car is on this gateway, so
                // the answer does not tell a car which others are connected
                requests.authorize(exchange).ifPresent(vin -> cars.car(vin)
                        .ifPresentOrElse(
                                // a DTLS car's state is made before routing (DtlsCarDeliverer); one that was
                                // made only now (revoked and swept in between) is answered, and observed next time
                                car -> exchange.respond(CoapRequests.bytes(
                                        ResponseCode.CONTENT, car.batch().toByteArray())),
                                () -> requests.refuse(
                                        exchange,
                                        ResponseCode.UNAUTHORIZED,
                                        "not-logged-in",
                                        "log in first (POST /v1/auth)")));
            }
        };
    }

    @Override
    public Resource getChild(String vin) {
        if (!VinFormat.isValid(vin)) {
            return null; // 4.04; and no resource named after arbitrary bytes (found by the fuzz run)
        }
        return new CoapResource(vin) {
            @Override
            public Resource getChild(String name) {
                if (name.equals("commands")) {
                    return cars.car(vin).<Resource>map(CoapCar::commands).orElse(notLoggedIn);
                }
                return shared.get(name);
            }
        };
    }
}
