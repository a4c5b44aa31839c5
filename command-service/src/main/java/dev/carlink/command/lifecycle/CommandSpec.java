package dev.carlink.command.lifecycle;

import dev.carlink.proto.v1.AcSchedule;
import dev.carlink.proto.v1.ClimateStart;
import dev.carlink.proto.v1.ClimateStop;
import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.proto.v1.FatigueReminder;
import dev.carlink.proto.v1.Location;
import dev.carlink.proto.v1.ScheduleSet;
import dev.carlink.proto.v1.SterilizationCancel;
import dev.carlink.proto.v1.SterilizationStart;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Set;

/** What a command asks the car to do, validated; one record per command type. */
public sealed interface CommandSpec {

    CommandType type();

    /** Parameters as stored and shown by the API. */
    JsonObject params();

    /** Puts this action into the command sent to the car. */
    void applyTo(Command.Builder command);

    /** Parses an owner's request body; throws {@link FieldError} naming the first bad field. */
    static CommandSpec fromRequest(JsonObject body) {
        Object rawType = body.getValue("type");
        if (!(rawType instanceof String typeName)) {
            throw new FieldError("type", "must be one of " + CommandType.ownerTypes());
        }
        CommandType type;
        try {
            type = CommandType.valueOf(typeName);
        } catch (IllegalArgumentException e) {
            throw new FieldError("type", "must be one of " + CommandType.ownerTypes() + ", was " + typeName);
        }
        if (!type.ownerMayRequest()) {
            throw new FieldError("type", type + " is sent by the backend only");
        }
        return switch (type) {
            case CLIMATE_START -> ClimateStartSpec.fromJson(body);
            case CLIMATE_STOP -> {
                Json.onlyFields(body, Set.of("type"));
                yield new ClimateStopSpec();
            }
            case STERILIZATION_START -> SterilizationStartSpec.fromJson(body);
            case STERILIZATION_CANCEL -> {
                Json.onlyFields(body, Set.of("type"));
                yield new SterilizationCancelSpec();
            }
            case FATIGUE_REMINDER, SCHEDULES_SYNC -> throw new IllegalStateException("unreachable: not an owner type");
        };
    }

    /** Start remote climate. */
    record ClimateStartSpec(double targetTemperatureC, int durationMinutes, boolean allowLowCharge)
            implements CommandSpec {
        public static final double MIN_TARGET_C = 16;
        public static final double MAX_TARGET_C = 30;
        public static final int DEFAULT_DURATION_MINUTES = 20;
        public static final int MAX_DURATION_MINUTES = 30;

        public ClimateStartSpec {
            if (!(targetTemperatureC >= MIN_TARGET_C && targetTemperatureC <= MAX_TARGET_C)) {
                throw new FieldError("targetTemperatureC", "must be 16..30, was " + targetTemperatureC);
            }
            if (durationMinutes < 1 || durationMinutes > MAX_DURATION_MINUTES) {
                throw new FieldError("durationMinutes", "must be 1..30, was " + durationMinutes);
            }
        }

        static ClimateStartSpec fromJson(JsonObject body) {
            Json.onlyFields(body, Set.of("type", "targetTemperatureC", "durationMinutes", "allowLowCharge"));
            return new ClimateStartSpec(
                    Json.requiredNumber(body, "targetTemperatureC"),
                    Json.optionalInt(body, "durationMinutes", DEFAULT_DURATION_MINUTES),
                    Json.optionalBoolean(body, "allowLowCharge", false));
        }

        @Override
        public CommandType type() {
            return CommandType.CLIMATE_START;
        }

        @Override
        public JsonObject params() {
            return new JsonObject()
                    .put("targetTemperatureC", targetTemperatureC)
                    .put("durationMinutes", durationMinutes)
                    .put("allowLowCharge", allowLowCharge);
        }

        @Override
        public void applyTo(Command.Builder command) {
            command.setClimateStart(ClimateStart.newBuilder()
                    .setTargetTemperatureC((float) targetTemperatureC)
                    .setDurationS(durationMinutes * 60));
        }
    }

    /** Stop remote climate. */
    record ClimateStopSpec() implements CommandSpec {
        @Override
        public CommandType type() {
            return CommandType.CLIMATE_STOP;
        }

        @Override
        public JsonObject params() {
            return new JsonObject();
        }

        @Override
        public void applyTo(Command.Builder command) {
            command.setClimateStop(ClimateStop.getDefaultInstance());
        }
    }

    /** Start a sterilization cycle. */
    record SterilizationStartSpec(
            double targetTemperatureC, int holdMinutes, int ventilateMinutes, boolean checklistConfirmed)
            implements CommandSpec {
        public static final double DEFAULT_TARGET_C = 56;
        public static final int DEFAULT_HOLD_MINUTES = 15;
        public static final int DEFAULT_VENTILATE_MINUTES = 5;

        public SterilizationStartSpec {
            if (!(targetTemperatureC >= 56 && targetTemperatureC <= 60)) {
                throw new FieldError("targetTemperatureC", "must be 56..60, was " + targetTemperatureC);
            }
            if (holdMinutes < 15 || holdMinutes > 30) {
                throw new FieldError("holdMinutes", "must be 15..30, was " + holdMinutes);
            }
            if (ventilateMinutes < 1 || ventilateMinutes > 15) {
                throw new FieldError("ventilateMinutes", "must be 1..15, was " + ventilateMinutes);
            }
        }

        static SterilizationStartSpec fromJson(JsonObject body) {
            Json.onlyFields(
                    body,
                    Set.of("type", "targetTemperatureC", "holdMinutes", "ventilateMinutes", "checklistConfirmed"));
            return new SterilizationStartSpec(
                    Json.optionalNumber(body, "targetTemperatureC", DEFAULT_TARGET_C),
                    Json.optionalInt(body, "holdMinutes", DEFAULT_HOLD_MINUTES),
                    Json.optionalInt(body, "ventilateMinutes", DEFAULT_VENTILATE_MINUTES),
                    Json.optionalBoolean(body, "checklistConfirmed", false));
        }

        /** How long a running cycle may take before the backend stops waiting for its result. */
        Duration runAllowance() {
            return Duration.ofMinutes(40L + holdMinutes + ventilateMinutes);
        }

        @Override
        public CommandType type() {
            return CommandType.STERILIZATION_START;
        }

        @Override
        public JsonObject params() {
            return new JsonObject()
                    .put("targetTemperatureC", targetTemperatureC)
                    .put("holdMinutes", holdMinutes)
                    .put("ventilateMinutes", ventilateMinutes)
                    .put("checklistConfirmed", checklistConfirmed);
        }

        @Override
        public void applyTo(Command.Builder command) {
            command.setSterilizationStart(SterilizationStart.newBuilder()
                    .setTargetTemperatureC((float) targetTemperatureC)
                    .setHoldS(holdMinutes * 60)
                    .setVentilateS(ventilateMinutes * 60)
                    .setChecklistConfirmed(checklistConfirmed));
        }
    }

    /** Cancel a running sterilization cycle. */
    record SterilizationCancelSpec() implements CommandSpec {
        @Override
        public CommandType type() {
            return CommandType.STERILIZATION_CANCEL;
        }

        @Override
        public JsonObject params() {
            return new JsonObject();
        }

        @Override
        public void applyTo(Command.Builder command) {
            command.setSterilizationCancel(SterilizationCancel.getDefaultInstance());
        }
    }

    /** An in-car fatigue reminder, sent by the backend's fatigue loop. */
    record FatigueReminderSpec(FatigueLevel level, String text) implements CommandSpec {
        public FatigueReminderSpec {
            if (text == null || text.isBlank() || text.length() > 200) {
                throw new FieldError("text", "must be 1..200 characters");
            }
        }

        @Override
        public CommandType type() {
            return CommandType.FATIGUE_REMINDER;
        }

        @Override
        public JsonObject params() {
            return new JsonObject().put("level", level.name()).put("text", text);
        }

        @Override
        public void applyTo(Command.Builder command) {
            command.setFatigueReminder(
                    FatigueReminder.newBuilder().setLevel(level).setText(text));
        }
    }

    /**
     * The car's A/C schedules as versioned desired state, sent by the backend after each owner change and
     * when a car that does not hold the current version connects.
     *
     * @param schedules the enabled schedules, each {@code {id, readyBy "HH:mm", timeZone, weekdayMask | date,
     *     location?: {latitude, longitude, radiusM}, targetTemperatureC}}
     */
    record ScheduleSetSpec(long version, JsonArray schedules) implements CommandSpec {
        public ScheduleSetSpec {
            if (version < 1) {
                throw new IllegalArgumentException("version must be >= 1, was " + version);
            }
            schedules = schedules.copy();
        }

        @Override
        public CommandType type() {
            return CommandType.SCHEDULES_SYNC;
        }

        @Override
        public JsonObject params() {
            return new JsonObject().put("version", version).put("schedules", schedules.copy());
        }

        @Override
        public void applyTo(Command.Builder command) {
            ScheduleSet.Builder set = ScheduleSet.newBuilder().setVersion(version);
            for (int i = 0; i < schedules.size(); i++) {
                JsonObject s = schedules.getJsonObject(i);
                LocalTime readyBy = LocalTime.parse(s.getString("readyBy"));
                AcSchedule.Builder schedule = AcSchedule.newBuilder()
                        .setId(s.getString("id"))
                        .setReadyByMinute(readyBy.getHour() * 60 + readyBy.getMinute())
                        .setTimeZone(s.getString("timeZone"))
                        .setTargetTemperatureC(s.getDouble("targetTemperatureC").floatValue());
                if (s.getInteger("weekdayMask") != null) {
                    schedule.setWeekdayMask(s.getInteger("weekdayMask"));
                } else {
                    schedule.setDate(s.getString("date"));
                }
                JsonObject location = s.getJsonObject("location");
                if (location != null) {
                    schedule.setLocation(Location.newBuilder()
                                    .setLatitude(location.getDouble("latitude"))
                                    .setLongitude(location.getDouble("longitude")))
                            .setRadiusM(location.getDouble("radiusM").floatValue());
                }
                set.addSchedules(schedule);
            }
            command.setScheduleSet(set);
        }
    }

    /** Rebuilds a stored spec from its type and params. */
    static CommandSpec fromStored(CommandType type, JsonObject params) {
        return switch (type) {
            case CLIMATE_START ->
                new ClimateStartSpec(
                        params.getDouble("targetTemperatureC"),
                        params.getInteger("durationMinutes"),
                        params.getBoolean("allowLowCharge", false));
            case CLIMATE_STOP -> new ClimateStopSpec();
            case STERILIZATION_START ->
                new SterilizationStartSpec(
                        params.getDouble("targetTemperatureC"),
                        params.getInteger("holdMinutes"),
                        params.getInteger("ventilateMinutes"),
                        params.getBoolean("checklistConfirmed", false));
            case STERILIZATION_CANCEL -> new SterilizationCancelSpec();
            case FATIGUE_REMINDER ->
                new FatigueReminderSpec(FatigueLevel.valueOf(params.getString("level")), params.getString("text"));
            case SCHEDULES_SYNC -> new ScheduleSetSpec(params.getLong("version"), params.getJsonArray("schedules"));
        };
    }
}
