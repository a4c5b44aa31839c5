package dev.carlink.telemetry.consent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.proto.v1.Telemetry;
import org.junit.jupiter.api.Test;

class DriverMonitoringTest {

    @Test
    void withheld_removesFatigueLevelAndEyesOnRoad_only() {
        Telemetry t = Telemetry.newBuilder()
                .setSeq(9)
                .setTimestampMs(1_700_000_000_000L)
                .setSpeedKmh(88)
                .setFatigueLevel(FatigueLevel.FATIGUE_LEVEL_NONE)
                .setIsEyesOnRoad(true)
                .build();

        Telemetry withheld = DriverMonitoring.withheld(t);

        assertThat(DriverMonitoring.carried(t)).isTrue();
        assertThat(DriverMonitoring.carried(withheld)).isFalse();
        assertThat(withheld)
                .isEqualTo(t.toBuilder().clearFatigueLevel().clearIsEyesOnRoad().build());
        assertThat(withheld.getSpeedKmh()).isEqualTo(88);
    }

    @Test
    void withheld_ofASampleWithoutDriverMonitoring_isTheSameSample() {
        Telemetry t = Telemetry.newBuilder()
                .setSeq(1)
                .setTimestampMs(1_700_000_000_000L)
                .setCabinTemperatureC(20)
                .build();

        assertThat(DriverMonitoring.withheld(t)).isSameAs(t);
    }
}
