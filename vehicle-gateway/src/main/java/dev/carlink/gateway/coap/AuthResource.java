package dev.carlink.gateway.coap;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.LoginThrottle;
import dev.carlink.proto.VinFormat;
import dev.carlink.proto.bus.v1.AuthReply;
import dev.carlink.proto.bus.v1.AuthRequest;
import dev.carlink.proto.v1.CoapLogin;
import dev.carlink.proto.v1.CoapSession;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.time.Duration;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.server.resources.CoapExchange;

/**
 * {@code POST /v1/auth} with a {@code CoapLogin}: the command-service checks the VIN and secret (as for an MQTT
 * CONNECT); 2.01 with a {@code CoapSession}, 4.01 for a wrong secret or unknown VIN (the same answer, so VINs
 * cannot be probed), 4.00 for a body that is not a login, 5.03 when the check cannot be made now, 4.29 (Max-Age
 * 60) for an address with too many failed logins, before any check. The secret is never logged.
 */
final class AuthResource extends CoapResource {

    /** Seconds a throttled address is told to wait (the Max-Age of the 4.29). */
    static final int THROTTLED_MAX_AGE_S = 60;

    private final CoapCars cars;
    private final CoapRequests requests;
    private final EventBus bus;
    private final DeliveryOptions busOptions;
    private final Duration sessionTtl;
    private final LoginThrottle throttle;

    AuthResource(
            CoapCars cars,
            CoapRequests requests,
            EventBus bus,
            DeliveryOptions busOptions,
            Duration sessionTtl,
            LoginThrottle throttle) {
        super("auth");
        this.cars = cars;
        this.requests = requests;
        this.bus = bus;
        this.busOptions = busOptions;
        this.sessionTtl = sessionTtl;
        this.throttle = throttle;
    }

    @Override
    public void handlePOST(CoapExchange exchange) {
        CoapLogin login;
        try {
            login = CoapLogin.parseFrom(exchange.getRequestPayload());
        } catch (InvalidProtocolBufferException e) {
            requests.refuse(
                    exchange, ResponseCode.BAD_REQUEST, "malformed-login", "the body is not a vehicle.v1.CoapLogin");
            return;
        }
        if (!VinFormat.isValid(login.getVin()) || login.getSecret().isEmpty()) {
            requests.refuse(
                    exchange, ResponseCode.BAD_REQUEST, "malformed-login", "a login needs a valid VIN and a secret");
            return;
        }
        String address = exchange.getSourceAddress().getHostAddress();
        if (throttle.blocked(address, login.getVin())) {
            Response busy = CoapRequests.text(
                    ResponseCode.TOO_MANY_REQUESTS, "too many failed logins from this address: try again later");
            busy.getOptions().setMaxAge(THROTTLED_MAX_AGE_S);
            requests.refuse(exchange, busy, "login-throttled");
            return;
        }
        exchange.accept();
        AuthRequest request = AuthRequest.newBuilder()
                .setVin(login.getVin())
                .setSecret(login.getSecret())
                .setRemoteAddress(String.valueOf(exchange.getSourceSocketAddress()))
                .build();
        bus.<Buffer>request(BusAddress.VEHICLE_AUTHENTICATE, Buffer.buffer(request.toByteArray()), busOptions)
                .onComplete(answer -> {
                    if (answer.failed()) {
                        requests.refuse(
                                exchange, ResponseCode.SERVICE_UNAVAILABLE, "auth-unavailable", "try again later");
                        return;
                    }
                    AuthReply reply;
                    try {
                        reply = AuthReply.parseFrom(answer.result().body().getBytes());
                    } catch (InvalidProtocolBufferException e) {
                        requests.refuse(
                                exchange, ResponseCode.SERVICE_UNAVAILABLE, "auth-unavailable", "try again later");
                        return;
                    }
                    if (!reply.getAuthenticated()) {
                        throttle.failed(address, login.getVin());
                        requests.refuse(
                                exchange,
                                ResponseCode.UNAUTHORIZED,
                                "bad-credentials",
                                "unknown vehicle or wrong secret");
                        return;
                    }
                    throttle.succeeded(address, login.getVin());
                    CoapCars.Session session = cars.open(login.getVin(), requests::newCar);
                    CoapSession body = CoapSession.newBuilder()
                            .setToken(session.token())
                            .setExpiresInS((int) sessionTtl.toSeconds())
                            .build();
                    exchange.respond(CoapRequests.bytes(ResponseCode.CREATED, body.toByteArray()));
                });
    }
}
