package dev.carlink.telemetry.erase;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EraseHandlerTest {

    @Test
    void problem_ofAnOwnersCars_isNone() {
        assertThat(EraseHandler.problem(List.of("SMCAR000000000001", "SMCAR000000000002")))
                .isEmpty();
    }

    @Test
    void problem_ofNoCars_isRefusedRatherThanErasingNothingSilently() {
        assertThat(EraseHandler.problem(List.of())).contains("vins must name at least one car");
    }

    @Test
    void problem_ofABadVin_namesIt() {
        assertThat(EraseHandler.problem(List.of("SMCAR000000000001", "SMCAR00000000000I")))
                .hasValueSatisfying(
                        detail -> assertThat(detail).contains("vin must be 17 characters", "SMCAR00000000000I"));
    }

    @Test
    void problem_ofMoreCarsThanARequestMayName_saysHowMany() {
        List<String> vins = new ArrayList<>();
        for (int i = 0; i <= EraseHandler.MAX_VINS; i++) {
            vins.add(String.format("SMCAR%012d", i));
        }

        assertThat(EraseHandler.problem(vins)).contains("vins may name at most 1000 cars, was 1001");
    }
}
