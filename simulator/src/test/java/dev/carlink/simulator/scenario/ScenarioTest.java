package dev.carlink.simulator.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.carlink.proto.v1.CabinPosition;
import dev.carlink.proto.v1.OccupancyStatus;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScenarioTest {

    private static final String CAR = "\"car\": {\"owner\": \"alice\"}";

    private static Scenario parse(String steps) {
        return Scenario.parse("{\"name\": \"t\", " + CAR + ", \"steps\": [" + steps + "]}", "t.json");
    }

    @Test
    void everyShippedScenario_parses() {
        Map<String, Scenario> library = ScenarioLibrary.load();

        assertThat(library).hasSize(ScenarioLibrary.FILES.size());
        assertThat(library.values()).allSatisfy(s -> assertThat(s.steps()).isNotEmpty());
    }

    @Test
    void aTimeline_readsActionsAndExpectations_withDefaults() {
        Scenario s = Scenario.parse(
                "{\"name\": \"n\", \"timeScale\": 20, \"car\": {\"owner\": \"bob\", \"exteriorC\": 35,"
                        + " \"occupiedSeats\": [\"ROW2_MIDDLE\"]}, \"steps\": ["
                        + "{\"at\": \"1m\", \"do\": \"command\", \"as\": \"c\", \"command\": {\"type\": \"CLIMATE_STOP\"}},"
                        + "{\"expect\": \"command\", \"ref\": \"c\", \"status\": \"SUCCEEDED\"},"
                        + "{\"at\": \"2m\", \"expect\": \"signal\", \"signal\": \"Vehicle.Speed\", \"below\": 1, \"within\": \"30s\"}]}",
                "n.json");

        assertThat(s.timeScale()).isEqualTo(20);
        assertThat(s.car().owner()).isEqualTo("bob");
        assertThat(s.car().cabinC()).isEqualTo(35);
        assertThat(s.car().seats())
                .containsEntry(CabinPosition.CABIN_POSITION_ROW2_MIDDLE, OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED);
        assertThat(s.steps())
                .extracting(Scenario.Step::at)
                .containsExactly(Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(2));
        assertThat(s.steps().get(1).expectation().within()).isEqualTo(Scenario.DEFAULT_WITHIN);
        assertThat(s.steps().get(2).expectation()).isInstanceOf(Scenario.SignalIs.class);
    }

    @Test
    void anUnknownField_isNamedWithItsPlace() {
        assertThatThrownBy(() -> parse("{\"do\": \"cabin\", \"celsius\": 30, \"colour\": \"red\"}"))
                .isInstanceOf(ScenarioFormatException.class)
                .hasMessageContaining("t.json.steps[0].colour");
    }

    @Test
    void aBadDuration_anUnknownAction_andABadEnum_areNamed() {
        assertThatThrownBy(() -> parse("{\"at\": \"soon\", \"do\": \"disconnect\"}"))
                .hasMessageContaining("steps[0].at")
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> parse("{\"do\": \"teleport\"}")).hasMessageContaining("teleport");
        assertThatThrownBy(() -> parse("{\"do\": \"openDoor\", \"door\": \"ROOF\"}"))
                .hasMessageContaining("ROW1_DRIVER_SIDE")
                .hasMessageContaining("ROOF");
    }

    @Test
    void anExpectationMustReferToAnEarlierCommand() {
        assertThatThrownBy(() -> parse("{\"expect\": \"command\", \"ref\": \"ghost\", \"status\": \"SUCCEEDED\"}"))
                .hasMessageContaining("'ghost' is not named");
    }

    @Test
    void schedulesAndInjectedCommands_readWithTheirExpectations() {
        Scenario s =
                parse("{\"do\": \"schedule\", \"as\": \"m\", \"readyIn\": \"3m\", \"timeZone\": \"Europe/Berlin\"},"
                        + "{\"expect\": \"schedule\", \"ref\": \"m\", \"skipped\": \"SOC_TOO_LOW\"},"
                        + "{\"do\": \"injectCommand\", \"as\": \"f\", \"attack\": \"forged\"},"
                        + "{\"expect\": \"carRefused\", \"ref\": \"f\", \"reasonCode\": \"SIGNATURE_INVALID\"},"
                        + "{\"expect\": \"carActed\", \"ref\": \"f\", \"times\": 0}");

        assertThat(s.steps().get(0).action())
                .isEqualTo(new Scenario.CreateSchedule("m", Duration.ofMinutes(3), 22, "Europe/Berlin"));
        assertThat(s.steps().get(1).expectation())
                .isEqualTo(new Scenario.ScheduleDecided("m", false, "SOC_TOO_LOW", Scenario.DEFAULT_WITHIN));
        assertThat(s.steps().get(2).action()).isEqualTo(new Scenario.InjectCommand("f", Scenario.Attack.FORGED));
        assertThat(s.steps().get(3).expectation())
                .isEqualTo(new Scenario.CarRefused("f", "SIGNATURE_INVALID", Scenario.DEFAULT_WITHIN));
        assertThat(s.steps().get(4).expectation()).isEqualTo(new Scenario.CarActed("f", 0, Scenario.DEFAULT_WITHIN));
    }

    @Test
    void scheduleAndAttackMistakes_areNamed() {
        assertThatThrownBy(() -> parse("{\"do\": \"schedule\", \"as\": \"m\", \"readyIn\": \"2d\"}"))
                .hasMessageContaining("steps[0].readyIn");
        assertThatThrownBy(() -> parse("{\"do\": \"schedule\", \"as\": \"m\", \"readyIn\": \"25h\"}"))
                .hasMessageContaining("0s..24h");
        assertThatThrownBy(() -> parse(
                        "{\"do\": \"schedule\", \"as\": \"m\", \"readyIn\": \"1m\", \"timeZone\": \"Mars/Olympus\"}"))
                .hasMessageContaining("Mars/Olympus");
        assertThatThrownBy(() -> parse("{\"do\": \"schedule\", \"as\": \"m\", \"readyIn\": \"1m\"},"
                        + "{\"expect\": \"schedule\", \"ref\": \"m\", \"ran\": true, \"skipped\": \"MISSED\"}"))
                .hasMessageContaining("exactly one of ran");
        assertThatThrownBy(() -> parse("{\"do\": \"injectCommand\", \"as\": \"r\", \"attack\": \"REPLAYED\"}"))
                .hasMessageContaining("needs a genuine command");
        assertThatThrownBy(() -> parse("{\"do\": \"injectCommand\", \"as\": \"r\", \"attack\": \"BRIBED\"}"))
                .hasMessageContaining("FORGED")
                .hasMessageContaining("BRIBED");
        assertThatThrownBy(() -> parse("{\"do\": \"injectCommand\", \"as\": \"f\", \"attack\": \"UNSIGNED\"},"
                        + "{\"expect\": \"carRefused\", \"ref\": \"f\", \"reasonCode\": \"BAD_VIBES\"}"))
                .hasMessageContaining("SIGNATURE_MISSING");
    }

    @Test
    void anExpectationMustReferToTheRightKindOfStep() {
        assertThatThrownBy(
                        () -> parse("{\"do\": \"command\", \"as\": \"c\", \"command\": {\"type\": \"CLIMATE_STOP\"}},"
                                + "{\"expect\": \"schedule\", \"ref\": \"c\", \"ran\": true}"))
                .hasMessageContaining("'c' names a command");
        assertThatThrownBy(() -> parse("{\"do\": \"schedule\", \"as\": \"m\", \"readyIn\": \"1m\"},"
                        + "{\"do\": \"injectCommand\", \"as\": \"m\", \"attack\": \"UNSIGNED\"}"))
                .hasMessageContaining("'m' is already used");
    }

    @Test
    void stepsOutOfTimeOrder_areRefused() {
        assertThatThrownBy(() ->
                        parse("{\"at\": \"2m\", \"do\": \"disconnect\"}, {\"at\": \"1m\", \"do\": \"reconnect\"}"))
                .hasMessageContaining("time order");
    }

    @Test
    void aStepWithBothOrNeitherDoAndExpect_isRefused() {
        assertThatThrownBy(() -> parse("{\"at\": \"1m\"}")).hasMessageContaining("exactly one of do or expect");
        assertThatThrownBy(() -> parse("{\"do\": \"disconnect\", \"expect\": \"reminder\"}"))
                .hasMessageContaining("exactly one of do or expect");
    }

    @Test
    void notJson_andATimeScaleOutOfRange_areRefused() {
        assertThatThrownBy(() -> Scenario.parse("steps: []", "y.yaml"))
                .hasMessageContaining("y.yaml: not a JSON object");
        assertThatThrownBy(() -> Scenario.parse(
                        "{\"name\": \"t\", \"timeScale\": 0, " + CAR + ", \"steps\": [{\"do\": \"disconnect\"}]}",
                        "t.json"))
                .hasMessageContaining("timeScale");
    }
}
