package dev.carlink.gateway.coap;

import dev.carlink.gateway.mqtt.CarMessageDecoder;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.Clock;
import java.util.Optional;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.server.resources.CoapExchange;

/**
 * {@code POST /v1/vehicles/{vin}/telemetry}, {@code events} and {@code command-results}: the same checks and the
 * same storage as an MQTT PUBLISH. Answered 2.04 only once the storing module replied that the message is
 * stored; 4.00 with the reason for a message that will never be stored (final: do not send it again); 5.03 with
 * Max-Age when it could not be stored now (send the same message again after that many seconds).
 */
final class IngestResource extends CoapResource {

    /** Seconds a car waits before sending a message the backend could not store. */
    static final long RETRY_AFTER_S = 5;

    private final String kind;
    private final CoapRequests requests;
    private final EventBus bus;
    private final DeliveryOptions busOptions;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final int maxPayload;

    IngestResource(
            String kind,
            CoapRequests requests,
            EventBus bus,
            DeliveryOptions busOptions,
            MeterRegistry metrics,
            Clock clock,
            int maxPayload) {
        super(kind);
        this.kind = kind;
        this.requests = requests;
        this.bus = bus;
        this.busOptions = busOptions;
        this.metrics = metrics;
        this.clock = clock;
        this.maxPayload = maxPayload;
    }

    @Override
    public void handlePOST(CoapExchange exchange) {
        Optional<String> vin = requests.authorize(exchange);
        if (vin.isEmpty()) {
            return;
        }
        byte[] payload = exchange.getRequestPayload();
        if (payload.length > maxPayload) {
            requests.refuse(
                    exchange,
                    ResponseCode.REQUEST_ENTITY_TOO_LARGE,
                    "too-large",
                    "the body may be at most " + maxPayload + " bytes, was " + payload.length);
            return;
        }
        CarMessageDecoder.Result decoded = CarMessageDecoder.decode(kind, vin.get(), payload, clock.millis());
        if (decoded instanceof CarMessageDecoder.Refused refused) {
            requests.refuse(exchange, ResponseCode.BAD_REQUEST, refused.reason(), refused.detail());
            return;
        }
        CarMessageDecoder.Accepted accepted = (CarMessageDecoder.Accepted) decoded;
        // answered once stored, usually well within the car's first retransmission timeout (2 s), so the answer
        // rides on the ACK; a slower store is answered separately after the car's retransmission
        bus.<Buffer>request(accepted.address(), accepted.body(), busOptions).onComplete(reply -> {
            if (reply.succeeded()) {
                metrics.counter("carlink.gateway.coap.accepted", "kind", kind).increment();
                exchange.respond(ResponseCode.CHANGED);
                return;
            }
            if (reply.cause() instanceof ReplyException e
                    && e.failureType() == ReplyFailure.RECIPIENT_FAILURE
                    && e.failureCode() >= 400
                    && e.failureCode() < 500) {
                requests.refuse(exchange, ResponseCode.BAD_REQUEST, "invalid-value", e.getMessage());
                return;
            }
            metrics.counter("carlink.gateway.coap.unacknowledged", "kind", kind).increment();
            Response busy = CoapRequests.text(
                    ResponseCode.SERVICE_UNAVAILABLE, "not stored: send it again in " + RETRY_AFTER_S + " s");
            busy.getOptions().setMaxAge(RETRY_AFTER_S);
            exchange.respond(busy);
        });
    }
}
