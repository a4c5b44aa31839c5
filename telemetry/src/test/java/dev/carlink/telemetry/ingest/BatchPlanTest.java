package dev.carlink.telemetry.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.proto.v1.Telemetry;
import dev.carlink.telemetry.Samples;
import dev.carlink.telemetry.TelemetrySample;
import dev.carlink.telemetry.Vin;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchPlanTest {

    private static final Instant RECEIVED = Instant.parse("2025-06-01T12:00:00Z");

    @Test
    void of_sampleDeliveredTwiceInOneBatch_isWrittenOnceFirstDeliveryWinning() {
        // given
        TelemetrySample first = sample(Samples.vin(1), 5, 1_000, 20f);
        TelemetrySample again = sample(Samples.vin(1), 5, 1_000, 99f);

        // when
        BatchPlan plan = BatchPlan.of(List.of(first, again));

        // then
        assertThat(plan.distinct()).containsExactly(first);
        assertThat(plan.newestPerVin()).containsExactly(first);
    }

    @Test
    void of_severalSamplesOfOneCar_picksTheNewestByTimeThenSeq() {
        // given
        TelemetrySample newestTime = sample(Samples.vin(1), 3, 3_000, 1f);
        TelemetrySample sameTimeHigherSeq = sample(Samples.vin(2), 8, 2_000, 2f);
        List<TelemetrySample> batch = List.of(
                sample(Samples.vin(1), 9, 1_000, 0f), // highest seq, oldest time
                newestTime,
                sample(Samples.vin(1), 2, 2_000, 0f),
                sample(Samples.vin(2), 7, 2_000, 0f),
                sameTimeHigherSeq);

        // when
        BatchPlan plan = BatchPlan.of(batch);

        // then
        assertThat(plan.newestPerVin()).containsExactly(newestTime, sameTimeHigherSeq);
        assertThat(plan.distinct()).hasSize(5);
    }

    @Test
    void of_samplesOfManyCars_areSortedByVinThenSeqSoLocksAreTakenInOneOrder() {
        // given
        TelemetrySample c2 = sample(Samples.vin(3), 2, 1_000, 0f);
        TelemetrySample a1 = sample(Samples.vin(1), 1, 1_000, 0f);
        TelemetrySample c1 = sample(Samples.vin(3), 1, 2_000, 0f);
        TelemetrySample b1 = sample(Samples.vin(2), 1, 1_000, 0f);

        // when
        BatchPlan plan = BatchPlan.of(List.of(c2, a1, c1, b1));

        // then
        assertThat(plan.distinct()).containsExactly(a1, b1, c1, c2);
        assertThat(plan.newestPerVin()).containsExactly(a1, b1, c1);
    }

    private static TelemetrySample sample(String vin, long seq, long timestampMs, float cabin) {
        Telemetry telemetry =
                Samples.minimal(seq, timestampMs).setCabinTemperatureC(cabin).build();
        return new TelemetrySample(new Vin(vin), telemetry, RECEIVED);
    }
}
