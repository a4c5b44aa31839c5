package dev.carlink.gateway.mqtt;

import java.util.Objects;

/**
 * A typed refusal of car input.
 *
 * @param reason what kind of refusal, with its protocol codes
 * @param detail human-readable explanation sent back to the car (MQTT 5 reason string or {@code
 *     PublishError.detail}); it never contains the payload
 */
record Rejection(RejectReason reason, String detail) {

    Rejection {
        Objects.requireNonNull(reason, "reason");
        if (detail == null || detail.isBlank()) {
            throw new IllegalArgumentException("detail must not be blank, was '" + detail + "'");
        }
    }
}
