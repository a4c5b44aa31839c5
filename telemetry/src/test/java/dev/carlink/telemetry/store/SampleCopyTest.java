package dev.carlink.telemetry.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.telemetry.Samples;
import dev.carlink.telemetry.TelemetrySample;
import dev.carlink.telemetry.Vin;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleCopyTest {

    private static final Instant RECEIVED = Instant.parse("2026-06-01T12:00:00.5Z");

    @Test
    void aMinimalSample_isOneLineOf27Fields_withNullForEveryAbsentSignal() {
        String text = SampleCopy.text(List.of(new TelemetrySample(
                new Vin(Samples.VIN), Samples.minimal(7, 1_000).build(), RECEIVED)));

        assertThat(text).endsWith("\n");
        String[] fields = text.substring(0, text.length() - 1).split("\t", -1);
        assertThat(fields).hasSize(27);
        assertThat(fields[0]).isEqualTo(Samples.VIN);
        assertThat(fields[1]).isEqualTo("7");
        assertThat(fields[2]).isEqualTo("1970-01-01T00:00:01Z");
        assertThat(fields[3]).isEqualTo("2026-06-01T12:00:00.500Z");
        assertThat(fields[4]).isEqualTo("\\N");
        assertThat(fields[12]).as("no doors").isEqualTo("\\N");
    }

    @Test
    void aFullSample_keepsFloatsExact_andWritesBooleansAndJsonAsCopyText() {
        String text =
                SampleCopy.text(List.of(new TelemetrySample(new Vin(Samples.VIN), Samples.full(1, 1_000), RECEIVED)));
        String[] fields = text.substring(0, text.length() - 1).split("\t", -1);

        assertThat(Float.parseFloat(fields[6])).isEqualTo(1f / 3f * 100f);
        assertThat(fields[7]).isEqualTo("1.0E-7");
        assertThat(Double.parseDouble(fields[9])).isEqualTo(-11.5761249999);
        assertThat(fields[13]).isEqualTo("f");
        assertThat(fields[12]).startsWith("[").doesNotContain("\t").doesNotContain("\n");
        assertThat(fields[17]).isEqualTo("t");
    }
}
