package dev.carlink.gateway.mqtt;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.CommandResultIngest;
import dev.carlink.proto.bus.v1.TelemetryIngest;
import dev.carlink.proto.bus.v1.VehicleEventIngest;
import dev.carlink.proto.v1.CommandResult;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.proto.v1.VehicleEvent;
import io.vertx.core.buffer.Buffer;

/**
 * Turns the payload of a car's PUBLISH into the event-bus request for the module that stores it, or
 * into a rejection. Only the fields the gateway needs to route and deduplicate are checked here;
 * the owning module validates values (ranges, sequence order) and answers 400 when they are wrong.
 */
final class PayloadCodec {

    private PayloadCodec() {}

    /**
     * Decodes {@code payload} published on {@code topic} (one of the car's publish topics).
     *
     * @param receivedAtMs when the gateway received the PUBLISH (epoch ms)
     */
    static Parsed<IngestRequest> decode(VehicleTopic topic, Buffer payload, long receivedAtMs) {
        byte[] bytes = payload.getBytes();
        try {
            return switch (topic.kind()) {
                case TELEMETRY -> telemetry(topic.vin(), Telemetry.parseFrom(bytes), receivedAtMs);
                case EVENTS -> event(topic.vin(), VehicleEvent.parseFrom(bytes), receivedAtMs);
                case COMMAND_RESULTS -> result(topic.vin(), CommandResult.parseFrom(bytes), receivedAtMs);
                case COMMANDS, ERRORS ->
                    throw new IllegalArgumentException(
                            "cars do not publish on " + topic.kind().level() + " topics");
            };
        } catch (InvalidProtocolBufferException e) {
            return Parsed.rejected(
                    RejectReason.MALFORMED_PAYLOAD, "payload is not a valid " + messageName(topic.kind()) + " message");
        }
    }

    private static Parsed<IngestRequest> telemetry(String vin, Telemetry telemetry, long receivedAtMs) {
        if (telemetry.getTimestampMs() <= 0) {
            return missing("Telemetry", "timestamp_ms");
        }
        if (telemetry.getSeq() == 0) {
            return missing("Telemetry", "seq");
        }
        TelemetryIngest ingest = TelemetryIngest.newBuilder()
                .setVin(vin)
                .setTelemetry(telemetry)
                .setReceivedAtMs(receivedAtMs)
                .build();
        return request(TopicKind.TELEMETRY, BusAddress.TELEMETRY_INGEST, ingest);
    }

    private static Parsed<IngestRequest> event(String vin, VehicleEvent event, long receivedAtMs) {
        if (event.getTimestampMs() <= 0) {
            return missing("VehicleEvent", "timestamp_ms");
        }
        if (event.getSeq() == 0) {
            return missing("VehicleEvent", "seq");
        }
        VehicleEventIngest ingest = VehicleEventIngest.newBuilder()
                .setVin(vin)
                .setEvent(event)
                .setReceivedAtMs(receivedAtMs)
                .build();
        return request(TopicKind.EVENTS, BusAddress.VEHICLE_EVENT_INGEST, ingest);
    }

    private static Parsed<IngestRequest> result(String vin, CommandResult result, long receivedAtMs) {
        if (result.getCommandId().isEmpty()) {
            return missing("CommandResult", "command_id");
        }
        // a status number this gateway does not know yet is forwarded: only "absent" is refused
        if (result.getStatusValue() == 0) {
            return missing("CommandResult", "status");
        }
        CommandResultIngest ingest = CommandResultIngest.newBuilder()
                .setVin(vin)
                .setResult(result)
                .setReceivedAtMs(receivedAtMs)
                .build();
        return request(TopicKind.COMMAND_RESULTS, BusAddress.COMMAND_RESULT_INGEST, ingest);
    }

    private static Parsed<IngestRequest> missing(String message, String field) {
        return Parsed.rejected(RejectReason.MISSING_FIELD, message + "." + field + " is required");
    }

    private static Parsed<IngestRequest> request(TopicKind kind, String address, MessageLite body) {
        return Parsed.valid(new IngestRequest(kind, address, Buffer.buffer(body.toByteArray())));
    }

    private static String messageName(TopicKind kind) {
        return switch (kind) {
            case TELEMETRY -> "vehicle.v1.Telemetry";
            case EVENTS -> "vehicle.v1.VehicleEvent";
            case COMMAND_RESULTS -> "vehicle.v1.CommandResult";
            case COMMANDS -> "vehicle.v1.Command";
            case ERRORS -> "vehicle.v1.PublishError";
        };
    }
}
