package dev.carlink.command.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.proto.v1.CabinPosition;
import dev.carlink.proto.v1.ChildPresence;
import dev.carlink.proto.v1.OccupancyStatus;
import dev.carlink.proto.v1.Seat;
import dev.carlink.proto.v1.Telemetry;
import org.junit.jupiter.api.Test;

class HotCabinRuleTest {

    private final HotCabinRule rule = new HotCabinRule(RulesConfig.defaults().hotCabin(), null, null, null);

    private static Telemetry.Builder parked(float cabin) {
        return Telemetry.newBuilder()
                .setTimestampMs(1)
                .setSeq(1)
                .setCabinTemperatureC(cabin)
                .setSelectedGear(126);
    }

    private static Seat seat(CabinPosition position, OccupancyStatus status) {
        return Seat.newBuilder().setPosition(position).setOccupancy(status).build();
    }

    @Test
    void aParkedHotCabinWithAChildOrAnOccupiedSeat_isAnEmergency() {
        assertThat(rule.read(
                        parked(41)
                                .setChildPresence(ChildPresence.CHILD_PRESENCE_DETECTED)
                                .build(),
                        false))
                .isEqualTo(HotCabinRule.Reading.EMERGENCY);
        assertThat(rule.read(
                        parked(45)
                                .addSeats(seat(
                                        CabinPosition.CABIN_POSITION_ROW2_DRIVER_SIDE,
                                        OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED))
                                .build(),
                        false))
                .isEqualTo(HotCabinRule.Reading.EMERGENCY);
    }

    @Test
    void nobodyInside_notHotEnough_orNotParked_isNothing() {
        assertThat(rule.read(parked(60).build(), false)).isEqualTo(HotCabinRule.Reading.NO_CHANGE);
        assertThat(rule.read(
                        parked(60)
                                .addSeats(seat(
                                        CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE,
                                        OccupancyStatus.OCCUPANCY_STATUS_UNKNOWN))
                                .setChildPresence(ChildPresence.CHILD_PRESENCE_NOT_DETECTED)
                                .build(),
                        false))
                .as("an unknown seat blocks sterilization, but is no one to rescue")
                .isEqualTo(HotCabinRule.Reading.NO_CHANGE);
        assertThat(rule.read(
                        parked(40)
                                .setChildPresence(ChildPresence.CHILD_PRESENCE_DETECTED)
                                .build(),
                        false))
                .as("above 40, not at 40")
                .isEqualTo(HotCabinRule.Reading.NO_CHANGE);
        assertThat(rule.read(
                        parked(50)
                                .setSelectedGear(127)
                                .setChildPresence(ChildPresence.CHILD_PRESENCE_DETECTED)
                                .build(),
                        false))
                .as("driving")
                .isEqualTo(HotCabinRule.Reading.NO_CHANGE);
        assertThat(rule.read(
                        Telemetry.newBuilder()
                                .setSelectedGear(126)
                                .setChildPresence(ChildPresence.CHILD_PRESENCE_DETECTED)
                                .build(),
                        false))
                .as("no temperature known")
                .isEqualTo(HotCabinRule.Reading.NO_CHANGE);
    }

    @Test
    void anEmergencyEnds_belowTheClearTemperature_orWhenNobodyIsInside_orTheCarDrives() {
        Telemetry.Builder child = parked(38).setChildPresence(ChildPresence.CHILD_PRESENCE_DETECTED);
        assertThat(rule.read(child.build(), true))
                .as("38 °C is still above the clear temperature (35)")
                .isEqualTo(HotCabinRule.Reading.NO_CHANGE);
        assertThat(rule.read(child.setCabinTemperatureC(34).build(), true)).isEqualTo(HotCabinRule.Reading.CLEAR);
        assertThat(rule.read(parked(45).build(), true)).isEqualTo(HotCabinRule.Reading.CLEAR);
        assertThat(rule.read(
                        parked(45)
                                .setSelectedGear(127)
                                .setChildPresence(ChildPresence.CHILD_PRESENCE_DETECTED)
                                .build(),
                        true))
                .isEqualTo(HotCabinRule.Reading.CLEAR);
    }
}
