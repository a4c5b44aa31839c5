package dev.carlink.gateway.coap;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;

/**
 * What every CoAP resource of a car checks and answers: the car must be the one of the path ({@code
 * /v1/vehicles/{vin}/...}), proven by its DTLS session or, on plain CoAP, by the login token in the query ({@code
 * t=...}); refusals carry a plain-text reason and are counted ({@code carlink.gateway.coap.refused{reason}}).
 */
final class CoapRequests {

    private final CoapCars cars;
    private final MeterRegistry metrics;
    private Function<String, CoapCar> newCar;

    CoapRequests(CoapCars cars, MeterRegistry metrics) {
        this.cars = cars;
        this.metrics = metrics;
    }

    /** How a car's state is made the first time it logs in or speaks over DTLS. */
    void carFactory(Function<String, CoapCar> factory) {
        this.newCar = factory;
    }

    /** The car's state, made on its first login or DTLS request. */
    CoapCar newCar(String vin) {
        return newCar.apply(vin);
    }

    /**
     * Before a request is routed: a car speaking over DTLS for its own VIN gets its state now, as {@link #authorize}
     * would give it (the handshake authenticated the car), so that its first request already finds the car's own
     * resources; above all, a first GET observing {@code commands} registers with the car's observable resource.
     * Any other request is left to {@link #authorize}.
     */
    void admitDtlsCar(Request request) {
        if (request.getSourceContext().getPeerIdentity() instanceof PreSharedKeyIdentity psk) {
            List<String> path = request.getOptions().getUriPath();
            if (path.size() > 2 && path.get(2).equals(psk.getIdentity())) {
                cars.secured(psk.getIdentity(), this::newCar);
            }
        }
    }

    /**
     * The VIN of a request that may act for the car of its path; otherwise answered, and empty. Over DTLS the
     * handshake authenticated the car (PSK identity = VIN), so no token is needed; over plain CoAP the login
     * token must be valid and for that VIN.
     */
    Optional<String> authorize(CoapExchange exchange) {
        List<String> path = exchange.getRequestOptions().getUriPath();
        String vin = path.size() > 2 ? path.get(2) : "";
        Principal peer = exchange.advanced().getRequest().getSourceContext().getPeerIdentity();
        if (peer instanceof PreSharedKeyIdentity psk) {
            String identity = psk.getIdentity();
            if (!identity.equals(vin)) {
                refuse(
                        exchange,
                        ResponseCode.FORBIDDEN,
                        "other-vin",
                        "this DTLS session is not for vehicle '" + vin + "'");
                return Optional.empty();
            }
            CoapCar car = cars.secured(vin, this::newCar);
            car.seen();
            if (exchange.getRequestCode() != CoAP.Code.GET) {
                // a GET is an observation (re)registering, or a notification being built: nothing to follow
                car.commands().follow(exchange.advanced().getRequest().getSourceContext());
            }
            return Optional.of(vin);
        }
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

    /** Answers a prepared refusal, and counts it. */
    void refuse(CoapExchange exchange, Response response, String reason) {
        metrics.counter("carlink.gateway.coap.refused", "reason", reason).increment();
        exchange.respond(response);
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
