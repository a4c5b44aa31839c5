package dev.carlink.simulator.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.simulator.mqtt.Outbox.Kind;
import dev.carlink.simulator.mqtt.Outbox.Message;
import org.junit.jupiter.api.Test;

class OutboxTest {

    private static Message message(Kind kind, String name) {
        return new Message(kind, name, new byte[0]);
    }

    @Test
    void full_dropsTheOldestTelemetryFirstAndKeepsResults() {
        // given a full outbox of a result and two samples
        Outbox outbox = new Outbox(3);
        outbox.add(message(Kind.RESULT, "r1"));
        outbox.add(message(Kind.TELEMETRY, "t1"));
        outbox.add(message(Kind.TELEMETRY, "t2"));

        // when an event arrives
        Message dropped = outbox.add(message(Kind.EVENT, "e1"));

        // then the oldest sample made room, the result stays, the drop is counted
        assertThat(dropped.topic()).isEqualTo("t1");
        assertThat(outbox.dropped()).isEqualTo(1);
        assertThat(outbox.poll().topic()).isEqualTo("r1");
        assertThat(outbox.poll().topic()).isEqualTo("t2");
        assertThat(outbox.poll().topic()).isEqualTo("e1");
        assertThat(outbox.poll()).isNull();
    }

    @Test
    void full_withoutTelemetry_dropsTheOldestMessage() {
        Outbox outbox = new Outbox(2);
        outbox.add(message(Kind.RESULT, "r1"));
        outbox.add(message(Kind.EVENT, "e1"));

        Message dropped = outbox.add(message(Kind.RESULT, "r2"));

        assertThat(dropped.topic()).isEqualTo("r1");
        assertThat(outbox.size()).isEqualTo(2);
    }

    @Test
    void failedPublish_returnsToTheHead() {
        Outbox outbox = new Outbox(10);
        outbox.add(message(Kind.TELEMETRY, "t1"));
        outbox.add(message(Kind.TELEMETRY, "t2"));
        Message first = outbox.poll();

        outbox.returnToHead(first);

        assertThat(outbox.poll().topic()).isEqualTo("t1");
        assertThat(outbox.dropped()).isZero();
    }
}
