package dev.carlink.telemetry.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class IngestBatcherTest {

    private static final long DELAY = 20_000_000; // 20 ms in nanoseconds

    @Test
    void offer_upToMaxSize_makesAFullBatchReadyAtOnce() {
        // given
        IngestBatcher<String> batcher = new IngestBatcher<>(3, 3, DELAY, 100);

        // when
        batcher.offer("a", 0);
        batcher.offer("b", 1);
        batcher.offer("c", 2);

        // then
        assertThat(batcher.takeReady(3)).hasValue(List.of("a", "b", "c"));
        assertThat(batcher.pending()).isEqualTo(3);
        assertThat(batcher.busy()).isTrue();
    }

    @Test
    void takeReady_beforeMaxDelay_handsOutNothing() {
        // given
        IngestBatcher<String> batcher = new IngestBatcher<>(3, 3, DELAY, 100);
        batcher.offer("a", 1_000);

        // when / then
        assertThat(batcher.takeReady(1_000 + DELAY - 1)).isEmpty();
        assertThat(batcher.nanosUntilDue(1_000 + DELAY - 1)).hasValue(1);
        assertThat(batcher.busy()).isFalse();
    }

    @Test
    void takeReady_atMaxDelaySinceTheFirstSample_handsOutThePartialBatch() {
        // given
        IngestBatcher<String> batcher = new IngestBatcher<>(3, 3, DELAY, 100);
        batcher.offer("a", 1_000);
        batcher.offer("b", 1_000 + DELAY - 5);

        // when / then
        assertThat(batcher.takeReady(1_000 + DELAY)).hasValue(List.of("a", "b"));
        assertThat(batcher.nanosUntilDue(1_000 + DELAY)).isEmpty();
    }

    @Test
    void takeReady_whileABatchIsInFlight_handsOutNothingUntilItCompletes() {
        // given
        IngestBatcher<String> batcher = new IngestBatcher<>(2, 2, DELAY, 100);
        batcher.offer("a", 0);
        batcher.offer("b", 0);
        List<String> first = batcher.takeReady(0).orElseThrow();
        batcher.offer("c", 1);
        batcher.offer("d", 2);

        // when / then
        assertThat(batcher.takeReady(DELAY * 10)).isEmpty();
        batcher.complete(first);
        assertThat(batcher.takeReady(DELAY * 10)).hasValue(List.of("c", "d"));
        assertThat(batcher.pending()).isEqualTo(2);
    }

    @Test
    void takeReady_withSeveralFullBatches_handsThemOutInArrivalOrder() {
        // given
        IngestBatcher<Integer> batcher = new IngestBatcher<>(2, 2, DELAY, 100);
        for (int i = 0; i < 5; i++) {
            batcher.offer(i, i);
        }

        // when
        List<Integer> first = batcher.takeReady(5).orElseThrow();
        batcher.complete(first);
        List<Integer> second = batcher.takeReady(5).orElseThrow();
        batcher.complete(second);

        // then
        assertThat(first).containsExactly(0, 1);
        assertThat(second).containsExactly(2, 3);
        assertThat(batcher.takeReady(5)).isEmpty();
        assertThat(batcher.takeReady(4 + DELAY)).hasValue(List.of(4));
    }

    @Test
    void takeReady_afterTheWriterWasBusy_mergesWaitingBatchesAndTheOpenOne_upToTheMergeLimit() {
        // given: batches of 2, writes of at most 5, the writer busy while 7 more items arrive
        IngestBatcher<Integer> batcher = new IngestBatcher<>(2, 5, DELAY, 100);
        batcher.offer(0, 0);
        batcher.offer(1, 0);
        List<Integer> busy = batcher.takeReady(0).orElseThrow();
        for (int i = 2; i < 9; i++) {
            batcher.offer(i, i);
        }
        batcher.complete(busy);

        // when
        List<Integer> merged = batcher.takeReady(9).orElseThrow();
        batcher.complete(merged);
        List<Integer> rest = batcher.takeReady(9).orElseThrow();

        // then: two full batches merged (a third would pass 5), then the last full one with the open one
        assertThat(merged).containsExactly(2, 3, 4, 5);
        assertThat(rest).containsExactly(6, 7, 8);
        assertThat(batcher.pending()).isEqualTo(3);
    }

    @Test
    void aMergeLimitBelowTheBatchSize_isRefused() {
        assertThatThrownBy(() -> new IngestBatcher<String>(5, 4, DELAY, 100))
                .hasMessageContaining("maxMergedSize must be >= maxSize (5), was 4");
    }

    @Test
    void offer_whenMaxPendingSamplesWait_isRefusedAndNotQueued() {
        // given
        IngestBatcher<String> batcher = new IngestBatcher<>(2, 2, DELAY, 3);
        batcher.offer("a", 0);
        batcher.offer("b", 0);
        List<String> inFlight = batcher.takeReady(0).orElseThrow();
        batcher.offer("c", 0);

        // when
        boolean accepted = batcher.offer("d", 0);

        // then
        assertThat(accepted).isFalse();
        assertThat(batcher.pending()).isEqualTo(3);
        batcher.complete(inFlight);
        assertThat(batcher.pending()).isEqualTo(1);
        assertThat(batcher.takeReady(DELAY)).hasValue(List.of("c"));
    }

    @Test
    void offer_afterPendingSamplesCompleted_isAcceptedAgain() {
        // given
        IngestBatcher<String> batcher = new IngestBatcher<>(1, 1, DELAY, 1);
        batcher.offer("a", 0);
        assertThat(batcher.offer("b", 0)).isFalse();
        batcher.complete(batcher.takeReady(0).orElseThrow());

        // when / then
        assertThat(batcher.offer("b", 0)).isTrue();
    }

    @Test
    void sealOpen_makesTheOpenBatchReadyWhateverItsAge() {
        // given
        IngestBatcher<String> batcher = new IngestBatcher<>(10, 10, DELAY, 100);
        batcher.offer("a", 0);

        // when
        batcher.sealOpen();

        // then
        assertThat(batcher.takeReady(0)).hasValue(List.of("a"));
    }

    @Test
    void drainQueued_removesOpenAndFullBatchesButNotTheOneInFlight() {
        // given
        IngestBatcher<String> batcher = new IngestBatcher<>(2, 2, DELAY, 100);
        batcher.offer("a", 0);
        batcher.offer("b", 0);
        List<String> inFlight = batcher.takeReady(0).orElseThrow();
        batcher.offer("c", 0);
        batcher.offer("d", 0);
        batcher.offer("e", 0);

        // when
        List<String> drained = batcher.drainQueued();

        // then
        assertThat(drained).containsExactly("c", "d", "e");
        assertThat(batcher.pending()).isEqualTo(2);
        batcher.complete(inFlight);
        assertThat(batcher.pending()).isZero();
        assertThat(batcher.takeReady(DELAY * 10)).isEmpty();
    }

    @Test
    void complete_ofABatchThatIsNotInFlight_isRefused() {
        // given
        IngestBatcher<String> batcher = new IngestBatcher<>(1, 1, DELAY, 10);
        batcher.offer("a", 0);

        // when / then
        assertThatThrownBy(() -> batcher.complete(List.of("a"))).isInstanceOf(IllegalStateException.class);
        assertThat(batcher.pending()).isEqualTo(1);
    }

    @Test
    void constructor_withMaxPendingBelowMaxSize_isRefused() {
        // when / then
        assertThatThrownBy(() -> new IngestBatcher<String>(10, 10, DELAY, 9))
                .hasMessage("maxPending must be >= maxSize (10), was 9");
    }
}
