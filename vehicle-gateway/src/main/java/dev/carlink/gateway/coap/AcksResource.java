package dev.carlink.gateway.coap;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.v1.CommandAcks;
import java.util.Optional;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.server.resources.CoapExchange;

/**
 * {@code POST /v1/vehicles/{vin}/command-acks} with {@code CommandAcks}: the car holds these commands. They leave
 * its batch and their transport acknowledgements go to the backend; an id not in the batch (already
 * acknowledged) is ignored, so a repeated POST is harmless. 2.04, or 4.00 for a body that is not CommandAcks.
 */
final class AcksResource extends CoapResource {

    private final CoapCars cars;
    private final CoapRequests requests;
    private final CoapCommandsHandler commands;

    AcksResource(CoapCars cars, CoapRequests requests, CoapCommandsHandler commands) {
        super("command-acks");
        this.cars = cars;
        this.requests = requests;
        this.commands = commands;
    }

    @Override
    public void handlePOST(CoapExchange exchange) {
        Optional<String> vin = requests.authorize(exchange);
        if (vin.isEmpty()) {
            return;
        }
        CommandAcks acks;
        try {
            acks = CommandAcks.parseFrom(exchange.getRequestPayload());
        } catch (InvalidProtocolBufferException e) {
            requests.refuse(
                    exchange,
                    ResponseCode.BAD_REQUEST,
                    "malformed-payload",
                    "the body is not a vehicle.v1.CommandAcks");
            return;
        }
        cars.car(vin.get()).ifPresent(car -> commands.acknowledged(car, acks.getCommandIdsList()));
        exchange.respond(ResponseCode.CHANGED);
    }
}
