package dev.carlink.gateway.mqtt;

import io.vertx.core.buffer.Buffer;
import java.util.Objects;

/**
 * A validated car message, ready to be sent to the module that stores it.
 *
 * @param kind the topic it came on
 * @param address the event-bus address of the storing module
 * @param body the protobuf bytes of the bus message ({@code TelemetryIngest}, ...)
 */
record IngestRequest(TopicKind kind, String address, Buffer body) {

    IngestRequest {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(body, "body");
    }
}
