package dev.carlink.telemetry.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.proto.bus.v1.HistoryQuery;
import dev.carlink.proto.bus.v1.StateQuery;
import dev.carlink.telemetry.Samples;
import dev.carlink.telemetry.Vin;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class QueryCodecTest {

    private final QueryCodec codec = new QueryCodec(10_000);

    @Test
    void latest_withValidVin_givesTheVin() {
        // given
        Buffer body = Buffer.buffer(
                StateQuery.newBuilder().setVin(Samples.VIN).build().toByteArray());

        // when / then
        assertThat(codec.latest(body)).isEqualTo(new QueryCodec.Valid<>(new Vin(Samples.VIN)));
    }

    @Test
    void latest_withBadVin_isRefusedNamingTheVin() {
        // given
        Buffer body =
                Buffer.buffer(StateQuery.newBuilder().setVin("SHORT").build().toByteArray());

        // when / then
        assertThat(codec.latest(body))
                .isEqualTo(new QueryCodec.Invalid<>(
                        "vin must be 17 characters of [A-HJ-NPR-Z0-9], was 'SHORT' (5 characters)"));
    }

    @Test
    void latest_withUnparseableBytes_isMalformed() {
        // given
        byte[] garbage = {
            0x0A, 0x7F, // field 1, length 127, with nothing after it
        };

        // when / then
        assertThat(codec.latest(Buffer.buffer(garbage))).isEqualTo(new QueryCodec.Invalid<>("malformed payload"));
        assertThat(codec.history(Buffer.buffer(garbage))).isEqualTo(new QueryCodec.Invalid<>("malformed payload"));
        assertThat(codec.history("not a buffer")).isEqualTo(new QueryCodec.Invalid<>("malformed payload"));
    }

    @Test
    void history_withValidWindowAndLimits_givesTheRequest() {
        // when / then
        assertThat(codec.history(history(Samples.VIN, 1_000, 2_000, 1)))
                .isEqualTo(new QueryCodec.Valid<>(new HistoryRequest(
                        new Vin(Samples.VIN),
                        Instant.ofEpochMilli(1_000),
                        Instant.ofEpochMilli(2_000),
                        1,
                        Instant.ofEpochMilli(1_000),
                        0)));
        assertThat(codec.history(history(Samples.VIN, 0, 1, 10_000))).isInstanceOf(QueryCodec.Valid.class);
    }

    @Test
    void history_withACursor_resumesAfterThatSample_andABadCursorIsRefused() {
        Buffer next = Buffer.buffer(HistoryQuery.newBuilder()
                .setVin(Samples.VIN)
                .setFromMs(1_000)
                .setToMs(2_000)
                .setLimit(5)
                .setAfterTsMs(1_500)
                .setAfterSeq(42)
                .build()
                .toByteArray());
        Buffer negative = Buffer.buffer(HistoryQuery.newBuilder()
                .setVin(Samples.VIN)
                .setFromMs(1_000)
                .setToMs(2_000)
                .setLimit(5)
                .setAfterTsMs(-5)
                .build()
                .toByteArray());

        assertThat(codec.history(next))
                .isEqualTo(new QueryCodec.Valid<>(new HistoryRequest(
                        new Vin(Samples.VIN),
                        Instant.ofEpochMilli(1_000),
                        Instant.ofEpochMilli(2_000),
                        5,
                        Instant.ofEpochMilli(1_500),
                        42)));
        assertThat(codec.history(negative))
                .isEqualTo(new QueryCodec.Invalid<>("after_ts_ms must be in 0..253402300799999, was -5"));
    }

    @Test
    void history_withEmptyOrReversedWindow_isRefusedNamingBothBounds() {
        // when / then
        assertThat(codec.history(history(Samples.VIN, 2_000, 2_000, 10)))
                .isEqualTo(new QueryCodec.Invalid<>("from_ms must be before to_ms, was from_ms 2000 and to_ms 2000"));
        assertThat(codec.history(history(Samples.VIN, 3_000, 2_000, 10)))
                .isEqualTo(new QueryCodec.Invalid<>("from_ms must be before to_ms, was from_ms 3000 and to_ms 2000"));
    }

    @Test
    void history_withLimitZeroOrAboveTheMaximum_isRefusedNotClamped() {
        // when / then
        assertThat(codec.history(history(Samples.VIN, 0, 1_000, 0)))
                .isEqualTo(new QueryCodec.Invalid<>("limit must be in 1..10000, was 0"));
        assertThat(codec.history(history(Samples.VIN, 0, 1_000, 10_001)))
                .isEqualTo(new QueryCodec.Invalid<>("limit must be in 1..10000, was 10001"));
        assertThat(codec.history(history(Samples.VIN, 0, 1_000, -1)))
                .isEqualTo(new QueryCodec.Invalid<>("limit must be in 1..10000, was 4294967295"));
    }

    @Test
    void history_withTimesOutsideTheStorableRange_isRefused() {
        // when / then
        assertThat(codec.history(history(Samples.VIN, -1, 1_000, 10)))
                .isEqualTo(new QueryCodec.Invalid<>("from_ms must be in 0..253402300799999, was -1"));
        assertThat(codec.history(history(Samples.VIN, 0, Long.MAX_VALUE, 10)))
                .isEqualTo(new QueryCodec.Invalid<>("to_ms must be in 0..253402300799999, was " + Long.MAX_VALUE));
    }

    @Test
    void history_withBadVin_isRefused() {
        // when / then
        assertThat(codec.history(history("", 0, 1_000, 10)))
                .isEqualTo(new QueryCodec.Invalid<>(
                        "vin must be 17 characters of [A-HJ-NPR-Z0-9], was '' (0 characters)"));
    }

    private static Buffer history(String vin, long fromMs, long toMs, int limit) {
        return Buffer.buffer(HistoryQuery.newBuilder()
                .setVin(vin)
                .setFromMs(fromMs)
                .setToMs(toMs)
                .setLimit(limit)
                .build()
                .toByteArray());
    }
}
