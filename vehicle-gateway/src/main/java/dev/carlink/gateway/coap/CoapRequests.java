package dev.carlink.gateway.coap;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.server.resources.CoapExchange;

/**
 * What every CoAP resource of a car checks and answers: the login token in the query ({@code t=...}) must be
 * valid and for the VIN of the path ({@code /v1/vehicles/{vin}/...}); refusals carry a plain-text reason and are
 * counted ({@code carlink.gateway.coap.refused{reason}}).
 */
final class CoapRequests {

    private final CoapCars cars;
    private final MeterRegistry metrics;

    CoapRequests(CoapCars cars, MeterRegistry metrics) {
        this.cars = cars;
        this.metrics = metrics;
    }

    /** The VIN of a request whose token is valid for the car of its path; otherwise answered, and empty. */
    Optional<String> authorize(CoapExchange exchange) {
        List<String> path = exchange.getRequestOptions().getUriPath();
        String vin = path.size() > 2 ? path.get(2) : "";
        Optional<String> token = exchange.getRequestOptions().getUriQuery().stream()
                .filter(q -> q.startsWith("t="))
                .map(q -> q.substring(2))
                .findFirst();
        if (token.isEmpty()) {
            refuse(
                    exchange,
                    ResponseCode.UNAUTHORIZED,
                    "no-token",
                    "log in first (POST /v1/auth), then send ?t=<token>");
            return Optional.empty();
        }
        Optional<String> tokenVin = cars.vinOf(token.get());
        if (tokenVin.isEmpty()) {
            refuse(exchange, ResponseCode.UNAUTHORIZED, "bad-token", "unknown or expired token: log in again");
            return Optional.empty();
        }
        if (!tokenVin.get().equals(vin)) {
            refuse(exchange, ResponseCode.FORBIDDEN, "other-vin", "the token is not for vehicle '" + vin + "'");
            return Optional.empty();
        }
        cars.car(vin).ifPresent(CoapCar::seen);
        return tokenVin;
    }

    /** Answers a refusal with its reason as text, and counts it. */
    void refuse(CoapExchange exchange, ResponseCode code, String reason, String detail) {
        metrics.counter("carlink.gateway.coap.refused", "reason", reason).increment();
        exchange.respond(text(code, detail));
    }

    static Response text(ResponseCode code, String detail) {
        Response response = new Response(code);
        response.setPayload(detail.getBytes(StandardCharsets.UTF_8));
        response.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
        return response;
    }

    static Response bytes(ResponseCode code, byte[] payload) {
        Response response = new Response(code);
        response.setPayload(payload);
        response.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_OCTET_STREAM);
        return response;
    }
}
