package dev.carlink.simulator.car;

import dev.carlink.proto.v1.SterilizationPhase;

/** One running sterilization cycle: its command, parameters, phase and timers. */
final class SterilizationCycle {

    /** How long the car re-checks its sensors before heating. */
    static final double PRECHECK_S = 5;
    /** Heating that has not reached the target within this time gives up. */
    static final double HEATING_TIMEOUT_S = 3600;

    final String commandId;
    final double targetC;
    final double holdS;
    final double ventilateS;
    SterilizationPhase phase = SterilizationPhase.STERILIZATION_PHASE_PRECHECK;
    double phaseElapsedS;
    double heldS;

    SterilizationCycle(String commandId, double targetC, double holdS, double ventilateS) {
        this.commandId = commandId;
        this.targetC = targetC;
        this.holdS = holdS;
        this.ventilateS = ventilateS;
    }

    void enter(SterilizationPhase next) {
        phase = next;
        phaseElapsedS = 0;
    }

    /** Whether the cabin is heated or held (the phases that need the interlocks). */
    boolean heats() {
        return phase == SterilizationPhase.STERILIZATION_PHASE_PRECHECK
                || phase == SterilizationPhase.STERILIZATION_PHASE_HEATING
                || phase == SterilizationPhase.STERILIZATION_PHASE_HOLDING;
    }
}
