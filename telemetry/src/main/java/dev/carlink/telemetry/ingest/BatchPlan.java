package dev.carlink.telemetry.ingest;

import dev.carlink.telemetry.SampleKey;
import dev.carlink.telemetry.TelemetrySample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one batch writes: each distinct sample once (a sample delivered twice within the batch is
 * written once, the first delivery wins), and for each car the newest of its samples, the candidate for
 * its latest state.
 *
 * <p>Both lists are sorted by VIN (then seq and time) so that concurrent writers (several backend
 * instances) take row locks in the same order and cannot deadlock each other.
 *
 * @param distinct the samples to insert, one per key
 * @param newestPerVin per car, the newest sample of the batch by (time, seq)
 */
record BatchPlan(List<TelemetrySample> distinct, List<TelemetrySample> newestPerVin) {

    private static final Comparator<TelemetrySample> BY_KEY = Comparator.comparing(
                    (TelemetrySample sample) -> sample.vin().value())
            .thenComparingLong(sample -> sample.telemetry().getSeq())
            .thenComparingLong(sample -> sample.telemetry().getTimestampMs());

    BatchPlan {
        distinct = List.copyOf(distinct);
        newestPerVin = List.copyOf(newestPerVin);
    }

    /** Plans the write of {@code batch}, in arrival order. */
    static BatchPlan of(List<TelemetrySample> batch) {
        Map<SampleKey, TelemetrySample> byKey = new LinkedHashMap<>();
        Map<String, TelemetrySample> newest = new HashMap<>();
        for (TelemetrySample sample : batch) {
            if (byKey.putIfAbsent(sample.key(), sample) == null) {
                newest.merge(
                        sample.vin().value(),
                        sample,
                        (kept, candidate) ->
                                TelemetrySample.OLDER_FIRST.compare(candidate, kept) > 0 ? candidate : kept);
            }
        }
        List<TelemetrySample> distinct = new ArrayList<>(byKey.values());
        distinct.sort(BY_KEY);
        List<TelemetrySample> newestPerVin = new ArrayList<>(newest.values());
        newestPerVin.sort(BY_KEY);
        return new BatchPlan(distinct, newestPerVin);
    }
}
