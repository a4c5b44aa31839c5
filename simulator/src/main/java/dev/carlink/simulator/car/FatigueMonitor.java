package dev.carlink.simulator.car;

import dev.carlink.proto.v1.FatigueCause;
import dev.carlink.proto.v1.FatigueLevel;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The car's driver-monitoring ladder (L1 advisory, L2 warning, L3 critical), driven by time on task and the time
 * of day. Works in "fatigue seconds" (simulated seconds times {@link FatigueConfig#timeScale()}) for the task and
 * rest thresholds, and in plain simulated seconds for the driver's reaction (acknowledgement and its timeout).
 */
final class FatigueMonitor {

    /** One rise of the level, to be published as a FatigueAlert. */
    record Alert(FatigueLevel level, FatigueCause cause, int drivingMinutes) {}

    private final FatigueConfig config;

    private double clockS;
    private double taskS;
    private double restS;
    private double drivingS;
    private FatigueLevel level = FatigueLevel.FATIGUE_LEVEL_NONE;
    private double lastWarningAtS = Double.NaN;
    private double lastWarningTaskS = Double.NaN;
    private boolean warningPending;
    private double warningShownForS;
    private double driverAcknowledgesInS = Double.NaN;

    FatigueMonitor(FatigueConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    FatigueLevel level() {
        return level;
    }

    /** Effective minutes on task since the last rest of at least {@link FatigueConfig#restReset()}. */
    int drivingMinutes() {
        return (int) (taskS / 60);
    }

    boolean warningPending() {
        return warningPending;
    }

    /**
     * Advances by {@code dtS} simulated seconds (the caller keeps sub-steps short).
     *
     * @param driving whether the driver is on task (ignition on, not in park)
     * @param localTime time of day: the circadian dips (02:00-06:00, 14:00-16:00) make time on task count more
     * @return the rises of the level during this step, in order
     */
    List<Alert> step(double dtS, boolean driving, LocalTime localTime) {
        List<Alert> alerts = new ArrayList<>(0);
        double fatigueDt = dtS * config.timeScale();
        clockS += fatigueDt;
        if (driving) {
            restS = 0;
            taskS += fatigueDt * circadianFactor(localTime);
            drivingS += dtS;
        } else {
            restS += fatigueDt;
            if (restS >= config.restReset().toSeconds() && (taskS > 0 || isAbove(FatigueLevel.FATIGUE_LEVEL_NONE))) {
                reset();
            }
        }
        if (warningPending) {
            warningShownForS += dtS;
            if (!Double.isNaN(driverAcknowledgesInS)) {
                driverAcknowledgesInS -= dtS;
                if (driverAcknowledgesInS <= 0) {
                    acknowledgeWarning();
                }
            }
            if (warningPending
                    && warningShownForS >= config.acknowledgeTimeout().toSeconds()) {
                warningPending = false;
                alerts.add(
                        rise(FatigueLevel.FATIGUE_LEVEL_CRITICAL, FatigueCause.FATIGUE_CAUSE_WARNING_NOT_ACKNOWLEDGED));
            }
        }
        if (driving && level != FatigueLevel.FATIGUE_LEVEL_CRITICAL) {
            if (!isAbove(FatigueLevel.FATIGUE_LEVEL_NONE)
                    && taskS >= config.advisoryAfter().toSeconds()) {
                alerts.add(rise(FatigueLevel.FATIGUE_LEVEL_ADVISORY, FatigueCause.FATIGUE_CAUSE_TIME_ON_TASK));
            }
            if (!isAbove(FatigueLevel.FATIGUE_LEVEL_ADVISORY)
                    && taskS >= config.warningAfter().toSeconds()) {
                alerts.add(warning(FatigueCause.FATIGUE_CAUSE_TIME_ON_TASK));
            } else if (level == FatigueLevel.FATIGUE_LEVEL_WARNING
                    && !warningPending
                    && taskS
                            >= lastWarningTaskS + config.warningRepeatInterval().toSeconds()) {
                alerts.add(warning(FatigueCause.FATIGUE_CAUSE_TIME_ON_TASK));
            }
        }
        return alerts;
    }

    /**
     * Sets the level now (test hook and scenario), as the camera-based system would on drowsiness or a microsleep.
     * An L2 starts the acknowledgement clock like any other warning.
     */
    Alert raise(FatigueLevel newLevel, FatigueCause cause) {
        Objects.requireNonNull(newLevel, "level");
        Objects.requireNonNull(cause, "cause");
        if (newLevel == FatigueLevel.FATIGUE_LEVEL_NONE || newLevel == FatigueLevel.UNRECOGNIZED) {
            throw new IllegalArgumentException("level must be ADVISORY, WARNING or CRITICAL, was " + newLevel);
        }
        if (newLevel == FatigueLevel.FATIGUE_LEVEL_WARNING) {
            startWarning();
        } else if (newLevel == FatigueLevel.FATIGUE_LEVEL_CRITICAL) {
            warningPending = false;
            driverAcknowledgesInS = Double.NaN;
        }
        return rise(newLevel, cause);
    }

    /** The driver pressed "OK" on the warning (or on a reminder the backend sent). */
    void acknowledgeWarning() {
        warningPending = false;
        driverAcknowledgesInS = Double.NaN;
    }

    /**
     * Vehicle.Driver.IsEyesOnRoad while driving: a tired driver glances away, a critically tired one has
     * eyes-closed episodes of 3 s. {@code null} when not driving (no reading).
     */
    Boolean eyesOnRoad(boolean driving) {
        if (!driving) {
            return null;
        }
        if (level == FatigueLevel.FATIGUE_LEVEL_CRITICAL) {
            return drivingS % 30 >= 3;
        }
        if (level == FatigueLevel.FATIGUE_LEVEL_WARNING) {
            return drivingS % 60 >= 1;
        }
        return Boolean.TRUE;
    }

    private Alert warning(FatigueCause cause) {
        if (level == FatigueLevel.FATIGUE_LEVEL_WARNING
                && !Double.isNaN(lastWarningAtS)
                && clockS - lastWarningAtS <= config.repeatedWarningWindow().toSeconds()) {
            warningPending = false;
            driverAcknowledgesInS = Double.NaN;
            return rise(FatigueLevel.FATIGUE_LEVEL_CRITICAL, FatigueCause.FATIGUE_CAUSE_REPEATED_WARNING);
        }
        startWarning();
        return rise(FatigueLevel.FATIGUE_LEVEL_WARNING, cause);
    }

    private void startWarning() {
        lastWarningAtS = clockS;
        lastWarningTaskS = taskS;
        warningPending = true;
        warningShownForS = 0;
        driverAcknowledgesInS = config.driverAcknowledgesWarnings()
                ? config.driverAcknowledgeDelay().toMillis() / 1000.0
                : Double.NaN;
    }

    private Alert rise(FatigueLevel newLevel, FatigueCause cause) {
        level = newLevel;
        return new Alert(newLevel, cause, drivingMinutes());
    }

    private void reset() {
        taskS = 0;
        level = FatigueLevel.FATIGUE_LEVEL_NONE;
        lastWarningAtS = Double.NaN;
        lastWarningTaskS = Double.NaN;
        warningPending = false;
        driverAcknowledgesInS = Double.NaN;
    }

    private boolean isAbove(FatigueLevel other) {
        return level.getNumber() > other.getNumber();
    }

    static double circadianFactor(LocalTime time) {
        int hour = time.getHour();
        if (hour >= 2 && hour < 6) {
            return 1.5;
        }
        if (hour >= 14 && hour < 16) {
            return 1.2;
        }
        return 1.0;
    }
}
