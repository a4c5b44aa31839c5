package dev.carlink.telemetry.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.proto.bus.v1.TelemetryIngest;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.telemetry.Samples;
import dev.carlink.telemetry.TelemetrySample;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IngestCodecTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    private final IngestCodec codec =
            new IngestCodec(new TelemetryValidator(Duration.ofMinutes(5), Duration.ofDays(30)));

    @Test
    void decode_validIngest_givesTheSampleWithItsReceiveTime() {
        // given
        Telemetry telemetry = Samples.full(42, NOW.toEpochMilli() - 5_000);
        Instant receivedAt = NOW.minusMillis(1_234);
        Buffer body =
                Buffer.buffer(Samples.ingest(Samples.VIN, telemetry, receivedAt).toByteArray());

        // when
        IngestCodec.Decoded decoded = codec.decode(body, NOW);

        // then
        assertThat(decoded).isInstanceOf(IngestCodec.Accepted.class);
        TelemetrySample sample = ((IngestCodec.Accepted) decoded).sample();
        assertThat(sample.vin().value()).isEqualTo(Samples.VIN);
        assertThat(sample.telemetry()).isEqualTo(telemetry);
        assertThat(sample.receivedAt()).isEqualTo(receivedAt);
    }

    @Test
    void decode_ingestWithoutReceiveTime_usesNow() {
        // given
        TelemetryIngest ingest = TelemetryIngest.newBuilder()
                .setVin(Samples.VIN)
                .setTelemetry(Samples.minimal(1, NOW.toEpochMilli()))
                .build();

        // when
        IngestCodec.Decoded decoded = codec.decode(Buffer.buffer(ingest.toByteArray()), NOW);

        // then
        assertThat(((IngestCodec.Accepted) decoded).sample().receivedAt()).isEqualTo(NOW);
    }

    @Test
    void decode_truncatedBytes_isMalformed() {
        // given
        byte[] truncated = {
            0x0A,
            0x11, // field 1 (vin), length 17
            'W',
            'V',
            'W' // ... but only 3 bytes follow
        };

        // when / then
        assertThat(codec.decode(Buffer.buffer(truncated), NOW))
                .isEqualTo(new IngestCodec.Rejected(RejectReason.MALFORMED, "malformed payload"));
    }

    @Test
    void decode_invalidWireType_isMalformed() {
        // given
        byte[] garbage = {
            0x0F, // field 1 with wire type 7, which does not exist
            0x01, 0x02
        };

        // when / then
        assertThat(codec.decode(Buffer.buffer(garbage), NOW))
                .isEqualTo(new IngestCodec.Rejected(RejectReason.MALFORMED, "malformed payload"));
    }

    @Test
    void decode_bodyThatIsNoBuffer_isMalformed() {
        // when / then
        assertThat(codec.decode("{\"vin\":\"WVWZZZ1JZXW000001\"}", NOW))
                .isEqualTo(new IngestCodec.Rejected(RejectReason.MALFORMED, "malformed payload"));
        assertThat(codec.decode(null, NOW))
                .isEqualTo(new IngestCodec.Rejected(RejectReason.MALFORMED, "malformed payload"));
    }

    @Test
    void decode_emptyBody_isInvalidForItsMissingVin() {
        // when
        IngestCodec.Decoded decoded = codec.decode(Buffer.buffer(), NOW);

        // then
        assertThat(decoded).isInstanceOf(IngestCodec.Rejected.class);
        IngestCodec.Rejected rejected = (IngestCodec.Rejected) decoded;
        assertThat(rejected.reason()).isEqualTo(RejectReason.INVALID);
        assertThat(rejected.detail()).startsWith("vin must be 17 characters");
    }

    @Test
    void decode_outOfRangeValue_isInvalidNamingTheField() {
        // given
        Telemetry telemetry =
                Samples.minimal(1, NOW.toEpochMilli()).setStateOfChargePct(101f).build();
        Buffer body = Buffer.buffer(Samples.ingest(Samples.VIN, telemetry, NOW).toByteArray());

        // when / then
        assertThat(codec.decode(body, NOW))
                .isEqualTo(new IngestCodec.Rejected(
                        RejectReason.INVALID, "state_of_charge_pct must be in 0..100, was 101.0"));
    }
}
