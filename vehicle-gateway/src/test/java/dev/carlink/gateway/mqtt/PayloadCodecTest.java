package dev.carlink.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.CommandResultIngest;
import dev.carlink.proto.bus.v1.TelemetryIngest;
import dev.carlink.proto.bus.v1.VehicleEventIngest;
import dev.carlink.proto.v1.CommandOutcome;
import dev.carlink.proto.v1.CommandResult;
import dev.carlink.proto.v1.FatigueAlert;
import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.proto.v1.VehicleEvent;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class PayloadCodecTest {

    private static final String VIN = "WVWZZZ1JZXW000001";
    private static final long RECEIVED_AT = 1_760_000_000_123L;

    /** Field 1 (length-delimited) whose length varint never ends: no protobuf parser accepts it. */
    private static final byte[] TRUNCATED = {
        0x0a, // field 1, wire type 2
        (byte) 0xff // length varint with the continuation bit set, then nothing
    };

    /** Field 1 with wire type 7, which does not exist. */
    private static final byte[] BAD_WIRE_TYPE = {0x0f, 0x00};

    @Test
    void decode_ofCompleteTelemetry_isTelemetryIngestForTheTopicsVin() throws Exception {
        Telemetry telemetry = Telemetry.newBuilder()
                .setTimestampMs(1_760_000_000_000L)
                .setSeq(7)
                .setCabinTemperatureC(31.5f)
                .build();

        IngestRequest request = valid(decode(TopicKind.TELEMETRY, telemetry.toByteArray()));

        assertThat(request.kind()).isEqualTo(TopicKind.TELEMETRY);
        assertThat(request.address()).isEqualTo(BusAddress.TELEMETRY_INGEST);
        TelemetryIngest ingest = TelemetryIngest.parseFrom(request.body().getBytes());
        assertThat(ingest.getVin()).isEqualTo(VIN);
        assertThat(ingest.getTelemetry()).isEqualTo(telemetry);
        assertThat(ingest.getReceivedAtMs()).isEqualTo(RECEIVED_AT);
    }

    @Test
    void decode_ofCompleteEvent_isVehicleEventIngest() throws Exception {
        VehicleEvent event = VehicleEvent.newBuilder()
                .setTimestampMs(1_760_000_000_000L)
                .setSeq(3)
                .setFatigueAlert(FatigueAlert.newBuilder().setLevel(FatigueLevel.FATIGUE_LEVEL_WARNING))
                .build();

        IngestRequest request = valid(decode(TopicKind.EVENTS, event.toByteArray()));

        assertThat(request.address()).isEqualTo(BusAddress.VEHICLE_EVENT_INGEST);
        VehicleEventIngest ingest = VehicleEventIngest.parseFrom(request.body().getBytes());
        assertThat(ingest.getVin()).isEqualTo(VIN);
        assertThat(ingest.getEvent()).isEqualTo(event);
        assertThat(ingest.getReceivedAtMs()).isEqualTo(RECEIVED_AT);
    }

    @Test
    void decode_ofCompleteResult_isCommandResultIngest() throws Exception {
        CommandResult result = CommandResult.newBuilder()
                .setCommandId("c-1")
                .setStatus(CommandOutcome.COMMAND_OUTCOME_SUCCEEDED)
                .setTimestampMs(1_760_000_000_000L)
                .build();

        IngestRequest request = valid(decode(TopicKind.COMMAND_RESULTS, result.toByteArray()));

        assertThat(request.address()).isEqualTo(BusAddress.COMMAND_RESULT_INGEST);
        CommandResultIngest ingest =
                CommandResultIngest.parseFrom(request.body().getBytes());
        assertThat(ingest.getVin()).isEqualTo(VIN);
        assertThat(ingest.getResult()).isEqualTo(result);
    }

    @Test
    void decode_ofResultWithStatusUnknownToThisGateway_isForwarded() {
        CommandResult result = CommandResult.newBuilder()
                .setCommandId("c-1")
                .setStatusValue(99)
                .build();

        assertThat(decode(TopicKind.COMMAND_RESULTS, result.toByteArray())).isInstanceOf(Parsed.Valid.class);
    }

    @Test
    void decode_ofTruncatedBytes_isMalformedPayload() {
        for (TopicKind kind : new TopicKind[] {TopicKind.TELEMETRY, TopicKind.EVENTS, TopicKind.COMMAND_RESULTS}) {
            Rejection rejection = rejected(decode(kind, TRUNCATED));

            assertThat(rejection.reason()).isEqualTo(RejectReason.MALFORMED_PAYLOAD);
            assertThat(rejection.detail()).startsWith("payload is not a valid vehicle.v1.");
        }
    }

    @Test
    void decode_ofInvalidWireType_isMalformedPayload() {
        assertThat(rejected(decode(TopicKind.TELEMETRY, BAD_WIRE_TYPE)).reason())
                .isEqualTo(RejectReason.MALFORMED_PAYLOAD);
    }

    @Test
    void decode_ofEmptyPayload_isMissingTheRequiredFields() {
        // zero bytes are a valid protobuf message with every field absent
        assertThat(rejected(decode(TopicKind.TELEMETRY, new byte[0])))
                .isEqualTo(new Rejection(RejectReason.MISSING_FIELD, "Telemetry.timestamp_ms is required"));
        assertThat(rejected(decode(TopicKind.COMMAND_RESULTS, new byte[0])))
                .isEqualTo(new Rejection(RejectReason.MISSING_FIELD, "CommandResult.command_id is required"));
    }

    @Test
    void decode_ofTelemetryWithoutSeq_isMissingField() {
        Telemetry telemetry = Telemetry.newBuilder().setTimestampMs(1L).build();

        assertThat(rejected(decode(TopicKind.TELEMETRY, telemetry.toByteArray())))
                .isEqualTo(new Rejection(RejectReason.MISSING_FIELD, "Telemetry.seq is required"));
    }

    @Test
    void decode_ofEventWithoutTimestampOrSeq_isMissingField() {
        VehicleEvent noTimestamp = VehicleEvent.newBuilder().setSeq(1).build();
        VehicleEvent noSeq = VehicleEvent.newBuilder().setTimestampMs(1L).build();

        assertThat(rejected(decode(TopicKind.EVENTS, noTimestamp.toByteArray())).detail())
                .isEqualTo("VehicleEvent.timestamp_ms is required");
        assertThat(rejected(decode(TopicKind.EVENTS, noSeq.toByteArray())).detail())
                .isEqualTo("VehicleEvent.seq is required");
    }

    @Test
    void decode_ofResultWithoutStatus_isMissingField() {
        CommandResult result = CommandResult.newBuilder().setCommandId("c-1").build();

        assertThat(rejected(decode(TopicKind.COMMAND_RESULTS, result.toByteArray())))
                .isEqualTo(new Rejection(RejectReason.MISSING_FIELD, "CommandResult.status is required"));
    }

    @Test
    void decode_ofNegativeTimestamp_isMissingField() {
        Telemetry telemetry =
                Telemetry.newBuilder().setTimestampMs(-5L).setSeq(1).build();

        assertThat(rejected(decode(TopicKind.TELEMETRY, telemetry.toByteArray()))
                        .reason())
                .isEqualTo(RejectReason.MISSING_FIELD);
    }

    private static Parsed<IngestRequest> decode(TopicKind kind, byte[] payload) {
        return PayloadCodec.decode(new VehicleTopic(VIN, kind), Buffer.buffer(payload), RECEIVED_AT);
    }

    private static IngestRequest valid(Parsed<IngestRequest> parsed) {
        assertThat(parsed).isInstanceOf(Parsed.Valid.class);
        return ((Parsed.Valid<IngestRequest>) parsed).value();
    }

    private static Rejection rejected(Parsed<IngestRequest> parsed) {
        assertThat(parsed).isInstanceOf(Parsed.Rejected.class);
        return ((Parsed.Rejected<IngestRequest>) parsed).rejection();
    }
}
