package dev.carlink.command.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.proto.bus.v1.LatestState;
import dev.carlink.proto.v1.Hvac;
import dev.carlink.proto.v1.HvacMode;
import dev.carlink.proto.v1.Telemetry;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TelemetryEvidenceTest {

    private static final Instant SENT = Instant.parse("2026-06-01T12:00:00Z");

    private static CommandRecord command(CommandType type) {
        return new CommandRecord(
                UUID.randomUUID(),
                "SMCAR000000000001",
                type,
                new JsonObject(),
                CommandStatus.DELIVERED,
                null,
                null,
                "owner:o",
                SENT,
                SENT,
                SENT.plusSeconds(300),
                SENT.plusSeconds(60),
                List.of());
    }

    private static Optional<LatestState> sample(Instant at, HvacMode mode, boolean acActive) {
        return Optional.of(LatestState.newBuilder()
                .setTelemetry(Telemetry.newBuilder()
                        .setTimestampMs(at.toEpochMilli())
                        .setHvac(Hvac.newBuilder().setMode(mode).setIsAirConditioningActive(acActive)))
                .build());
    }

    @Test
    void acRunningAfterTheStartWasSent_provesTheStart() {
        assertThat(TelemetryEvidence.proves(
                        command(CommandType.CLIMATE_START),
                        sample(SENT.plusSeconds(5), HvacMode.HVAC_MODE_COOLING, true)))
                .hasValueSatisfying(p -> assertThat(p).contains("climate running"));
    }

    @Test
    void aSampleFromBeforeTheCommand_provesNothing() {
        assertThat(TelemetryEvidence.proves(
                        command(CommandType.CLIMATE_START),
                        sample(SENT.minusSeconds(5), HvacMode.HVAC_MODE_COOLING, true)))
                .isEmpty();
    }

    @Test
    void acOff_doesNotProveAStart_butProvesAStop() {
        Optional<LatestState> off = sample(SENT.plusSeconds(5), HvacMode.HVAC_MODE_OFF, false);

        assertThat(TelemetryEvidence.proves(command(CommandType.CLIMATE_START), off))
                .isEmpty();
        assertThat(TelemetryEvidence.proves(command(CommandType.CLIMATE_STOP), off))
                .isPresent();
    }

    @Test
    void noStateOrOtherCommands_proveNothing() {
        assertThat(TelemetryEvidence.proves(command(CommandType.CLIMATE_START), Optional.empty()))
                .isEmpty();
        assertThat(TelemetryEvidence.proves(
                        command(CommandType.STERILIZATION_START),
                        sample(SENT.plusSeconds(5), HvacMode.HVAC_MODE_OFF, false)))
                .isEmpty();
    }
}
