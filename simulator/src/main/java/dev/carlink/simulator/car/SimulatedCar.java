package dev.carlink.simulator.car;

import dev.carlink.proto.ScheduleRules;
import dev.carlink.proto.v1.CabinPosition;
import dev.carlink.proto.v1.ChildPresence;
import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.CommandOutcome;
import dev.carlink.proto.v1.CommandResult;
import dev.carlink.proto.v1.Door;
import dev.carlink.proto.v1.FatigueAlert;
import dev.carlink.proto.v1.FatigueCause;
import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.proto.v1.Hvac;
import dev.carlink.proto.v1.HvacMode;
import dev.carlink.proto.v1.Location;
import dev.carlink.proto.v1.LowVoltageSystemState;
import dev.carlink.proto.v1.OccupancyStatus;
import dev.carlink.proto.v1.PublishError;
import dev.carlink.proto.v1.ReasonCode;
import dev.carlink.proto.v1.ReminderAcknowledged;
import dev.carlink.proto.v1.ScheduleRun;
import dev.carlink.proto.v1.ScheduleSet;
import dev.carlink.proto.v1.Seat;
import dev.carlink.proto.v1.SleepStarted;
import dev.carlink.proto.v1.SterilizationPhase;
import dev.carlink.proto.v1.SterilizationPhaseChanged;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.proto.v1.TripChanged;
import dev.carlink.proto.v1.VehicleEvent;
import dev.carlink.simulator.car.CabinThermalModel.HvacAction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated car: its body, cabin, HVAC, battery, driver and its own safety logic. Pure logic: no I/O, time
 * comes from the injected {@link Clock} (timestamps, command expiry) and from explicit {@link #step(Duration)}
 * calls (physics and timers), so tests drive it deterministically and a connection drives it in real time.
 *
 * <p>Outputs: {@link #execute(Command)} returns the results to publish at once; results decided later (end of a
 * sterilization, an abort, an acknowledged reminder) and every {@link VehicleEvent} wait in queues that the
 * connection drains ({@link #drainResults()}, {@link #drainEvents()}); an optional listener hears when something
 * was queued. Telemetry and event sequence numbers start at the clock's epoch milliseconds and increase by one,
 * so they never repeat across restarts.
 *
 * <p>The public mutators below the "test hooks" line are what a tester (or a scenario) does to the car: sit
 * down, open a door, shift to D. Every one of them runs the sterilization interlocks at once, as the real car
 * would. Thread-safe: all methods synchronise on the car.
 */
public final class SimulatedCar {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedCar.class);

    /** Vehicle.Powertrain.Transmission.SelectedGear for park. */
    public static final int GEAR_PARK = 126;
    /** Vehicle.Powertrain.Transmission.SelectedGear for drive. */
    public static final int GEAR_DRIVE = 127;

    /** Vehicle.Powertrain.Transmission.SelectedGear for neutral. */
    public static final int GEAR_NEUTRAL = 0;

    /** A scheduled A/C start is skipped below this state of charge, percent (no owner is there to override). */
    public static final double SCHEDULE_MIN_SOC_PCT = 20;
    /** Remote climate is refused below this state of charge, percent. */
    public static final double CLIMATE_MIN_SOC_PCT = 10;
    /** Sterilization is refused below this state of charge, percent. */
    public static final double STERILIZATION_MIN_SOC_PCT = 30;
    /** A sterilization aborts when the cabin exceeds this, °C. */
    public static final double OVER_TEMPERATURE_C = 70;
    /** Climate target range, °C. */
    public static final double CLIMATE_MIN_TARGET_C = 16;

    public static final double CLIMATE_MAX_TARGET_C = 30;
    /** Longest remote climate run, seconds. */
    public static final int CLIMATE_MAX_DURATION_S = 1800;
    /** Sterilization target range, °C. */
    public static final double STERILIZATION_MIN_TARGET_C = 56;

    public static final double STERILIZATION_MAX_TARGET_C = 60;
    /** Sterilization hold range, seconds. */
    public static final int STERILIZATION_MIN_HOLD_S = 900;

    public static final int STERILIZATION_MAX_HOLD_S = 1800;
    /** Sterilization ventilation range, seconds; 0 in a command means the default. */
    public static final int STERILIZATION_MIN_VENTILATE_S = 60;

    public static final int STERILIZATION_MAX_VENTILATE_S = 900;
    public static final int STERILIZATION_DEFAULT_VENTILATE_S = 300;

    /** The driver's comfort setpoint while driving, °C. */
    static final double COMFORT_TARGET_C = 21;
    /** How long COMPLETED or ABORTED stays visible before the phase returns to IDLE, simulated seconds. */
    static final double TERMINAL_PHASE_VISIBLE_S = 600;
    /** Histories (results, events, command ids) keep this many entries. */
    static final int HISTORY_LIMIT = 1000;

    private static final double BATTERY_J = 75_000 * 3600.0;
    private static final double DRIVE_J_PER_KM = 160 * 3600.0;
    private static final double AUXILIARY_W = 250;
    private static final double CHARGER_W = 11_000;
    private static final double CHARGE_LIMIT_PCT = 80;
    private static final double PLUG_IN_BELOW_PCT = 25;
    private static final double KM_PER_SOC_PCT = BATTERY_J / DRIVE_J_PER_KM / 100;
    private static final double METERS_PER_DEGREE = 111_320;

    private static final List<CabinPosition> DOOR_POSITIONS = List.of(
            CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE,
            CabinPosition.CABIN_POSITION_ROW1_PASSENGER_SIDE,
            CabinPosition.CABIN_POSITION_ROW2_DRIVER_SIDE,
            CabinPosition.CABIN_POSITION_ROW2_PASSENGER_SIDE);
    private static final List<CabinPosition> SEAT_POSITIONS = List.of(
            CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE,
            CabinPosition.CABIN_POSITION_ROW1_PASSENGER_SIDE,
            CabinPosition.CABIN_POSITION_ROW2_DRIVER_SIDE,
            CabinPosition.CABIN_POSITION_ROW2_MIDDLE,
            CabinPosition.CABIN_POSITION_ROW2_PASSENGER_SIDE);

    private static final class DoorState {
        boolean open;
        boolean locked = true;
        double windowPct;
    }

    private record RemoteClimate(double targetC, double remainingS) {}

    private record PendingAcknowledgement(String commandId, double remainingS) {}

    private record Violation(ReasonCode reason, String detail) {}

    private final CarConfig config;
    private final Clock clock;
    private final Random random;
    private final CabinThermalModel thermal;
    private final FatigueMonitor fatigue;
    private final Instant createdAt;

    private double simulatedS;
    private double latitude;
    private double longitude;
    private double headingDeg;
    private int gear = GEAR_PARK;
    private double speedKmh;
    private LowVoltageSystemState ignition = LowVoltageSystemState.LOW_VOLTAGE_SYSTEM_STATE_OFF;
    private final Map<CabinPosition, DoorState> doors = new EnumMap<>(CabinPosition.class);
    private boolean trunkOpen;
    private final Map<CabinPosition, OccupancyStatus> seats = new EnumMap<>(CabinPosition.class);
    private ChildPresence childPresence = ChildPresence.CHILD_PRESENCE_NOT_DETECTED;
    private Weather weather = Weather.DEFAULT;

    private RemoteClimate remoteClimate;
    private boolean comfortClimate;
    private double ventilationRemainingS;
    private SterilizationCycle cycle;
    private SterilizationPhase terminalPhase;
    private double terminalPhaseVisibleS;

    private double socPct = 80;
    private double odometerKm = 12_000;
    private boolean charging;

    private SpeedProfile trip;
    private Routine routine;
    private boolean routineDriving;
    private double routineRemainingS;

    private long nextTelemetrySeq;
    private long nextEventSeq;
    private final Deque<VehicleEvent> pendingEvents = new ArrayDeque<>();
    private final Deque<CommandResult> pendingResults = new ArrayDeque<>();
    private final Deque<VehicleEvent> eventHistory = new ArrayDeque<>();
    private final Deque<CommandResult> resultHistory = new ArrayDeque<>();
    private final Deque<PublishError> errors = new ArrayDeque<>();
    private final Deque<Reminder> reminders = new ArrayDeque<>();
    private final List<PendingAcknowledgement> pendingAcknowledgements = new ArrayList<>();
    private final Map<String, Optional<CommandResult>> executed = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<CommandResult>> eldest) {
            return size() > HISTORY_LIMIT;
        }
    };
    private Runnable outputListener = () -> {};
    private final CarSchedules schedules = new CarSchedules();

    public SimulatedCar(CarConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = new Random(config.seed());
        this.thermal = new CabinThermalModel(config.thermal(), weather.exteriorTemperatureC());
        this.fatigue = new FatigueMonitor(config.fatigue());
        this.createdAt = clock.instant();
        this.latitude = config.latitude();
        this.longitude = config.longitude();
        this.headingDeg = random.nextInt(360);
        this.nextTelemetrySeq = clock.millis();
        this.nextEventSeq = clock.millis();
        for (CabinPosition position : DOOR_POSITIONS) {
            doors.put(position, new DoorState());
        }
        for (CabinPosition position : SEAT_POSITIONS) {
            seats.put(position, OccupancyStatus.OCCUPANCY_STATUS_EMPTY);
        }
    }

    /** The car's own clock (it may be skewed by fault injection): verification and deadlines use it. */
    public Clock clock() {
        return clock;
    }

    public String vin() {
        return config.vin();
    }

    public CarConfig config() {
        return config;
    }

    /**
     * Registers who hears that results or events were queued (a connection that then drains them). Called with
     * the car's lock held: the listener must only hand work to another thread.
     */
    public synchronized void setOutputListener(Runnable listener) {
        this.outputListener = Objects.requireNonNull(listener, "listener");
    }

    // ------------------------------------------------------------------------------------------------ time

    /** Advances physics, timers, trips and the driver by {@code simulated} time, in sub-steps of at most 1 s. */
    public synchronized void step(Duration simulated) {
        Objects.requireNonNull(simulated, "simulated");
        if (simulated.isNegative()) {
            throw new IllegalArgumentException("simulated step must be >= 0, was " + simulated);
        }
        double remaining = simulated.toNanos() / 1e9;
        while (remaining > 1e-9) {
            double dt = Math.min(CabinThermalModel.MAX_SUBSTEP_S, remaining);
            substep(dt);
            remaining -= dt;
        }
        runDueSchedules();
    }

    private void substep(double dt) {
        simulatedS += dt;
        stepRoutine(dt);
        if (trip != null) {
            speedKmh = trip.step(speedKmh, dt);
            headingDeg = (headingDeg + (random.nextDouble() - 0.5) * 4 + 360) % 360;
        }
        move(dt);

        HvacAction action = thermalAction();
        double target = hvacTarget(action);
        CabinThermalModel.Inputs inputs = new CabinThermalModel.Inputs(
                weather.exteriorTemperatureC(),
                solarIrradiance(),
                action,
                target,
                openWindows(),
                speedKmh,
                occupants());
        CabinThermalModel.StepResult result = thermal.step(inputs, dt);
        useEnergy(result.hvacElectricalJ(), dt);

        if (remoteClimate != null) {
            double left = remoteClimate.remainingS() - dt;
            remoteClimate = left > 0 ? new RemoteClimate(remoteClimate.targetC(), left) : null;
            if (remoteClimate == null) {
                LOG.debug("remote climate switched off automatically [vin: {}]", vin());
            }
        }
        if (ventilationRemainingS > 0) {
            ventilationRemainingS = Math.max(0, ventilationRemainingS - dt);
        }
        if (terminalPhase != null) {
            terminalPhaseVisibleS -= dt;
            if (terminalPhaseVisibleS <= 0) {
                terminalPhase = null;
            }
        }
        stepSterilization(dt);
        checkInterlocks();
        stepFatigue(dt);
        stepReminders(dt);
    }

    private void stepRoutine(double dt) {
        if (routine == null) {
            return;
        }
        routineRemainingS -= dt;
        if (routineRemainingS > 0) {
            return;
        }
        if (routineDriving) {
            endTrip();
            routineDriving = false;
            routineRemainingS = routine.parkedLength().toSeconds();
            if (socPct < PLUG_IN_BELOW_PCT) {
                charging = true;
            }
        } else if (cycle != null) {
            // the owner does not walk into a cabin that is being sterilized
            routineRemainingS = 60;
        } else {
            startTrip();
            routineDriving = true;
            routineRemainingS = routine.tripLength().toSeconds();
        }
    }

    private void move(double dt) {
        if (speedKmh <= 0) {
            return;
        }
        double meters = speedKmh / 3.6 * dt;
        odometerKm += meters / 1000;
        double heading = Math.toRadians(headingDeg);
        latitude += meters * Math.cos(heading) / METERS_PER_DEGREE;
        longitude += meters * Math.sin(heading) / (METERS_PER_DEGREE * Math.cos(Math.toRadians(latitude)));
        latitude = Math.max(-89.9, Math.min(89.9, latitude));
        if (longitude > 180) {
            longitude -= 360;
        } else if (longitude < -180) {
            longitude += 360;
        }
    }

    private void useEnergy(double hvacElectricalJ, double dt) {
        double joules = hvacElectricalJ;
        joules += speedKmh / 3600 * dt * DRIVE_J_PER_KM;
        if (ignitionOn()) {
            joules += AUXILIARY_W * dt;
        }
        if (charging) {
            joules -= CHARGER_W * dt;
        }
        socPct = Math.max(0, Math.min(100, socPct - joules / BATTERY_J * 100));
        if (charging && socPct >= CHARGE_LIMIT_PCT) {
            charging = false;
        }
    }

    private void stepSterilization(double dt) {
        if (cycle == null) {
            return;
        }
        cycle.phaseElapsedS += dt;
        double cabin = thermal.cabinTemperatureC();
        switch (cycle.phase) {
            case STERILIZATION_PHASE_PRECHECK -> {
                if (cycle.phaseElapsedS >= SterilizationCycle.PRECHECK_S) {
                    enterPhase(SterilizationPhase.STERILIZATION_PHASE_HEATING);
                }
            }
            case STERILIZATION_PHASE_HEATING -> {
                if (cabin >= cycle.targetC) {
                    enterPhase(SterilizationPhase.STERILIZATION_PHASE_HOLDING);
                } else if (cycle.phaseElapsedS >= SterilizationCycle.HEATING_TIMEOUT_S) {
                    queueResult(abortCycle(
                            ReasonCode.REASON_CODE_INTERNAL_ERROR,
                            "cabin did not reach " + cycle.targetC + " °C within 60 min"));
                }
            }
            case STERILIZATION_PHASE_HOLDING -> {
                if (cabin >= cycle.targetC) {
                    cycle.heldS += dt;
                }
                if (cycle.heldS >= cycle.holdS) {
                    enterPhase(SterilizationPhase.STERILIZATION_PHASE_VENTILATING);
                }
            }
            case STERILIZATION_PHASE_VENTILATING -> {
                if (cycle.phaseElapsedS >= cycle.ventilateS) {
                    String commandId = cycle.commandId;
                    enterPhase(SterilizationPhase.STERILIZATION_PHASE_COMPLETED);
                    endCycle(SterilizationPhase.STERILIZATION_PHASE_COMPLETED);
                    queueResult(decide(
                            commandId,
                            CommandOutcome.COMMAND_OUTCOME_SUCCEEDED,
                            ReasonCode.REASON_CODE_UNSPECIFIED,
                            "sterilization completed"));
                    LOG.info("sterilization completed [vin: {}, commandId: {}]", vin(), commandId);
                }
            }
            default -> throw new IllegalStateException("sterilization cycle in phase " + cycle.phase);
        }
    }

    private void stepFatigue(double dt) {
        LocalTime localTime = simulatedInstant().atZone(clock.getZone()).toLocalTime();
        for (FatigueMonitor.Alert alert : fatigue.step(dt, isDriving(), localTime)) {
            emitFatigueAlert(alert);
        }
    }

    private void stepReminders(double dt) {
        if (pendingAcknowledgements.isEmpty()) {
            return;
        }
        List<String> due = new ArrayList<>();
        for (int i = 0; i < pendingAcknowledgements.size(); i++) {
            PendingAcknowledgement pending = pendingAcknowledgements.get(i);
            double left = pending.remainingS() - dt;
            if (left <= 0) {
                due.add(pending.commandId());
            } else {
                pendingAcknowledgements.set(i, new PendingAcknowledgement(pending.commandId(), left));
            }
        }
        pendingAcknowledgements.removeIf(p -> due.contains(p.commandId()));
        for (String commandId : due) {
            queueResult(acknowledgeReminder(commandId));
        }
    }

    // -------------------------------------------------------------------------------------------- telemetry

    /** A full sample of every signal, with the next telemetry sequence number. */
    public synchronized Telemetry telemetry() {
        Telemetry.Builder sample = Telemetry.newBuilder()
                .setTimestampMs(clock.millis())
                .setSeq(nextTelemetrySeq++)
                .setCabinTemperatureC((float) thermal.cabinTemperatureC())
                .setExteriorTemperatureC((float) weather.exteriorTemperatureC())
                .setStateOfChargePct((float) socPct)
                .setSpeedKmh((float) speedKmh)
                .setLocation(Location.newBuilder()
                        .setLatitude(latitude)
                        .setLongitude(longitude)
                        .build())
                .setSelectedGear(gear)
                .setLowVoltageSystemState(ignition)
                .setTrunkIsOpen(trunkOpen)
                .setChildPresence(childPresence)
                .setHvac(hvac())
                .setSterilizationPhase(sterilizationPhase())
                .setFatigueLevel(fatigue.level())
                .setOdometerKm((float) odometerKm)
                .setRangeKm((float) (socPct * KM_PER_SOC_PCT))
                .setLowVoltageBatteryV((float) lowVoltageBatteryV())
                .setIsCharging(charging);
        for (CabinPosition position : DOOR_POSITIONS) {
            DoorState door = doors.get(position);
            sample.addDoors(Door.newBuilder()
                    .setPosition(position)
                    .setIsOpen(door.open)
                    .setIsLocked(door.locked)
                    .setWindowPositionPct((float) door.windowPct));
        }
        for (CabinPosition position : SEAT_POSITIONS) {
            sample.addSeats(Seat.newBuilder().setPosition(position).setOccupancy(seats.get(position)));
        }
        Boolean eyes = fatigue.eyesOnRoad(isDriving());
        if (eyes != null) {
            sample.setIsEyesOnRoad(eyes);
        }
        return sample.build();
    }

    private Hvac hvac() {
        HvacMode mode = hvacMode();
        Hvac.Builder hvac =
                Hvac.newBuilder().setMode(mode).setIsAirConditioningActive(mode == HvacMode.HVAC_MODE_COOLING);
        OptionalDouble target = hvacTargetTemperatureC();
        if (target.isPresent()) {
            hvac.setTargetTemperatureC((float) target.getAsDouble());
        }
        climateAutoOffAt().ifPresent(at -> hvac.setAutoOffAtMs(at.toEpochMilli()));
        return hvac.build();
    }

    private double lowVoltageBatteryV() {
        // the DC-DC converter charges the 12 V battery whenever the high-voltage system is awake
        return ignitionOn() || charging || hvacAction() != HvacAction.OFF ? 14.2 : 12.6;
    }

    // ------------------------------------------------------------------------------------------- commands

    /**
     * Verifies and executes a command and returns the results to publish now (usually one; a cancel also
     * returns the FAILED result of the cycle it cancelled; a reminder with an acknowledgement delay returns none
     * yet). A command id seen before is not executed again: its latest result is returned once more.
     */
    public synchronized List<CommandResult> execute(Command command) {
        Objects.requireNonNull(command, "command");
        String id = command.getId();
        if (id.isEmpty()) {
            LOG.debug("rejected command without id [vin: {}]", vin());
            return List.of(decide(
                    id,
                    CommandOutcome.COMMAND_OUTCOME_REJECTED,
                    ReasonCode.REASON_CODE_INVALID_PARAMETER,
                    "command id is empty"));
        }
        if (executed.containsKey(id)) {
            LOG.debug("duplicate command not executed again [vin: {}, commandId: {}]", vin(), id);
            return executed.get(id).map(List::of).orElse(List.of());
        }
        executed.put(id, Optional.empty());
        Optional<Violation> refusal = verify(command);
        if (refusal.isPresent()) {
            LOG.debug(
                    "rejected command [vin: {}, commandId: {}, reason: {}]",
                    vin(),
                    id,
                    refusal.get().reason());
            return List.of(reject(id, refusal.get()));
        }
        return switch (command.getActionCase()) {
            case CLIMATE_START -> List.of(startClimate(command));
            case CLIMATE_STOP -> List.of(stopClimate(id));
            case STERILIZATION_START -> List.of(startSterilization(command));
            case STERILIZATION_CANCEL -> cancelSterilization(id);
            case FATIGUE_REMINDER -> showReminder(command);
            case SCHEDULE_SET -> List.of(holdSchedules(command));
            case ACTION_NOT_SET -> throw new IllegalStateException("unverified command " + id);
        };
    }

    private Optional<Violation> verify(Command command) {
        if (!vin().equals(command.getVin())) {
            return violation(ReasonCode.REASON_CODE_WRONG_VIN, "command is for vin '" + command.getVin() + "'");
        }
        long now = clock.millis();
        if (command.getExpiresAtMs() > 0 && now > command.getExpiresAtMs()) {
            return violation(
                    ReasonCode.REASON_CODE_EXPIRED,
                    "expired at " + Instant.ofEpochMilli(command.getExpiresAtMs()) + ", now "
                            + Instant.ofEpochMilli(now));
        }
        switch (command.getActionCase()) {
            case ACTION_NOT_SET -> {
                return violation(ReasonCode.REASON_CODE_UNSUPPORTED_COMMAND, "unknown or missing action");
            }
            case CLIMATE_START -> {
                double target = command.getClimateStart().getTargetTemperatureC();
                if (!(target >= CLIMATE_MIN_TARGET_C && target <= CLIMATE_MAX_TARGET_C)) {
                    return violation(
                            ReasonCode.REASON_CODE_INVALID_PARAMETER,
                            "target_temperature_c must be within 16..30, was " + target);
                }
                int duration = command.getClimateStart().getDurationS();
                if (duration <= 0 || duration > CLIMATE_MAX_DURATION_S) {
                    return violation(
                            ReasonCode.REASON_CODE_INVALID_PARAMETER,
                            "duration_s must be within 1..1800, was " + Integer.toUnsignedString(duration));
                }
            }
            case STERILIZATION_START -> {
                double target = command.getSterilizationStart().getTargetTemperatureC();
                if (!(target >= STERILIZATION_MIN_TARGET_C && target <= STERILIZATION_MAX_TARGET_C)) {
                    return violation(
                            ReasonCode.REASON_CODE_INVALID_PARAMETER,
                            "target_temperature_c must be within 56..60, was " + target);
                }
                int hold = command.getSterilizationStart().getHoldS();
                if (hold < STERILIZATION_MIN_HOLD_S || hold > STERILIZATION_MAX_HOLD_S) {
                    return violation(
                            ReasonCode.REASON_CODE_INVALID_PARAMETER,
                            "hold_s must be within 900..1800, was " + Integer.toUnsignedString(hold));
                }
                int ventilate = command.getSterilizationStart().getVentilateS();
                if (ventilate != 0
                        && (ventilate < STERILIZATION_MIN_VENTILATE_S || ventilate > STERILIZATION_MAX_VENTILATE_S)) {
                    return violation(
                            ReasonCode.REASON_CODE_INVALID_PARAMETER,
                            "ventilate_s must be within 60..900 (or 0 for the default), was "
                                    + Integer.toUnsignedString(ventilate));
                }
            }
            case SCHEDULE_SET -> {
                Optional<String> problem = CarSchedules.problem(command.getScheduleSet());
                if (problem.isPresent()) {
                    return violation(ReasonCode.REASON_CODE_INVALID_PARAMETER, problem.get());
                }
            }
            default -> {
                // climate stop, sterilization cancel and fatigue reminders have no parameters to check
            }
        }
        return Optional.empty();
    }

    private CommandResult startClimate(Command command) {
        if (cycle != null) {
            return reject(
                    command.getId(),
                    new Violation(ReasonCode.REASON_CODE_ALREADY_RUNNING, "a sterilization cycle is running"));
        }
        if (socPct < CLIMATE_MIN_SOC_PCT) {
            return reject(
                    command.getId(),
                    new Violation(
                            ReasonCode.REASON_CODE_LOW_CHARGE,
                            String.format("state of charge %.1f %% is below 10 %%", socPct)));
        }
        double target = command.getClimateStart().getTargetTemperatureC();
        int duration = command.getClimateStart().getDurationS();
        remoteClimate = new RemoteClimate(target, duration);
        ventilationRemainingS = 0;
        LOG.debug("remote climate started [vin: {}, target: {}, durationS: {}]", vin(), target, duration);
        return decide(
                command.getId(),
                CommandOutcome.COMMAND_OUTCOME_SUCCEEDED,
                ReasonCode.REASON_CODE_UNSPECIFIED,
                "climate running");
    }

    // ------------------------------------------------------------------------------------------ schedules

    /** Holds the backend's schedules from now on (unless it holds a newer version) and confirms the version. */
    private CommandResult holdSchedules(Command command) {
        ScheduleSet set = command.getScheduleSet();
        boolean applied = schedules.apply(set, clock.instant());
        if (applied) {
            LOG.info(
                    "schedules held [vin: {}, version: {}, count: {}]",
                    vin(),
                    set.getVersion(),
                    set.getSchedulesCount());
        }
        return decide(
                command.getId(),
                CommandOutcome.COMMAND_OUTCOME_SUCCEEDED,
                ReasonCode.REASON_CODE_UNSPECIFIED,
                applied
                        ? "holds schedules version " + set.getVersion() + " (" + set.getSchedulesCount() + ")"
                        : "already holds schedules version " + schedules.version());
    }

    /**
     * Starts the A/C for each held schedule whose start has come, or skips it with a reason, and reports
     * either as a ScheduleRun event. An occurrence is decided under its command id, like a command: if the
     * backend's command for it came first, the car does nothing more; if the backend's command comes later,
     * it is answered with this decision.
     */
    private void runDueSchedules() {
        if (schedules.size() == 0) {
            return;
        }
        Instant now = clock.instant();
        List<CarSchedules.Occurrence> due = schedules.due(
                now, OptionalDouble.of(thermal.cabinTemperatureC()), OptionalDouble.of(weather.exteriorTemperatureC()));
        for (CarSchedules.Occurrence occurrence : due) {
            String id = occurrence.commandId();
            if (executed.containsKey(id)) {
                LOG.debug("schedule occurrence already run by a command [vin: {}, commandId: {}]", vin(), id);
                continue;
            }
            executed.put(id, Optional.empty());
            Optional<Violation> refusal = scheduledRunRefusal(occurrence, now);
            ScheduleRun.Builder run = ScheduleRun.newBuilder()
                    .setScheduleId(occurrence.schedule().id())
                    .setOccurrenceMs(occurrence.readyBy().toEpochMilli())
                    .setPlannedStartMs(occurrence.plannedStart().toEpochMilli())
                    .setCommandId(id);
            if (refusal.isPresent()) {
                reject(id, refusal.get());
                run.setStarted(false)
                        .setSkipReason(refusal.get().reason())
                        .setDetail(refusal.get().detail());
                LOG.info(
                        "schedule occurrence skipped [vin: {}, schedule: {}, reason: {}]",
                        vin(),
                        occurrence.schedule().id(),
                        refusal.get().reason());
            } else {
                int minutes = ScheduleRules.runMinutes(occurrence.readyBy(), now);
                remoteClimate = new RemoteClimate(occurrence.schedule().targetC(), minutes * 60.0);
                ventilationRemainingS = 0;
                decide(
                        id,
                        CommandOutcome.COMMAND_OUTCOME_SUCCEEDED,
                        ReasonCode.REASON_CODE_UNSPECIFIED,
                        "climate running (the car's own schedule)");
                run.setStarted(true).setDetail("to " + occurrence.schedule().targetC() + " °C for " + minutes + " min");
                LOG.info(
                        "schedule occurrence started the A/C [vin: {}, schedule: {}, minutes: {}]",
                        vin(),
                        occurrence.schedule().id(),
                        minutes);
            }
            emit(VehicleEvent.newBuilder().setScheduleRun(run));
        }
    }

    /** The car's own checks for a scheduled start (the backend's are the same; the car has the final word). */
    private Optional<Violation> scheduledRunRefusal(CarSchedules.Occurrence occurrence, Instant now) {
        Duration late = Duration.between(occurrence.plannedStart(), now);
        if (late.compareTo(CarSchedules.GRACE) > 0) {
            return violation(
                    ReasonCode.REASON_CODE_EXPIRED,
                    "the start at " + occurrence.plannedStart() + " passed " + late.toMinutes()
                            + " min ago while the car was asleep");
        }
        if (cycle != null) {
            return violation(ReasonCode.REASON_CODE_ALREADY_RUNNING, "a sterilization cycle is running");
        }
        if (speedKmh > 0) {
            return violation(ReasonCode.REASON_CODE_VEHICLE_MOVING, "the car is moving");
        }
        if (gear != GEAR_PARK && gear != GEAR_NEUTRAL) {
            return violation(ReasonCode.REASON_CODE_NOT_IN_PARK, "the car is in a driving gear");
        }
        if (socPct < SCHEDULE_MIN_SOC_PCT) {
            return violation(
                    ReasonCode.REASON_CODE_LOW_CHARGE,
                    String.format("state of charge %.1f %% is below %.0f %%", socPct, SCHEDULE_MIN_SOC_PCT));
        }
        CarSchedules.Held schedule = occurrence.schedule();
        if (schedule.hasLocation()) {
            double distance = ScheduleRules.distanceM(schedule.latitude(), schedule.longitude(), latitude, longitude);
            if (distance > schedule.radiusM()) {
                return violation(
                        ReasonCode.REASON_CODE_NOT_AT_LOCATION,
                        "the car is " + Math.round(distance) + " m from the schedule's location, more than "
                                + Math.round(schedule.radiusM()) + " m");
            }
        }
        return Optional.empty();
    }

    /** The version of the schedules the car holds (0: none yet). */
    public synchronized long scheduleVersion() {
        return schedules.version();
    }

    /** The next ready-by instant among the schedules the car holds, if any is ahead. */
    public synchronized Optional<Instant> nextScheduledReadyBy() {
        return schedules.nextReadyBy();
    }

    private CommandResult stopClimate(String id) {
        boolean wasRunning = remoteClimate != null;
        remoteClimate = null;
        return decide(
                id,
                CommandOutcome.COMMAND_OUTCOME_SUCCEEDED,
                ReasonCode.REASON_CODE_UNSPECIFIED,
                wasRunning ? "climate stopped" : "climate was not running");
    }

    private CommandResult startSterilization(Command command) {
        var start = command.getSterilizationStart();
        Optional<Violation> blocked = interlockViolation();
        if (blocked.isEmpty() && socPct < STERILIZATION_MIN_SOC_PCT) {
            blocked = violation(
                    ReasonCode.REASON_CODE_LOW_CHARGE, String.format("state of charge %.1f %% is below 30 %%", socPct));
        }
        if (blocked.isEmpty() && !start.getChecklistConfirmed()) {
            blocked = violation(
                    ReasonCode.REASON_CODE_CHECKLIST_NOT_CONFIRMED, "the owner has not confirmed the checklist");
        }
        if (blocked.isEmpty() && cycle != null) {
            blocked = violation(
                    ReasonCode.REASON_CODE_ALREADY_RUNNING, "cycle " + cycle.commandId + " is in " + cycle.phase);
        }
        if (blocked.isPresent()) {
            LOG.debug(
                    "sterilization refused [vin: {}, commandId: {}, reason: {}]",
                    vin(),
                    command.getId(),
                    blocked.get().reason());
            return reject(command.getId(), blocked.get());
        }
        int ventilate = start.getVentilateS() == 0 ? STERILIZATION_DEFAULT_VENTILATE_S : start.getVentilateS();
        remoteClimate = null;
        ventilationRemainingS = 0;
        terminalPhase = null;
        cycle = new SterilizationCycle(command.getId(), start.getTargetTemperatureC(), start.getHoldS(), ventilate);
        CommandResult inProgress = decide(
                command.getId(),
                CommandOutcome.COMMAND_OUTCOME_IN_PROGRESS,
                ReasonCode.REASON_CODE_UNSPECIFIED,
                "sterilization started");
        emitPhase(cycle.commandId, SterilizationPhase.STERILIZATION_PHASE_PRECHECK, ReasonCode.REASON_CODE_UNSPECIFIED);
        LOG.info(
                "sterilization started [vin: {}, commandId: {}, targetC: {}, holdS: {}]",
                vin(),
                command.getId(),
                start.getTargetTemperatureC(),
                start.getHoldS());
        return inProgress;
    }

    private List<CommandResult> cancelSterilization(String id) {
        if (cycle == null) {
            return List.of(
                    reject(id, new Violation(ReasonCode.REASON_CODE_NOT_RUNNING, "no sterilization cycle is running")));
        }
        CommandResult cancelled = abortCycle(ReasonCode.REASON_CODE_CANCELLED, "cancelled by command " + id);
        CommandResult done = decide(
                id,
                CommandOutcome.COMMAND_OUTCOME_SUCCEEDED,
                ReasonCode.REASON_CODE_UNSPECIFIED,
                "sterilization " + cancelled.getCommandId() + " cancelled");
        return List.of(cancelled, done);
    }

    private List<CommandResult> showReminder(Command command) {
        var reminder = command.getFatigueReminder();
        addBounded(reminders, new Reminder(command.getId(), reminder.getLevel(), reminder.getText(), clock.instant()));
        LOG.debug("fatigue reminder shown [vin: {}, commandId: {}]", vin(), command.getId());
        Duration delay = config.reminderAcknowledgeDelay();
        if (delay.isZero()) {
            return List.of(acknowledgeReminder(command.getId()));
        }
        pendingAcknowledgements.add(new PendingAcknowledgement(command.getId(), delay.toNanos() / 1e9));
        return List.of();
    }

    private CommandResult acknowledgeReminder(String commandId) {
        fatigue.acknowledgeWarning();
        emit(VehicleEvent.newBuilder()
                .setReminderAcknowledged(ReminderAcknowledged.newBuilder().setCommandId(commandId)));
        return decide(
                commandId,
                CommandOutcome.COMMAND_OUTCOME_SUCCEEDED,
                ReasonCode.REASON_CODE_UNSPECIFIED,
                "driver acknowledged the reminder");
    }

    // --------------------------------------------------------------------------------------- sterilization

    /** The first reason the cabin may not be (or stay) heated, in the order the car checks them. */
    private Optional<Violation> interlockViolation() {
        if (gear != GEAR_PARK) {
            return violation(ReasonCode.REASON_CODE_NOT_IN_PARK, "selected gear is " + gear);
        }
        if (speedKmh > 0) {
            return violation(ReasonCode.REASON_CODE_VEHICLE_MOVING, "speed is " + speedKmh + " km/h");
        }
        if (ignitionOn()) {
            return violation(ReasonCode.REASON_CODE_IGNITION_ON, "ignition is " + ignition);
        }
        for (CabinPosition position : DOOR_POSITIONS) {
            if (doors.get(position).open) {
                return violation(ReasonCode.REASON_CODE_DOOR_OPEN, name(position) + " door is open");
            }
        }
        for (CabinPosition position : DOOR_POSITIONS) {
            if (!doors.get(position).locked) {
                return violation(ReasonCode.REASON_CODE_DOOR_UNLOCKED, name(position) + " door is unlocked");
            }
        }
        for (CabinPosition position : DOOR_POSITIONS) {
            if (doors.get(position).windowPct > 0) {
                return violation(ReasonCode.REASON_CODE_WINDOW_OPEN, name(position) + " window is open");
            }
        }
        if (trunkOpen) {
            return violation(ReasonCode.REASON_CODE_TRUNK_OPEN, "trunk is open");
        }
        for (CabinPosition position : SEAT_POSITIONS) {
            if (seats.get(position) == OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED) {
                return violation(ReasonCode.REASON_CODE_SEAT_OCCUPIED, name(position) + " seat is occupied");
            }
        }
        for (CabinPosition position : SEAT_POSITIONS) {
            if (seats.get(position) != OccupancyStatus.OCCUPANCY_STATUS_EMPTY) {
                return violation(
                        ReasonCode.REASON_CODE_SEAT_OCCUPANCY_UNKNOWN, name(position) + " seat sensor has no reading");
            }
        }
        if (childPresence == ChildPresence.CHILD_PRESENCE_DETECTED) {
            return violation(ReasonCode.REASON_CODE_CHILD_PRESENT, "child detected in the cabin");
        }
        if (childPresence != ChildPresence.CHILD_PRESENCE_NOT_DETECTED) {
            // unknown blocks, as for seats: the car must not heat a cabin a child may be in
            return violation(ReasonCode.REASON_CODE_CHILD_PRESENT, "child presence sensor has no reading");
        }
        if (thermal.cabinTemperatureC() > OVER_TEMPERATURE_C) {
            return violation(
                    ReasonCode.REASON_CODE_OVER_TEMPERATURE,
                    String.format("cabin at %.1f °C exceeds 70 °C", thermal.cabinTemperatureC()));
        }
        return Optional.empty();
    }

    /** The car's own safety logic: a heating cycle stops the moment an interlock breaks. */
    private void checkInterlocks() {
        if (cycle == null || !cycle.heats()) {
            return;
        }
        Optional<Violation> violation = interlockViolation();
        if (violation.isPresent()) {
            queueResult(abortCycle(violation.get().reason(), violation.get().detail()));
        }
    }

    /** Ends the running cycle as ABORTED and returns the FAILED result of its start command. */
    private CommandResult abortCycle(ReasonCode reason, String detail) {
        String commandId = cycle.commandId;
        ventilationRemainingS = cycle.ventilateS;
        cycle.enter(SterilizationPhase.STERILIZATION_PHASE_ABORTED);
        emitPhase(commandId, SterilizationPhase.STERILIZATION_PHASE_ABORTED, reason);
        endCycle(SterilizationPhase.STERILIZATION_PHASE_ABORTED);
        LOG.info("sterilization aborted [vin: {}, commandId: {}, reason: {}]", vin(), commandId, reason);
        return decide(commandId, CommandOutcome.COMMAND_OUTCOME_FAILED, reason, "aborted: " + detail);
    }

    private void enterPhase(SterilizationPhase phase) {
        cycle.enter(phase);
        emitPhase(cycle.commandId, phase, ReasonCode.REASON_CODE_UNSPECIFIED);
        LOG.debug("sterilization phase [vin: {}, commandId: {}, phase: {}]", vin(), cycle.commandId, phase);
    }

    private void endCycle(SterilizationPhase terminal) {
        cycle = null;
        terminalPhase = terminal;
        terminalPhaseVisibleS = TERMINAL_PHASE_VISIBLE_S;
    }

    private void emitPhase(String commandId, SterilizationPhase phase, ReasonCode reason) {
        emit(VehicleEvent.newBuilder()
                .setSterilizationPhaseChanged(SterilizationPhaseChanged.newBuilder()
                        .setCommandId(commandId)
                        .setPhase(phase)
                        .setAbortReason(reason)
                        .setCabinTemperatureC((float) thermal.cabinTemperatureC())));
    }

    // ---------------------------------------------------------------------------------------------- sleep

    /**
     * Whether the car may go to sleep: parked and switched off, no trip, nobody inside (an UNKNOWN seat counts as
     * someone: the sensors must stay awake to tell), no child detected, doors and trunk closed, nothing running
     * (climate, sterilization, airing). A car that stops meeting this wakes up.
     */
    public synchronized boolean maySleep() {
        if (trip != null || ignitionOn() || gear != GEAR_PARK || speedKmh > 0) {
            return false;
        }
        if (seats.values().stream().anyMatch(s -> s != OccupancyStatus.OCCUPANCY_STATUS_EMPTY)
                || childPresence == ChildPresence.CHILD_PRESENCE_DETECTED) {
            return false;
        }
        if (trunkOpen || doors.values().stream().anyMatch(d -> d.open)) {
            return false;
        }
        return remoteClimate == null && !comfortClimate && cycle == null && ventilationRemainingS <= 0;
    }

    /** Emits SleepStarted: the car will connect again within {@code checkIn} at the latest. */
    public synchronized void announceSleep(Duration checkIn) {
        LOG.debug("going to sleep [vin: {}, checkIn: {}]", vin(), checkIn);
        emit(VehicleEvent.newBuilder()
                .setSleepStarted(SleepStarted.newBuilder().setCheckInS((int) Math.max(1, checkIn.toSeconds()))));
    }

    // ------------------------------------------------------------------------------------------- outputs

    /** Events waiting to be published, oldest first; the queue is empty afterwards. */
    public synchronized List<VehicleEvent> drainEvents() {
        List<VehicleEvent> drained = new ArrayList<>(pendingEvents);
        pendingEvents.clear();
        return drained;
    }

    /** Results decided outside {@link #execute(Command)}, oldest first; the queue is empty afterwards. */
    public synchronized List<CommandResult> drainResults() {
        List<CommandResult> drained = new ArrayList<>(pendingResults);
        pendingResults.clear();
        return drained;
    }

    private void emit(VehicleEvent.Builder event) {
        VehicleEvent built =
                event.setTimestampMs(clock.millis()).setSeq(nextEventSeq++).build();
        pendingEvents.add(built);
        addBounded(eventHistory, built);
        outputListener.run();
    }

    private void emitFatigueAlert(FatigueMonitor.Alert alert) {
        LOG.info(
                "fatigue alert [vin: {}, level: {}, cause: {}, drivingMinutes: {}]",
                vin(),
                alert.level(),
                alert.cause(),
                alert.drivingMinutes());
        emit(VehicleEvent.newBuilder()
                .setFatigueAlert(FatigueAlert.newBuilder()
                        .setLevel(alert.level())
                        .setCause(alert.cause())
                        .setDrivingMinutes(alert.drivingMinutes())));
    }

    private void queueResult(CommandResult result) {
        pendingResults.add(result);
        outputListener.run();
    }

    private CommandResult reject(String id, Violation violation) {
        return decide(id, CommandOutcome.COMMAND_OUTCOME_REJECTED, violation.reason(), violation.detail());
    }

    private CommandResult decide(String id, CommandOutcome status, ReasonCode reason, String detail) {
        CommandResult result = CommandResult.newBuilder()
                .setCommandId(id)
                .setStatus(status)
                .setReason(reason)
                .setDetail(detail)
                .setTimestampMs(clock.millis())
                .build();
        addBounded(resultHistory, result);
        if (!id.isEmpty()) {
            executed.put(id, Optional.of(result));
        }
        return result;
    }

    // ----------------------------------------------------------------------------------- trips and routine

    /**
     * The driver gets in and drives off: doors unlocked, driver door opened and closed, driver seat occupied
     * (sometimes a passenger too), doors locked, ignition on, gear D, and a speed profile of acceleration, cruise
     * and stops. Emits TripChanged{started}. Does nothing when a trip is under way.
     */
    public synchronized void startTrip() {
        if (trip != null) {
            return;
        }
        charging = false;
        unlockAllDoors();
        for (CabinPosition position : DOOR_POSITIONS) {
            closeDoor(position);
        }
        trunkOpen = false;
        openDoor(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE);
        setSeat(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE, OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED);
        closeDoor(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE);
        if (random.nextInt(10) < 3) {
            setSeat(CabinPosition.CABIN_POSITION_ROW1_PASSENGER_SIDE, OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED);
        }
        lockAllDoors();
        setIgnition(LowVoltageSystemState.LOW_VOLTAGE_SYSTEM_STATE_ON);
        setGear(GEAR_DRIVE);
        remoteClimate = null;
        comfortClimate = true;
        trip = new SpeedProfile(random);
        emit(VehicleEvent.newBuilder().setTripChanged(TripChanged.newBuilder().setStarted(true)));
        LOG.debug("trip started [vin: {}]", vin());
    }

    /**
     * The driver stops, parks, switches off and leaves: speed 0, gear P, ignition off, seats empty, doors locked.
     * Emits TripChanged{started: false}. Does nothing when no trip is under way.
     */
    public synchronized void endTrip() {
        if (trip == null) {
            return;
        }
        trip = null;
        comfortClimate = false;
        setSpeed(0);
        setGear(GEAR_PARK);
        setIgnition(LowVoltageSystemState.LOW_VOLTAGE_SYSTEM_STATE_OFF);
        openDoor(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE);
        setSeat(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE, OccupancyStatus.OCCUPANCY_STATUS_EMPTY);
        setSeat(CabinPosition.CABIN_POSITION_ROW1_PASSENGER_SIDE, OccupancyStatus.OCCUPANCY_STATUS_EMPTY);
        for (CabinPosition position : DOOR_POSITIONS) {
            closeDoor(position);
        }
        lockAllDoors();
        emit(VehicleEvent.newBuilder().setTripChanged(TripChanged.newBuilder().setStarted(false)));
        LOG.debug("trip ended [vin: {}]", vin());
    }

    public synchronized boolean isOnTrip() {
        return trip != null;
    }

    /** Lets the car follow an owner's routine of trips and parking from now on; {@code null} stops it. */
    public synchronized void setRoutine(Routine newRoutine) {
        this.routine = newRoutine;
        this.routineDriving = trip != null;
        this.routineRemainingS = newRoutine == null
                ? 0
                : (routineDriving ? newRoutine.tripLength() : newRoutine.firstDepartureIn()).toNanos() / 1e9;
    }

    // ------------------------------------------------------------------------------------------ test hooks

    /** Sets a seat's occupancy sensor (driver, passenger, three rear seats). */
    public synchronized void setSeat(CabinPosition position, OccupancyStatus status) {
        requireSeat(position);
        Objects.requireNonNull(status, "status");
        seats.put(position, status);
        checkInterlocks();
    }

    public synchronized OccupancyStatus seat(CabinPosition position) {
        requireSeat(position);
        return seats.get(position);
    }

    /** Sets the child-presence sensor (rear radar or camera). */
    public synchronized void setChildPresence(ChildPresence presence) {
        this.childPresence = Objects.requireNonNull(presence, "presence");
        checkInterlocks();
    }

    public synchronized ChildPresence childPresence() {
        return childPresence;
    }

    /** Opens a door; an open door is unlocked. */
    public synchronized void openDoor(CabinPosition position) {
        DoorState door = door(position);
        door.open = true;
        door.locked = false;
        checkInterlocks();
    }

    public synchronized void closeDoor(CabinPosition position) {
        door(position).open = false;
        checkInterlocks();
    }

    /**
     * Locks a closed door.
     *
     * @throws IllegalStateException when the door is open
     */
    public synchronized void lockDoor(CabinPosition position) {
        DoorState door = door(position);
        if (door.open) {
            throw new IllegalStateException("cannot lock an open door [vin: " + vin() + ", door: " + position + "]");
        }
        door.locked = true;
        checkInterlocks();
    }

    public synchronized void unlockDoor(CabinPosition position) {
        door(position).locked = false;
        checkInterlocks();
    }

    /**
     * Locks every door.
     *
     * @throws IllegalStateException when a door is open
     */
    public synchronized void lockAllDoors() {
        for (CabinPosition position : DOOR_POSITIONS) {
            lockDoor(position);
        }
    }

    public synchronized void unlockAllDoors() {
        for (CabinPosition position : DOOR_POSITIONS) {
            door(position).locked = false;
        }
        checkInterlocks();
    }

    public synchronized boolean isDoorOpen(CabinPosition position) {
        return door(position).open;
    }

    public synchronized boolean isDoorLocked(CabinPosition position) {
        return door(position).locked;
    }

    /** Sets a window's position, percent open (0 = closed). */
    public synchronized void setWindowPosition(CabinPosition position, double percentOpen) {
        if (!(percentOpen >= 0 && percentOpen <= 100)) {
            throw new IllegalArgumentException("percentOpen must be within 0..100, was " + percentOpen);
        }
        door(position).windowPct = percentOpen;
        checkInterlocks();
    }

    public synchronized void openTrunk() {
        trunkOpen = true;
        checkInterlocks();
    }

    public synchronized void closeTrunk() {
        trunkOpen = false;
        checkInterlocks();
    }

    /** Sets the selected gear (VSS: 126 park, 127 drive, 0 neutral, -1 reverse, 1.. forward). */
    public synchronized void setGear(int selectedGear) {
        this.gear = selectedGear;
        checkInterlocks();
    }

    public synchronized int gear() {
        return gear;
    }

    public synchronized void setIgnition(LowVoltageSystemState state) {
        Objects.requireNonNull(state, "state");
        if (state == LowVoltageSystemState.UNRECOGNIZED) {
            throw new IllegalArgumentException("state must be a defined LowVoltageSystemState, was " + state);
        }
        this.ignition = state;
        checkInterlocks();
    }

    public synchronized LowVoltageSystemState ignition() {
        return ignition;
    }

    /** Sets the speed; a trip's speed profile overrides it on the next step. */
    public synchronized void setSpeed(double kmh) {
        if (!(kmh >= 0 && kmh <= 300)) {
            throw new IllegalArgumentException("speed must be within 0..300 km/h, was " + kmh);
        }
        this.speedKmh = kmh;
        checkInterlocks();
    }

    public synchronized double speedKmh() {
        return speedKmh;
    }

    /** Stops and shifts to P (ignition unchanged). */
    public synchronized void park() {
        setSpeed(0);
        setGear(GEAR_PARK);
    }

    /** Ignition on and gear D, without a speed profile or trip events: time on task starts counting. */
    public synchronized void drive() {
        setIgnition(LowVoltageSystemState.LOW_VOLTAGE_SYSTEM_STATE_ON);
        setGear(GEAR_DRIVE);
    }

    public synchronized void setWeather(Weather newWeather) {
        this.weather = Objects.requireNonNull(newWeather, "weather");
    }

    public synchronized Weather weather() {
        return weather;
    }

    public synchronized void setExteriorTemperature(double celsius) {
        this.weather = weather.withExteriorTemperatureC(celsius);
    }

    public synchronized void setCabinTemperature(double celsius) {
        if (!(celsius >= -60 && celsius <= 120)) {
            throw new IllegalArgumentException("cabin temperature must be within -60..120 °C, was " + celsius);
        }
        thermal.setCabinTemperatureC(celsius);
        checkInterlocks();
    }

    public synchronized double cabinTemperatureC() {
        return thermal.cabinTemperatureC();
    }

    public synchronized void setStateOfCharge(double percent) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("state of charge must be within 0..100 %, was " + percent);
        }
        this.socPct = percent;
    }

    public synchronized double stateOfChargePct() {
        return socPct;
    }

    /** Plugs the car in (11 kW, up to 80 %) or unplugs it. */
    public synchronized void setCharging(boolean plugged) {
        this.charging = plugged;
    }

    public synchronized boolean isCharging() {
        return charging;
    }

    public synchronized double odometerKm() {
        return odometerKm;
    }

    public synchronized double latitude() {
        return latitude;
    }

    public synchronized double longitude() {
        return longitude;
    }

    /** Emits a FatigueAlert now with this level and cause, and sets the driver's level (an L2 awaits its OK). */
    public synchronized void raiseFatigueAlert(FatigueLevel level, FatigueCause cause) {
        emitFatigueAlert(fatigue.raise(level, cause));
    }

    public synchronized FatigueLevel fatigueLevel() {
        return fatigue.level();
    }

    /** Effective minutes on task since the last rest (scaled by the fatigue time scale). */
    public synchronized int drivingMinutes() {
        return fatigue.drivingMinutes();
    }

    public synchronized HvacMode hvacMode() {
        return switch (hvacAction()) {
            case OFF -> HvacMode.HVAC_MODE_OFF;
            case STERILIZE -> HvacMode.HVAC_MODE_STERILIZING;
            case VENTILATE -> HvacMode.HVAC_MODE_VENTILATING;
            case CLIMATE ->
                hvacTarget(HvacAction.CLIMATE) < thermal.cabinTemperatureC()
                        ? HvacMode.HVAC_MODE_COOLING
                        : HvacMode.HVAC_MODE_HEATING;
        };
    }

    /** The setpoint (climate or sterilization target), empty when nothing regulates the temperature. */
    public synchronized OptionalDouble hvacTargetTemperatureC() {
        if (cycle != null) {
            return OptionalDouble.of(cycle.targetC);
        }
        if (remoteClimate != null) {
            return OptionalDouble.of(remoteClimate.targetC());
        }
        if (comfortClimate) {
            return OptionalDouble.of(COMFORT_TARGET_C);
        }
        return OptionalDouble.empty();
    }

    /** Whether remote climate (started by a command) is running. */
    public synchronized boolean isClimateRunning() {
        return remoteClimate != null;
    }

    /** When remote climate switches itself off, by the car's clock. */
    public synchronized Optional<Instant> climateAutoOffAt() {
        if (remoteClimate == null) {
            return Optional.empty();
        }
        return Optional.of(clock.instant().plusMillis(Math.round(remoteClimate.remainingS() * 1000)));
    }

    /** The running cycle's phase; COMPLETED or ABORTED for 10 simulated minutes after a cycle; otherwise IDLE. */
    public synchronized SterilizationPhase sterilizationPhase() {
        if (cycle != null) {
            return cycle.phase;
        }
        return terminalPhase != null ? terminalPhase : SterilizationPhase.STERILIZATION_PHASE_IDLE;
    }

    /** Reminders the driver was shown, oldest first. */
    public synchronized List<Reminder> receivedReminders() {
        return List.copyOf(reminders);
    }

    /** Ids of the commands the car decided on (executed or refused), oldest first; duplicates appear once. */
    public synchronized List<String> executedCommandIds() {
        return List.copyOf(executed.keySet());
    }

    /** Every result the car decided, oldest first (a duplicate's re-sent result is not repeated). */
    public synchronized List<CommandResult> results() {
        return List.copyOf(resultHistory);
    }

    /** Every event the car emitted, oldest first. */
    public synchronized List<VehicleEvent> emittedEvents() {
        return List.copyOf(eventHistory);
    }

    /** Refusals the gateway sent on the errors topic, oldest first. */
    public synchronized List<PublishError> errors() {
        return List.copyOf(errors);
    }

    /** Records a refusal received on the errors topic. */
    public synchronized void recordPublishError(PublishError error) {
        addBounded(errors, Objects.requireNonNull(error, "error"));
    }

    // ------------------------------------------------------------------------------------------- internals

    private HvacAction hvacAction() {
        if (cycle != null) {
            return switch (cycle.phase) {
                case STERILIZATION_PHASE_VENTILATING -> HvacAction.VENTILATE;
                default -> HvacAction.STERILIZE;
            };
        }
        if (remoteClimate != null || comfortClimate) {
            return HvacAction.CLIMATE;
        }
        return ventilationRemainingS > 0 ? HvacAction.VENTILATE : HvacAction.OFF;
    }

    /** What the HVAC physically does: during the precheck the car only tests its sensors, the heater is off. */
    private HvacAction thermalAction() {
        if (cycle != null && cycle.phase == SterilizationPhase.STERILIZATION_PHASE_PRECHECK) {
            return HvacAction.OFF;
        }
        return hvacAction();
    }

    private double hvacTarget(HvacAction action) {
        return switch (action) {
            case STERILIZE -> cycle.targetC;
            case CLIMATE -> remoteClimate != null ? remoteClimate.targetC() : COMFORT_TARGET_C;
            default -> 0;
        };
    }

    private double solarIrradiance() {
        LocalTime solarTime = weather.fixedSolarTime();
        if (solarTime == null) {
            long offsetSeconds = Math.round(longitude / 15 * 3600);
            solarTime = simulatedInstant()
                    .plusSeconds(offsetSeconds)
                    .atOffset(ZoneOffset.UTC)
                    .toLocalTime();
        }
        return CabinThermalModel.solarIrradiance(solarTime, weather.cloudFactor(), weather.sunExposure());
    }

    private Instant simulatedInstant() {
        return createdAt.plusNanos(Math.round(simulatedS * 1e9));
    }

    private double openWindows() {
        double sum = 0;
        for (DoorState door : doors.values()) {
            sum += door.windowPct / 100;
        }
        return sum;
    }

    private int occupants() {
        int count = 0;
        for (OccupancyStatus status : seats.values()) {
            if (status == OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED) {
                count++;
            }
        }
        return count;
    }

    private boolean ignitionOn() {
        return ignition == LowVoltageSystemState.LOW_VOLTAGE_SYSTEM_STATE_ON
                || ignition == LowVoltageSystemState.LOW_VOLTAGE_SYSTEM_STATE_START;
    }

    private boolean isDriving() {
        return ignitionOn() && gear != GEAR_PARK;
    }

    private DoorState door(CabinPosition position) {
        DoorState door = doors.get(Objects.requireNonNull(position, "position"));
        if (door == null) {
            throw new IllegalArgumentException(
                    "position must be a door (row 1 or 2, driver or passenger side), was " + position);
        }
        return door;
    }

    private static void requireSeat(CabinPosition position) {
        if (!SEAT_POSITIONS.contains(Objects.requireNonNull(position, "position"))) {
            throw new IllegalArgumentException("position must be a seat, was " + position);
        }
    }

    private static String name(CabinPosition position) {
        return position.name()
                .substring("CABIN_POSITION_".length())
                .toLowerCase()
                .replace('_', ' ');
    }

    private static Optional<Violation> violation(ReasonCode reason, String detail) {
        return Optional.of(new Violation(reason, detail));
    }

    private static <T> void addBounded(Deque<T> deque, T value) {
        deque.addLast(value);
        while (deque.size() > HISTORY_LIMIT) {
            deque.removeFirst();
        }
    }

    @Override
    public String toString() {
        return "SimulatedCar[" + vin() + "]";
    }
}
