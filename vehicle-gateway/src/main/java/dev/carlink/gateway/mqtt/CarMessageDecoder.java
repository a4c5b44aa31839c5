package dev.carlink.gateway.mqtt;

import io.vertx.core.buffer.Buffer;
import java.util.Optional;

/**
 * A car's message decoded for an edge other than MQTT (CoAP): the same checks as a PUBLISH on the same kind
 * of topic, the same event-bus request to the module that stores it.
 */
public final class CarMessageDecoder {

    /** What decoding gave: a request for the storing module, or a final refusal. */
    public sealed interface Result permits Accepted, Refused {}

    /**
     * @param address the event-bus address of the storing module
     * @param body the bus message ({@code TelemetryIngest}, ...)
     * @param kind the metric tag of the kind of message ({@code telemetry}, {@code events}, {@code command-results})
     */
    public record Accepted(String address, Buffer body, String kind) implements Result {}

    /**
     * @param reason the metric tag of the refusal ({@code malformed-payload}, {@code missing-field}, ...)
     * @param detail what to tell the car
     */
    public record Refused(String reason, String detail) implements Result {}

    private CarMessageDecoder() {}

    /**
     * Decodes {@code payload}, sent by the car {@code vin} as the kind of message named {@code kind} (a topic's
     * last level: {@code telemetry}, {@code events}, {@code command-results}).
     */
    public static Result decode(String kind, String vin, byte[] payload, long receivedAtMs) {
        Optional<TopicKind> topicKind = TopicKind.ofLevel(kind).filter(TopicKind::carPublishes);
        if (topicKind.isEmpty()) {
            return new Refused(RejectReason.UNKNOWN_TOPIC.tag(), "cars do not send " + kind);
        }
        Parsed<IngestRequest> decoded =
                PayloadCodec.decode(new VehicleTopic(vin, topicKind.get()), Buffer.buffer(payload), receivedAtMs);
        if (decoded instanceof Parsed.Rejected<IngestRequest> rejected) {
            return new Refused(
                    rejected.rejection().reason().tag(), rejected.rejection().detail());
        }
        IngestRequest request = ((Parsed.Valid<IngestRequest>) decoded).value();
        return new Accepted(request.address(), request.body(), request.kind().level());
    }
}
