package dev.carlink.gateway.mqtt;

import dev.carlink.proto.v1.ErrorCode;
import io.vertx.mqtt.messages.codes.MqttPubAckReasonCode;

/**
 * Why the gateway refused a PUBLISH, and how each protocol says so: an MQTT 5 PUBACK reason code,
 * or for MQTT 3.1.1 an {@link ErrorCode} on the car's errors topic. All of them are final: the car
 * must not send the same message again.
 */
enum RejectReason {
    /** The topic names another car. */
    TOPIC_NOT_AUTHORIZED(
            "topic-not-authorized", MqttPubAckReasonCode.NOT_AUTHORIZED, ErrorCode.ERROR_CODE_TOPIC_NOT_AUTHORIZED),
    /** The topic is not one a car may publish on (unknown kind, wrong shape, wildcards, empty). */
    UNKNOWN_TOPIC("unknown-topic", MqttPubAckReasonCode.TOPIC_NAME_INVALID, ErrorCode.ERROR_CODE_UNKNOWN_TOPIC),
    /** The payload is not the protobuf message of the topic. */
    MALFORMED_PAYLOAD(
            "malformed-payload", MqttPubAckReasonCode.PAYLOAD_FORMAT_INVALID, ErrorCode.ERROR_CODE_MALFORMED_PAYLOAD),
    /** The payload parses but lacks a required field (timestamp, seq, command id, status). */
    MISSING_FIELD("missing-field", MqttPubAckReasonCode.PAYLOAD_FORMAT_INVALID, ErrorCode.ERROR_CODE_INVALID_VALUE),
    /** The module that stores the data refused its content (bus failure 4xx). */
    INVALID_VALUE(
            "invalid-value", MqttPubAckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR, ErrorCode.ERROR_CODE_INVALID_VALUE);

    private final String tag;
    private final MqttPubAckReasonCode pubAckCode;
    private final ErrorCode errorCode;

    RejectReason(String tag, MqttPubAckReasonCode pubAckCode, ErrorCode errorCode) {
        this.tag = tag;
        this.pubAckCode = pubAckCode;
        this.errorCode = errorCode;
    }

    /** The {@code reason} metric tag and log value. */
    String tag() {
        return tag;
    }

    /** The MQTT 5 PUBACK reason code. */
    MqttPubAckReasonCode pubAckCode() {
        return pubAckCode;
    }

    /** The code of the {@code PublishError} sent to MQTT 3.1.1 cars (and MQTT 5 cars at QoS 0). */
    ErrorCode errorCode() {
        return errorCode;
    }
}
