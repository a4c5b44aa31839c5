package dev.carlink.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.proto.v1.CabinPosition;
import dev.carlink.proto.v1.Hvac;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.telemetry.store.StoreResult;
import dev.carlink.telemetry.store.StoredState;
import dev.carlink.telemetry.store.TelemetryRepository;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TelemetryRepositoryIT {

    private static final Instant BASE = Instant.parse("2025-06-01T12:00:00.123Z");

    private static TestDatabase db;
    private static TelemetryRepository repository;

    @BeforeAll
    static void startDatabase() {
        db = TestDatabase.startMigrated();
        repository = new TelemetryRepository(db.pool(), new dev.carlink.telemetry.series.PlainPartitions());
    }

    @AfterAll
    static void stopDatabase() {
        db.close();
    }

    @BeforeEach
    void emptyTables() {
        db.truncate();
    }

    @Test
    void history_ofStoredSamples_givesBackTelemetryEqualToWhatWasWritten() throws Exception {
        // given
        Telemetry full = Samples.full(1, BASE.toEpochMilli());
        Telemetry minimal = Samples.minimal(2, BASE.toEpochMilli() + 1).build();
        Telemetry zeros = Samples.minimal(3, BASE.toEpochMilli() + 2)
                .setCabinTemperatureC(0f)
                .setSelectedGear(0)
                .setTrunkIsOpen(false)
                .setLowVoltageSystemStateValue(0)
                .setHvac(Hvac.getDefaultInstance())
                .addDoors(Samples.door(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE, false, false, 0f))
                .build();
        List<TelemetrySample> samples = List.of(sample(full), sample(minimal), sample(zeros));

        // when
        repository.store(samples, List.of(sample(zeros)));
        List<Telemetry> history = repository.history(Samples.VIN, BASE, BASE.plusSeconds(1), BASE, 0, 10);

        // then
        assertThat(history).containsExactly(full, minimal, zeros);
    }

    @Test
    void latest_ofStoredSample_givesBackTheSameTelemetryAndReceiveTime() throws Exception {
        // given
        Telemetry full = Samples.full(1, BASE.toEpochMilli());
        Instant receivedAt = BASE.plusMillis(321);

        // when
        repository.store(List.of(sample(full, receivedAt)), List.of(sample(full, receivedAt)));

        // then
        assertThat(repository.latest(Samples.VIN)).hasValue(new StoredState(full, receivedAt));
        assertThat(repository.latest(Samples.vin(99))).isEmpty();
    }

    @Test
    void store_sampleAlreadyStored_isNotInsertedAgainNorReportedNew() throws Exception {
        // given
        TelemetrySample first = sample(Samples.minimal(5, BASE.toEpochMilli()).build());
        repository.store(List.of(first), List.of(first));

        // when
        StoreResult again = repository.store(List.of(first), List.of(first));

        // then
        assertThat(again.inserted()).isEmpty();
        assertThat(again.advancedVins()).as("same sample does not advance").isEmpty();
        assertThat(db.storedSamples(Samples.VIN)).isEqualTo(1);
    }

    @Test
    void store_aBatchMixingARedeliveryAndNewSamples_storesTheNewOnesOnce() throws Exception {
        // given: the fast path (COPY) cannot skip a stored sample, so this batch takes the idempotent one
        TelemetrySample stored = sample(Samples.minimal(5, BASE.toEpochMilli()).build());
        repository.store(List.of(stored), List.of(stored));
        TelemetrySample fresh =
                sample(Samples.minimal(6, BASE.toEpochMilli() + 1_000).build());

        // when
        StoreResult result = repository.store(List.of(stored, fresh), List.of(fresh));

        // then
        assertThat(result.inserted()).containsExactly(fresh.key());
        assertThat(result.advancedVins()).containsExactly(Samples.VIN);
        assertThat(db.storedSamples(Samples.VIN)).isEqualTo(2);
    }

    @Test
    void store_olderCandidate_doesNotReplaceTheLatestState() throws Exception {
        // given
        TelemetrySample newer =
                sample(Samples.minimal(5, BASE.toEpochMilli() + 1_000).build());
        TelemetrySample olderTimeHigherSeq =
                sample(Samples.minimal(9, BASE.toEpochMilli()).build());
        TelemetrySample sameTimeHigherSeq =
                sample(Samples.minimal(6, BASE.toEpochMilli() + 1_000).build());
        StoreResult first = repository.store(List.of(newer), List.of(newer));

        // when
        StoreResult older = repository.store(List.of(olderTimeHigherSeq), List.of(olderTimeHigherSeq));

        // then
        assertThat(first.advancedVins()).containsExactly(Samples.VIN);
        assertThat(older.inserted()).hasSize(1);
        assertThat(older.advancedVins()).isEmpty();
        assertThat(repository.latest(Samples.VIN).orElseThrow().telemetry()).isEqualTo(newer.telemetry());

        // and a sample at the same time with a higher seq does advance it
        StoreResult sameTime = repository.store(List.of(sameTimeHigherSeq), List.of(sameTimeHigherSeq));
        assertThat(sameTime.advancedVins()).isEqualTo(Set.of(Samples.VIN));
        assertThat(repository.latest(Samples.VIN).orElseThrow().telemetry()).isEqualTo(sameTimeHigherSeq.telemetry());
    }

    @Test
    void history_isHalfOpenOldestFirstAndLimited() throws Exception {
        // given
        List<TelemetrySample> samples = List.of(
                sample(Samples.minimal(3, BASE.toEpochMilli() + 2_000).build()),
                sample(Samples.minimal(1, BASE.toEpochMilli()).build()),
                sample(Samples.minimal(2, BASE.toEpochMilli() + 1_000).build()),
                sample(Samples.minimal(4, BASE.toEpochMilli() + 3_000).build()));
        repository.store(samples, List.of());

        // when
        List<Telemetry> window = repository.history(Samples.VIN, BASE, BASE.plusMillis(3_000), BASE, 0, 10);
        List<Telemetry> limited = repository.history(Samples.VIN, BASE, BASE.plusMillis(3_001), BASE, 0, 2);

        // then
        assertThat(window).extracting(Telemetry::getSeq).containsExactly(1L, 2L, 3L);
        assertThat(limited).extracting(Telemetry::getSeq).containsExactly(1L, 2L);
    }

    private static TelemetrySample sample(Telemetry telemetry) {
        return sample(telemetry, BASE);
    }

    private static TelemetrySample sample(Telemetry telemetry, Instant receivedAt) {
        return new TelemetrySample(new Vin(Samples.VIN), telemetry, receivedAt);
    }
}
