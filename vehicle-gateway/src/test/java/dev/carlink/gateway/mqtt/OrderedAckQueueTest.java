package dev.carlink.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderedAckQueueTest {

    private final OrderedAckQueue queue = new OrderedAckQueue();
    private final List<Integer> sent = new ArrayList<>();

    @Test
    void complete_inArrivalOrder_sendsEachAckAtOnce() {
        OrderedAckQueue.Slot first = queue.reserve();
        OrderedAckQueue.Slot second = queue.reserve();

        first.complete(() -> sent.add(1));
        assertThat(sent).containsExactly(1);
        second.complete(() -> sent.add(2));

        assertThat(sent).containsExactly(1, 2);
        assertThat(queue.pending()).isZero();
    }

    @Test
    void complete_outOfOrder_holdsLaterAcksUntilEarlierOnesAreDone() {
        OrderedAckQueue.Slot first = queue.reserve();
        OrderedAckQueue.Slot second = queue.reserve();
        OrderedAckQueue.Slot third = queue.reserve();

        third.complete(() -> sent.add(3));
        second.complete(() -> sent.add(2));
        assertThat(sent).isEmpty();
        assertThat(queue.pending()).isEqualTo(3);

        first.complete(() -> sent.add(1));

        assertThat(sent).containsExactly(1, 2, 3);
        assertThat(queue.pending()).isZero();
    }

    @Test
    void drop_sendsNothingForTheSlotAndReleasesTheOnesBehindIt() {
        OrderedAckQueue.Slot first = queue.reserve();
        OrderedAckQueue.Slot second = queue.reserve();
        second.complete(() -> sent.add(2));

        first.drop();

        assertThat(sent).containsExactly(2);
        assertThat(queue.pending()).isZero();
    }

    @Test
    void drop_inTheMiddle_keepsTheOrderOfTheOthers() {
        OrderedAckQueue.Slot first = queue.reserve();
        OrderedAckQueue.Slot second = queue.reserve();
        OrderedAckQueue.Slot third = queue.reserve();

        third.complete(() -> sent.add(3));
        second.drop();
        assertThat(sent).isEmpty();
        first.complete(() -> sent.add(1));

        assertThat(sent).containsExactly(1, 3);
    }

    @Test
    void close_forgetsOpenSlotsAndSendsNothingAfterwards() {
        OrderedAckQueue.Slot first = queue.reserve();
        OrderedAckQueue.Slot second = queue.reserve();
        second.complete(() -> sent.add(2));

        queue.close();
        first.complete(() -> sent.add(1));
        queue.reserve().complete(() -> sent.add(3));

        assertThat(sent).isEmpty();
        assertThat(queue.pending()).isZero();
    }

    @Test
    void complete_twice_isRefusedAndSendsOnce() {
        OrderedAckQueue.Slot slot = queue.reserve();
        slot.complete(() -> sent.add(1));

        assertThatThrownBy(() -> slot.complete(() -> sent.add(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("ack slot already completed");
        assertThatThrownBy(slot::drop).isInstanceOf(IllegalStateException.class);
        assertThat(sent).containsExactly(1);
    }

    @Test
    void complete_withNullAck_isRefusedAndTheSlotStaysOpen() {
        OrderedAckQueue.Slot slot = queue.reserve();

        assertThatThrownBy(() -> slot.complete(null)).isInstanceOf(IllegalArgumentException.class);

        assertThat(queue.pending()).isEqualTo(1);
        slot.complete(() -> sent.add(1));
        assertThat(sent).containsExactly(1);
    }
}
