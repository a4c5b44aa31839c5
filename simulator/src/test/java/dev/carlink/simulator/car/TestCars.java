package dev.carlink.simulator.car;

import dev.carlink.proto.v1.ClimateStart;
import dev.carlink.proto.v1.ClimateStop;
import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.proto.v1.FatigueReminder;
import dev.carlink.proto.v1.SterilizationCancel;
import dev.carlink.proto.v1.SterilizationPhase;
import dev.carlink.proto.v1.SterilizationStart;
import dev.carlink.proto.v1.VehicleEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/** Fixtures: a car at a fixed instant and commands for it. */
final class TestCars {

    static final String VIN = "SMCAR000000000042";
    /** 10:00 UTC: no circadian dip, so fatigue time counts 1:1. */
    static final Instant NOW = Instant.parse("2025-06-02T10:00:00Z");

    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private TestCars() {}

    /** A parked, locked, empty car with the driver acknowledging everything at once. */
    static SimulatedCar car() {
        return car(FatigueConfig.DEFAULTS);
    }

    static SimulatedCar car(FatigueConfig fatigue) {
        return new SimulatedCar(
                CarConfig.of(VIN).withFatigue(fatigue).withReminderAcknowledgeDelay(Duration.ZERO), CLOCK);
    }

    static Command.Builder command() {
        return Command.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setVin(VIN)
                .setIssuedAtMs(NOW.toEpochMilli() - 1000)
                .setExpiresAtMs(NOW.plusSeconds(60).toEpochMilli());
    }

    static Command climateStart(double target, int durationS) {
        return command()
                .setClimateStart(ClimateStart.newBuilder()
                        .setTargetTemperatureC((float) target)
                        .setDurationS(durationS))
                .build();
    }

    static Command climateStop() {
        return command().setClimateStop(ClimateStop.getDefaultInstance()).build();
    }

    static Command sterilizationStart(double target, int holdS, int ventilateS, boolean checklist) {
        return command()
                .setSterilizationStart(SterilizationStart.newBuilder()
                        .setTargetTemperatureC((float) target)
                        .setHoldS(holdS)
                        .setVentilateS(ventilateS)
                        .setChecklistConfirmed(checklist))
                .build();
    }

    static Command sterilizationStart() {
        return sterilizationStart(56, 900, 120, true);
    }

    static Command sterilizationCancel() {
        return command()
                .setSterilizationCancel(SterilizationCancel.getDefaultInstance())
                .build();
    }

    static Command reminder() {
        return command()
                .setFatigueReminder(FatigueReminder.newBuilder()
                        .setLevel(FatigueLevel.FATIGUE_LEVEL_WARNING)
                        .setText("time for a break"))
                .build();
    }

    static List<SterilizationPhase> phases(List<VehicleEvent> events) {
        return events.stream()
                .filter(VehicleEvent::hasSterilizationPhaseChanged)
                .map(e -> e.getSterilizationPhaseChanged().getPhase())
                .toList();
    }

    /** Steps one simulated second at a time until the phase is reached or the limit passes. */
    static void stepUntil(SimulatedCar car, SterilizationPhase phase, Duration limit) {
        for (long s = 0; s < limit.toSeconds() && car.sterilizationPhase() != phase; s++) {
            car.step(Duration.ofSeconds(1));
        }
    }
}
