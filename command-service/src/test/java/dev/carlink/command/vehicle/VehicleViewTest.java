package dev.carlink.command.vehicle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.command.vehicle.VehicleView.Presence;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class VehicleViewTest {

    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    private static VehicleView view(boolean online, Instant connectedAt, Instant asleepSince, Instant checkInBy) {
        return new VehicleView(
                "SLEEPCAR000000001",
                "alice",
                "car",
                online,
                T0,
                "mqtt-3.1.1",
                T0.minusSeconds(3600),
                T0,
                connectedAt,
                asleepSince,
                checkInBy);
    }

    @Test
    void connected_isOnline_evenAfterAnnouncingSleep() {
        VehicleView v = view(true, T0, T0.plusSeconds(5), T0.plusSeconds(905));

        assertThat(v.presence(T0.plusSeconds(10))).isEqualTo(Presence.ONLINE);
        assertThat(v.asleepUntil()).isNull();
    }

    @Test
    void awayAfterAnnouncingSleep_isAsleepUntilTheCheckInPlusATenth() {
        VehicleView v = view(false, T0, T0.plusSeconds(100), T0.plusSeconds(1000)); // a 900 s promise

        assertThat(v.asleepUntil()).isEqualTo(T0.plusSeconds(1090));
        assertThat(v.presence(T0.plusSeconds(1089))).isEqualTo(Presence.ASLEEP);
        assertThat(v.presence(T0.plusSeconds(1090))).isEqualTo(Presence.OFFLINE);
    }

    @Test
    void aShortPromise_getsAtLeastTenSecondsOfGrace() {
        VehicleView v = view(false, T0, T0.plusSeconds(100), T0.plusSeconds(108));

        assertThat(v.asleepUntil()).isEqualTo(T0.plusSeconds(118));
    }

    @Test
    void anAnnouncementOlderThanTheLastConnect_doesNotCount() {
        VehicleView v = view(false, T0.plusSeconds(200), T0.plusSeconds(100), T0.plusSeconds(1000));

        assertThat(v.presence(T0.plusSeconds(300))).isEqualTo(Presence.OFFLINE);
        assertThat(v.asleepUntil()).isNull();
    }

    @Test
    void awayWithoutAnyAnnouncement_isOffline() {
        assertThat(view(false, T0, null, null).presence(T0.plusSeconds(1))).isEqualTo(Presence.OFFLINE);
        assertThat(view(false, null, null, null).presence(T0)).isEqualTo(Presence.OFFLINE);
    }

    @Test
    void wireNames() {
        assertThat(Presence.ASLEEP.wire()).isEqualTo("asleep");
    }
}
