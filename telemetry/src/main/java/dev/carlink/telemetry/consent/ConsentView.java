package dev.carlink.telemetry.consent;

import dev.carlink.telemetry.TelemetrySample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Which cars' owners consent to the fatigue service, as this telemetry instance last heard it from the
 * command-service: changes as they are published and snapshots as they are loaded, each choice with its version.
 * A change older than the one held for the car is ignored, so changes and snapshots may arrive in any order. A car
 * not known, and every car before the first snapshot, is not consented: the view fails closed.
 *
 * <p>Changed on one thread (the event loop), read from any (the writer thread).
 */
public final class ConsentView {

    private record Choice(boolean optedIn, long version) {}

    private final Map<String, Choice> choices = new ConcurrentHashMap<>();
    private volatile boolean loaded;

    /**
     * Applies one published choice if it is newer than the one held for the car.
     *
     * @return whether it was applied (false: an older choice that arrived late)
     */
    public boolean apply(String vin, boolean optedIn, long version) {
        Choice held = choices.get(vin);
        if (held != null && held.version() >= version) {
            return false;
        }
        choices.put(vin, new Choice(optedIn, version));
        return true;
    }

    /**
     * Merges a snapshot: the opted-in cars with their versions, and the last version handed out when it was read.
     * A car held here but not in the snapshot, with a version up to {@code asOfVersion}, was opted out or unenrolled
     * since: it is forgotten (not consented). Newer choices held here win over the snapshot's.
     *
     * @return the cars that were consented and no longer are (an opt-out whose publication this instance missed)
     */
    public List<String> merge(Map<String, Long> optedIn, long asOfVersion) {
        List<String> withdrawn = new ArrayList<>();
        for (Map.Entry<String, Choice> held : Set.copyOf(choices.entrySet())) {
            String vin = held.getKey();
            Choice choice = held.getValue();
            if (!optedIn.containsKey(vin) && choice.version() <= asOfVersion) {
                choices.remove(vin);
                if (choice.optedIn()) {
                    withdrawn.add(vin);
                }
            }
        }
        optedIn.forEach((vin, version) -> apply(vin, true, version));
        loaded = true;
        return withdrawn;
    }

    /** Whether a snapshot was merged since start; before it, no car is consented. */
    public boolean loaded() {
        return loaded;
    }

    /** Whether the owner of {@code vin} consents to the fatigue service. */
    public boolean consents(String vin) {
        Choice choice = choices.get(vin);
        return choice != null && choice.optedIn();
    }

    /** The cars consented now. */
    public Set<String> consented() {
        return choices.entrySet().stream()
                .filter(e -> e.getValue().optedIn())
                .map(Map.Entry::getKey)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The sample as it may be stored: without its driver-monitoring signals unless the car is consented. */
    public TelemetrySample admit(TelemetrySample sample) {
        if (!DriverMonitoring.carried(sample.telemetry())
                || consents(sample.vin().value())) {
            return sample;
        }
        return new TelemetrySample(sample.vin(), DriverMonitoring.withheld(sample.telemetry()), sample.receivedAt());
    }
}
