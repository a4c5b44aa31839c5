package dev.carlink.command.task;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskStatusTest {

    @Test
    void aTaskIsClaimedBeforeItIsResolved() {
        assertThat(TaskStatus.CLAIMED.canFollow(TaskStatus.OPEN)).isTrue();
        assertThat(TaskStatus.RESOLVED.canFollow(TaskStatus.CLAIMED)).isTrue();
        assertThat(TaskStatus.RESOLVED.canFollow(TaskStatus.OPEN)).isFalse();
    }

    @Test
    void closedTasks_stayClosed() {
        for (TaskStatus next : TaskStatus.values()) {
            assertThat(next.canFollow(TaskStatus.RESOLVED)).isFalse();
            assertThat(next.canFollow(TaskStatus.DISMISSED)).isFalse();
        }
    }

    @Test
    void anOpenTask_mayBeDismissed() {
        assertThat(TaskStatus.DISMISSED.canFollow(TaskStatus.OPEN)).isTrue();
        assertThat(TaskStatus.OPEN.isOpen()).isTrue();
        assertThat(TaskStatus.RESOLVED.isOpen()).isFalse();
    }
}
