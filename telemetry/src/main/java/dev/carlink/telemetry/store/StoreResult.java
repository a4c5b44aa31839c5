package dev.carlink.telemetry.store;

import dev.carlink.telemetry.SampleKey;
import java.util.Set;

/**
 * What one committed batch changed.
 *
 * @param inserted keys of the samples that were new; the others of the batch were already stored
 * @param advancedVins cars whose latest state moved forward
 */
public record StoreResult(Set<SampleKey> inserted, Set<String> advancedVins) {

    /** Copies both sets. */
    public StoreResult {
        inserted = Set.copyOf(inserted);
        advancedVins = Set.copyOf(advancedVins);
    }
}
