package dev.carlink.simulator.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long START = 5 * SECOND;

    private record Due(int car, long intendedNanos) {}

    private static List<Due> emit(LoadGenerator generator, long now) {
        List<Due> out = new ArrayList<>();
        generator.emitDue(now, (car, intended) -> out.add(new Due(car, intended)));
        return out;
    }

    @Test
    void thousandPerSecondOverFourCars_areDueEveryMillisecond_roundRobin() {
        LoadGenerator generator = new LoadGenerator(1000, 4, 0, 4, START, START + 10 * SECOND);

        List<Due> firstSecond = emit(generator, START + SECOND - 1);

        assertThat(firstSecond).hasSize(1000);
        for (int k = 0; k < firstSecond.size(); k++) {
            assertThat(firstSecond.get(k).intendedNanos()).isEqualTo(START + k * 1_000_000L);
            assertThat(firstSecond.get(k).car()).isEqualTo(k % 4);
        }
        assertThat(firstSecond).filteredOn(d -> d.car() == 3).hasSize(250);
    }

    @Test
    void aSenderThatFallsBehind_catchesUpWithTheIntendedTimes_notTheTimeItWokeUp() {
        LoadGenerator generator = new LoadGenerator(200, 3, 0, 3, START, START + 10 * SECOND);
        emit(generator, START);

        List<Due> late = emit(generator, START + 2 * SECOND);

        assertThat(late).hasSize(400);
        assertThat(late.get(0).intendedNanos()).isEqualTo(START + 5_000_000L);
        assertThat(late.get(399).intendedNanos()).isEqualTo(START + 2 * SECOND);
        assertThat(generator.scheduled()).isEqualTo(401);
        assertThat(late).extracting(Due::car).startsWith(1, 2, 0, 1);
    }

    @Test
    void nothingIsDueBeforeTheStart_andNothingAtOrAfterTheEnd() {
        LoadGenerator generator = new LoadGenerator(1000, 2, 0, 2, START, START + 2 * SECOND);

        assertThat(emit(generator, START - 1)).isEmpty();
        List<Due> all = emit(generator, START + 60 * SECOND);

        assertThat(all).hasSize(2000);
        assertThat(all.get(all.size() - 1).intendedNanos()).isLessThan(START + 2 * SECOND);
        assertThat(generator.finished(START + 60 * SECOND)).isTrue();
        assertThat(emit(generator, START + 61 * SECOND)).isEmpty();
    }

    @Test
    void aFractionalRate_keepsItsAverage() {
        LoadGenerator generator = new LoadGenerator(2.5, 1, 0, 1, START, START + 4 * SECOND);

        List<Due> all = emit(generator, START + 4 * SECOND);

        assertThat(all)
                .extracting(Due::intendedNanos)
                .containsExactly(
                        START,
                        START + 400_000_000L,
                        START + 800_000_000L,
                        START + 1_200_000_000L,
                        START + 1_600_000_000L,
                        START + 2_000_000_000L,
                        START + 2_400_000_000L,
                        START + 2_800_000_000L,
                        START + 3_200_000_000L,
                        START + 3_600_000_000L);
    }

    @Test
    void slicesOfTheFleet_togetherSendExactlyTheFleetSchedule_eachCarAtItsShare() {
        // 250 msg/s over 5 cars for 2.5 s: 625 messages, 125 per car, whatever the slicing
        LoadGenerator first = new LoadGenerator(250, 5, 0, 3, START, START + 2_500_000_000L);
        LoadGenerator second = new LoadGenerator(250, 5, 3, 2, START, START + 2_500_000_000L);

        List<Due> a = new ArrayList<>();
        List<Due> b = new ArrayList<>();
        for (long now = START; now <= START + 3 * SECOND; now += 7_000_000L) {
            a.addAll(emit(first, now));
            b.addAll(emit(second, now));
        }

        assertThat(a.size() + b.size()).isEqualTo(625);
        assertThat(a).hasSize(375).filteredOn(d -> d.car() == 2).hasSize(125);
        assertThat(b).hasSize(250).filteredOn(d -> d.car() == 1).hasSize(125);
        assertThat(b.get(0)).isEqualTo(new Due(0, START + 3 * 4_000_000L));
        assertThat(first.scheduled()).isEqualTo(375);
    }

    @Test
    void aRateOfZeroOrNoCars_isRefused() {
        assertThatThrownBy(() -> new LoadGenerator(0, 1, 0, 1, START, START + SECOND))
                .hasMessageContaining("rate");
        assertThatThrownBy(() -> new LoadGenerator(10, 3, 2, 2, START, START + SECOND))
                .hasMessageContaining("cars must be 1..3");
    }
}
