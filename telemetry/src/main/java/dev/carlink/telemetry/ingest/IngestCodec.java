package dev.carlink.telemetry.ingest;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.bus.v1.TelemetryIngest;
import dev.carlink.telemetry.TelemetrySample;
import dev.carlink.telemetry.Vin;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Event-bus body to {@link TelemetrySample}: decodes the protobuf bytes and applies the value rules,
 * before anything is stored. Returns an accepted sample or a typed rejection, never null.
 */
final class IngestCodec {

    /** The outcome of decoding one body. */
    sealed interface Decoded permits Accepted, Rejected {}

    /** A valid sample. */
    record Accepted(TelemetrySample sample) implements Decoded {}

    /** A body that is refused for good (400), with the text for the reply. */
    record Rejected(RejectReason reason, String detail) implements Decoded {
        Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }

    static final String MALFORMED_PAYLOAD = "malformed payload";

    private final TelemetryValidator validator;

    IngestCodec(TelemetryValidator validator) {
        this.validator = validator;
    }

    /**
     * Decodes and validates one event-bus body.
     *
     * @param body the message body; anything but a {@link Buffer} is malformed
     * @param now the backend's current time: the future-skew limit, and the receive time when the
     *     gateway gave none
     */
    Decoded decode(Object body, Instant now) {
        if (!(body instanceof Buffer buffer)) {
            return new Rejected(RejectReason.MALFORMED, MALFORMED_PAYLOAD);
        }
        TelemetryIngest ingest;
        try {
            ingest = TelemetryIngest.parseFrom(buffer.getBytes());
        } catch (InvalidProtocolBufferException e) {
            return new Rejected(RejectReason.MALFORMED, MALFORMED_PAYLOAD);
        }
        Optional<String> problem = validator.check(ingest, now);
        if (problem.isPresent()) {
            return new Rejected(RejectReason.INVALID, problem.get());
        }
        Instant receivedAt = ingest.getReceivedAtMs() > 0 ? Instant.ofEpochMilli(ingest.getReceivedAtMs()) : now;
        return new Accepted(new TelemetrySample(new Vin(ingest.getVin()), ingest.getTelemetry(), receivedAt));
    }
}
