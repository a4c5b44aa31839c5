package dev.carlink.telemetry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.carlink.proto.v1.CabinPosition;
import dev.carlink.proto.v1.Door;
import dev.carlink.proto.v1.OccupancyStatus;
import dev.carlink.proto.v1.Seat;
import dev.carlink.telemetry.Samples;
import java.util.List;
import org.junit.jupiter.api.Test;

class CabinJsonTest {

    @Test
    void doors_roundTrip_givesEqualDoorsWithExactFloats() {
        // given
        List<Door> doors = List.of(
                Samples.door(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE, true, false, 33.333332f),
                Samples.door(CabinPosition.CABIN_POSITION_ROW2_PASSENGER_SIDE, false, true, 0.1f),
                Samples.door(CabinPosition.CABIN_POSITION_ROW2_DRIVER_SIDE, false, false, 1.0E-7f));

        // when
        String json = CabinJson.doors(doors);

        // then
        assertThat(json)
                .startsWith("[{\"position\":1,\"is_open\":true,\"is_locked\":false,\"window_position_pct\":33.333332}");
        assertThat(CabinJson.readDoors(json)).isEqualTo(doors);
    }

    @Test
    void readDoors_ofJsonbNormalisedText_givesTheSameDoors() {
        // given: PostgreSQL's jsonb output reorders keys, adds spaces and rewrites exponents
        String jsonb =
                "[{\"is_open\": true, \"position\": 1, \"is_locked\": false," + " \"window_position_pct\": 0.0000001}]";

        // when / then
        assertThat(CabinJson.readDoors(jsonb))
                .containsExactly(Samples.door(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE, true, false, 1.0E-7f));
    }

    @Test
    void seats_roundTrip_givesEqualSeats() {
        // given
        List<Seat> seats = List.of(
                Samples.seat(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE, OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED),
                Samples.seat(CabinPosition.CABIN_POSITION_ROW2_MIDDLE, OccupancyStatus.OCCUPANCY_STATUS_UNKNOWN));

        // when
        String json = CabinJson.seats(seats);

        // then
        assertThat(json).isEqualTo("[{\"position\":1,\"occupancy\":1},{\"position\":4,\"occupancy\":0}]");
        assertThat(CabinJson.readSeats(json)).isEqualTo(seats);
    }

    @Test
    void emptyLists_areStoredAsNullAndReadBackEmpty() {
        // when / then
        assertThat(CabinJson.doors(List.of())).isNull();
        assertThat(CabinJson.seats(List.of())).isNull();
        assertThat(CabinJson.readDoors(null)).isEmpty();
        assertThat(CabinJson.readSeats(null)).isEmpty();
    }

    @Test
    void readDoors_ofSomethingElse_failsLoudly() {
        // when / then
        assertThatThrownBy(() -> CabinJson.readDoors("{\"position\":1}"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("expected START_ARRAY");
        assertThatThrownBy(() -> CabinJson.readSeats("[{\"position\":")).isInstanceOf(IllegalStateException.class);
    }
}
