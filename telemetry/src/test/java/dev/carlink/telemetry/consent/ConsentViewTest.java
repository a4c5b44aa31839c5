package dev.carlink.telemetry.consent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.telemetry.TelemetrySample;
import dev.carlink.telemetry.Vin;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsentViewTest {

    private static final String CAR = "SMCAR000000000701";
    private static final String OTHER = "SMCAR000000000702";

    private final ConsentView view = new ConsentView();

    @Test
    void aCarNobodySpokeFor_isNotConsented_evenBeforeTheFirstSnapshot() {
        assertThat(view.loaded()).isFalse();
        assertThat(view.consents(CAR)).isFalse();
    }

    @Test
    void aNewerChoice_replacesTheHeldOne() {
        view.apply(CAR, true, 3);

        boolean applied = view.apply(CAR, false, 4);

        assertThat(applied).isTrue();
        assertThat(view.consents(CAR)).isFalse();
    }

    @Test
    void anOlderChoiceArrivingLate_isIgnored() {
        view.apply(CAR, false, 5);

        boolean applied = view.apply(CAR, true, 4);

        assertThat(applied).isFalse();
        assertThat(view.consents(CAR)).isFalse();
    }

    @Test
    void aSnapshot_consentsItsCars_andWithdrawsAHeldOptInItNoLongerLists() {
        // given: the car opted in at 2; the snapshot was read after its opt-out (as of 6) whose publication was missed
        view.apply(CAR, true, 2);

        var withdrawn = view.merge(Map.of(OTHER, 6L), 6);

        assertThat(withdrawn).containsExactly(CAR);
        assertThat(view.consents(CAR)).isFalse();
        assertThat(view.consents(OTHER)).isTrue();
        assertThat(view.consented()).containsExactly(OTHER);
        assertThat(view.loaded()).isTrue();
    }

    @Test
    void aSnapshotOlderThanAHeldChoice_doesNotUndoIt() {
        // given: an opt-in (version 8) and an opt-out (version 9) published after the snapshot was read (as of 7)
        view.apply(CAR, true, 8);
        view.apply(OTHER, false, 9);

        var withdrawn = view.merge(Map.of(OTHER, 4L), 7);

        assertThat(withdrawn).isEmpty();
        assertThat(view.consents(CAR)).isTrue();
        assertThat(view.consents(OTHER)).isFalse();
    }

    @Test
    void admit_withholdsDriverMonitoringOfACarNotConsented_andKeepsTheRest() {
        TelemetrySample sample = sample(CAR);

        TelemetrySample admitted = view.admit(sample);

        assertThat(admitted.telemetry().hasFatigueLevel()).isFalse();
        assertThat(admitted.telemetry().hasIsEyesOnRoad()).isFalse();
        assertThat(admitted.telemetry().getCabinTemperatureC()).isEqualTo(31.5f);
        assertThat(admitted.key()).isEqualTo(sample.key());
    }

    @Test
    void admit_keepsEverythingOfAConsentedCar() {
        view.apply(CAR, true, 1);
        TelemetrySample sample = sample(CAR);

        assertThat(view.admit(sample)).isSameAs(sample);
    }

    private static TelemetrySample sample(String vin) {
        return new TelemetrySample(
                new Vin(vin),
                Telemetry.newBuilder()
                        .setSeq(1)
                        .setTimestampMs(1_700_000_000_000L)
                        .setCabinTemperatureC(31.5f)
                        .setFatigueLevel(FatigueLevel.FATIGUE_LEVEL_WARNING)
                        .setIsEyesOnRoad(false)
                        .build(),
                Instant.ofEpochMilli(1_700_000_000_100L));
    }
}
