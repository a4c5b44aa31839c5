package dev.carlink.command.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.carlink.proto.v1.Command;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class CommandSpecTest {

    @Test
    void climateStart_withOnlyATarget_defaultsTo20Minutes() {
        CommandSpec spec =
                CommandSpec.fromRequest(new JsonObject("{\"type\":\"CLIMATE_START\",\"targetTemperatureC\":22}"));

        assertThat(spec).isEqualTo(new CommandSpec.ClimateStartSpec(22, 20, false));
        Command.Builder command = Command.newBuilder();
        spec.applyTo(command);
        assertThat(command.getClimateStart().getDurationS()).isEqualTo(1200);
        assertThat(command.getClimateStart().getTargetTemperatureC()).isEqualTo(22f);
    }

    @Test
    void climateStart_targetOutside16To30_namesTheField() {
        assertThatThrownBy(() -> CommandSpec.fromRequest(
                        new JsonObject("{\"type\":\"CLIMATE_START\",\"targetTemperatureC\":31}")))
                .isInstanceOfSatisfying(
                        FieldError.class, e -> assertThat(e.field()).isEqualTo("targetTemperatureC"))
                .hasMessageContaining("16..30");
        assertThatThrownBy(() -> CommandSpec.fromRequest(
                        new JsonObject("{\"type\":\"CLIMATE_START\",\"targetTemperatureC\":15.9}")))
                .isInstanceOf(FieldError.class);
    }

    @Test
    void climateStart_durationAbove30Minutes_isRefusedNotClamped() {
        assertThatThrownBy(() -> CommandSpec.fromRequest(new JsonObject(
                        "{\"type\":\"CLIMATE_START\",\"targetTemperatureC\":22,\"durationMinutes\":31}")))
                .isInstanceOfSatisfying(
                        FieldError.class, e -> assertThat(e.field()).isEqualTo("durationMinutes"));
    }

    @Test
    void wrongTypes_missingFields_andUnknownFields_areRefusedByName() {
        assertThatThrownBy(() -> CommandSpec.fromRequest(
                        new JsonObject("{\"type\":\"CLIMATE_START\",\"targetTemperatureC\":\"cold\"}")))
                .isInstanceOfSatisfying(
                        FieldError.class, e -> assertThat(e.field()).isEqualTo("targetTemperatureC"));
        assertThatThrownBy(() -> CommandSpec.fromRequest(new JsonObject("{\"type\":\"CLIMATE_START\"}")))
                .hasMessageContaining("targetTemperatureC: is required");
        assertThatThrownBy(() -> CommandSpec.fromRequest(new JsonObject("{\"type\":\"CLIMATE_STOP\",\"force\":true}")))
                .isInstanceOfSatisfying(
                        FieldError.class, e -> assertThat(e.field()).isEqualTo("force"));
        assertThatThrownBy(() -> CommandSpec.fromRequest(new JsonObject("{\"type\":\"LAUNCH\"}")))
                .isInstanceOfSatisfying(
                        FieldError.class, e -> assertThat(e.field()).isEqualTo("type"));
    }

    @Test
    void fatigueReminder_cannotBeRequestedByAnOwner() {
        assertThatThrownBy(() -> CommandSpec.fromRequest(new JsonObject("{\"type\":\"FATIGUE_REMINDER\"}")))
                .hasMessageContaining("sent by the backend only");
    }

    @Test
    void sterilizationStart_defaultsAndLimits() {
        CommandSpec spec = CommandSpec.fromRequest(
                new JsonObject("{\"type\":\"STERILIZATION_START\",\"checklistConfirmed\":true}"));
        assertThat(spec).isEqualTo(new CommandSpec.SterilizationStartSpec(56, 15, 5, true));

        assertThatThrownBy(() -> CommandSpec.fromRequest(
                        new JsonObject("{\"type\":\"STERILIZATION_START\",\"targetTemperatureC\":50}")))
                .hasMessageContaining("56..60");
        assertThatThrownBy(() -> CommandSpec.fromRequest(
                        new JsonObject("{\"type\":\"STERILIZATION_START\",\"holdMinutes\":14.5}")))
                .hasMessageContaining("whole number");
    }

    @Test
    void storedParams_rebuildTheSameSpec() {
        CommandSpec original = new CommandSpec.SterilizationStartSpec(58, 20, 3, true);

        assertThat(CommandSpec.fromStored(original.type(), original.params())).isEqualTo(original);
    }
}
