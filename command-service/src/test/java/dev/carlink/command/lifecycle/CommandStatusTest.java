package dev.carlink.command.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommandStatusTest {

    @Test
    void happyPath_movesForwardStepByStep() {
        assertThat(CommandStatus.SENT.canFollow(CommandStatus.QUEUED)).isTrue();
        assertThat(CommandStatus.DELIVERED.canFollow(CommandStatus.SENT)).isTrue();
        assertThat(CommandStatus.IN_PROGRESS.canFollow(CommandStatus.DELIVERED)).isTrue();
        assertThat(CommandStatus.SUCCEEDED.canFollow(CommandStatus.IN_PROGRESS)).isTrue();
    }

    @Test
    void aResultOvertakingTheTransportAck_mayskipSteps() {
        assertThat(CommandStatus.SUCCEEDED.canFollow(CommandStatus.SENT)).isTrue();
        assertThat(CommandStatus.REJECTED.canFollow(CommandStatus.QUEUED)).isTrue();
    }

    @Test
    void aLateEarlierStep_neverMovesACommandBack() {
        assertThat(CommandStatus.DELIVERED.canFollow(CommandStatus.SUCCEEDED)).isFalse();
        assertThat(CommandStatus.SENT.canFollow(CommandStatus.DELIVERED)).isFalse();
        assertThat(CommandStatus.IN_PROGRESS.canFollow(CommandStatus.FAILED)).isFalse();
    }

    @Test
    void finalStates_areFinal_exceptTimedOutWhichTheCarsLateAnswerSettles() {
        for (CommandStatus terminal : new CommandStatus[] {
            CommandStatus.SUCCEEDED,
            CommandStatus.FAILED,
            CommandStatus.REJECTED,
            CommandStatus.EXPIRED,
            CommandStatus.CANCELLED
        }) {
            for (CommandStatus next : CommandStatus.values()) {
                assertThat(next.canFollow(terminal))
                        .as(terminal + " -> " + next)
                        .isFalse();
            }
        }
        assertThat(CommandStatus.SUCCEEDED.canFollow(CommandStatus.TIMED_OUT)).isTrue();
        assertThat(CommandStatus.EXPIRED.canFollow(CommandStatus.TIMED_OUT)).isFalse();
    }

    @Test
    void onlyQueuedCommands_expire_andOnlySentOnes_timeOut() {
        assertThat(CommandStatus.EXPIRED.predecessors()).containsExactly(CommandStatus.QUEUED);
        assertThat(CommandStatus.TIMED_OUT.predecessors())
                .containsExactlyInAnyOrder(CommandStatus.SENT, CommandStatus.DELIVERED, CommandStatus.IN_PROGRESS);
    }
}
