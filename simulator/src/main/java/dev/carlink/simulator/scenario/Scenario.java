package dev.carlink.simulator.scenario;

import dev.carlink.proto.v1.CabinPosition;
import dev.carlink.proto.v1.ChildPresence;
import dev.carlink.proto.v1.FatigueCause;
import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.proto.v1.OccupancyStatus;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A scenario: one car in a starting situation, and a timeline of steps. Each step happens {@code at} a
 * simulated time after the start and either changes the world ({@code do}) or checks what the backend
 * and the car show ({@code expect}, which waits up to {@code within}). The format is documented in
 * simulator/README.md; {@link #parse} reports every mistake with its place.
 */
public record Scenario(String name, String description, double timeScale, CarSetup car, List<Step> steps) {

    /** Where the car starts. */
    public record CarSetup(
            String owner,
            double exteriorC,
            LocalTime solarTime,
            boolean shade,
            double cabinC,
            double stateOfChargePct,
            Map<CabinPosition, OccupancyStatus> seats,
            ChildPresence childPresence) {}

    /** One timeline entry: an action or an expectation, at a simulated offset from the start. */
    public record Step(int index, Duration at, Action action, Expectation expectation) {
        /** How the step reads in progress lines and reports. */
        public String describe() {
            return action != null ? action.describe() : expectation.describe();
        }
    }

    /** Something the scenario does to the world or on the owner's behalf. */
    public sealed interface Action {
        String describe();
    }

    /** The owner requests a command; {@code ref} names it for later expectations. */
    public record SendCommand(String ref, JsonObject body) implements Action {
        public String describe() {
            return "owner sends " + body.getString("type") + " as '" + ref + "'";
        }
    }

    public record OpenDoor(CabinPosition door, boolean open) implements Action {
        public String describe() {
            return (open ? "open door " : "close door ") + label(door.name(), "CABIN_POSITION_");
        }
    }

    public record SetSeat(CabinPosition seat, OccupancyStatus occupancy) implements Action {
        public String describe() {
            return "seat " + label(seat.name(), "CABIN_POSITION_") + " becomes "
                    + label(occupancy.name(), "OCCUPANCY_STATUS_");
        }
    }

    public record SetChild(ChildPresence presence) implements Action {
        public String describe() {
            return "child presence becomes " + label(presence.name(), "CHILD_PRESENCE_");
        }
    }

    public record RaiseFatigue(FatigueLevel level, FatigueCause cause) implements Action {
        public String describe() {
            return "driver monitoring raises fatigue " + label(level.name(), "FATIGUE_LEVEL_");
        }
    }

    public record SetCabin(double celsius) implements Action {
        public String describe() {
            return "cabin set to " + celsius + " °C";
        }
    }

    /** Fault injection: the car's connection drops ({@code false}) or comes back ({@code true}). */
    public record Connection(boolean up) implements Action {
        public String describe() {
            return up ? "car reconnects" : "car loses its connection";
        }
    }

    /** Fault injection: the car takes commands but never answers ({@code on}), or behaves again. */
    public record IgnoreCommands(boolean on) implements Action {
        public String describe() {
            return on ? "car stops answering commands" : "car answers commands again";
        }
    }

    /** Fault injection: results leave the car this long (simulated) after it acted. */
    public record DelayResults(Duration delay) implements Action {
        public String describe() {
            return "car holds its results back " + text(delay);
        }
    }

    /** Fault injection: every publish goes out twice. */
    public record DuplicatePublishes(boolean on) implements Action {
        public String describe() {
            return on ? "car publishes everything twice" : "car stops duplicating";
        }
    }

    /** Fault injection: one telemetry payload that does not parse. */
    public record MalformedTelemetry() implements Action {
        public String describe() {
            return "car publishes a malformed telemetry payload";
        }
    }

    /** Fault injection: the car's clock runs this many seconds ahead (negative: behind). */
    public record ClockSkew(long seconds) implements Action {
        public String describe() {
            return "car clock skewed by " + seconds + " s";
        }
    }

    /**
     * The owner creates a one-time A/C schedule through the API, ready by the first whole minute at least
     * {@code readyIn} from now. The backend keeps real time, so {@code readyIn} is real time, not scaled.
     */
    public record CreateSchedule(String ref, Duration readyIn, double targetTemperatureC, String timeZone)
            implements Action {
        public String describe() {
            return "owner schedules A/C at " + targetTemperatureC + " °C ready in " + text(readyIn) + " (" + timeZone
                    + ") as '" + ref + "'";
        }
    }

    /** How a command the backend never sent is made up (see {@link InjectCommand}). */
    public enum Attack {
        /** A sterilization start with no signature at all. */
        UNSIGNED,
        /** A sterilization start signed by the attacker's own key, under its own key id. */
        UNKNOWN_KEY,
        /** A sterilization start signed by the attacker's key but claiming the backend's key id. */
        FORGED,
        /** The last genuine command the car received, its bytes changed (a new id) under the old signature. */
        TAMPERED,
        /** The last genuine command the car received, delivered again byte for byte. */
        REPLAYED
    }

    /**
     * Fault injection, security: a command is handed to the car as if its transport had delivered it, past
     * the backend (an attacker on the network or in a compromised broker). {@code ref} names it.
     */
    public record InjectCommand(String ref, Attack attack) implements Action {
        public String describe() {
            return "an attacker hands the car a " + attack + " command as '" + ref + "'";
        }
    }

    /** Something that must become true within a simulated time. */
    public sealed interface Expectation {
        Duration within();

        String describe();
    }

    /** A command reaches a status (and reason code). */
    public record CommandReaches(String ref, String status, String reasonCode, Duration within) implements Expectation {
        public String describe() {
            return "command '" + ref + "' is " + status + (reasonCode == null ? "" : " (" + reasonCode + ")")
                    + " within " + text(within);
        }
    }

    /** The cloud refused the command's request with a reason code (HTTP 422). */
    public record Refused(String ref, String reasonCode, Duration within) implements Expectation {
        public String describe() {
            return "command '" + ref + "' is refused with " + reasonCode;
        }
    }

    /** A signal of the car's latest state, as the API shows it, is below/above/equal to a value. */
    public record SignalIs(String signal, Double below, Double above, Object equals, Duration within)
            implements Expectation {
        public String describe() {
            String test = below != null ? "below " + below : above != null ? "above " + above : "= " + equals;
            return signal + " " + test + " within " + text(within);
        }
    }

    /** An open service task of this type (and priority) exists for the car. */
    public record TaskOpen(String type, String priority, Duration within) implements Expectation {
        public String describe() {
            return "a " + (priority == null ? "" : priority + " ") + type + " task opens within " + text(within);
        }
    }

    /** The gateway told the car (on its errors topic) that it refused a publish with this code. */
    public record GatewayError(String code, Duration within) implements Expectation {
        public String describe() {
            return "the gateway refuses a publish with " + code + " within " + text(within);
        }
    }

    /** The car has shown at least {@code count} fatigue reminders. */
    public record RemindersShown(int count, Duration within) implements Expectation {
        public String describe() {
            return "the car shows " + count + " reminder(s) within " + text(within);
        }
    }

    /**
     * The schedule's first occurrence was decided: it ran (the cloud fired it, or the car ran it and reported
     * so), or it was skipped with {@code skipped} as the reason (whether the cloud or the car decided).
     */
    public record ScheduleDecided(String ref, boolean ran, String skipped, Duration within) implements Expectation {
        public String describe() {
            return "schedule '" + ref + "' " + (ran ? "runs" : "is skipped with " + skipped) + " within "
                    + text(within);
        }
    }

    /** The car refused the named injected command with this fault code, and did not act on it. */
    public record CarRefused(String ref, String reasonCode, Duration within) implements Expectation {
        public String describe() {
            return "the car refuses '" + ref + "' with " + reasonCode + " within " + text(within);
        }
    }

    /** The car acted on the named command (sent or injected) exactly {@code times} times. */
    public record CarActed(String ref, int times, Duration within) implements Expectation {
        public String describe() {
            return "the car acted on '" + ref + "' " + times + " time(s) within " + text(within);
        }
    }

    static final Duration DEFAULT_WITHIN = Duration.ofMinutes(1);

    /** A duration as scenario files write it: {@code 90s} is {@code 1m30s}. */
    static String text(Duration d) {
        if (d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        String out = (s >= 3600 ? s / 3600 + "h" : "") + (s % 3600 >= 60 ? (s % 3600) / 60 + "m" : "");
        return s % 60 == 0 && !out.isEmpty() ? out : out + s % 60 + "s";
    }

    private static String label(String name, String prefix) {
        return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
    }

    /** Parses a scenario; {@code source} (a file name) prefixes every error. */
    public static Scenario parse(String text, String source) {
        JsonObject root;
        try {
            root = new JsonObject(text);
        } catch (DecodeException e) {
            throw new ScenarioFormatException(source + ": not a JSON object: " + e.getMessage());
        }
        Json j = new Json(source);
        j.onlyFields(root, Set.of("name", "description", "timeScale", "car", "steps"));
        double timeScale = j.optionalNumber(root, "timeScale", 1);
        if (!(timeScale >= 1 && timeScale <= 600)) {
            throw j.error("timeScale", "must be 1..600, was " + timeScale);
        }
        CarSetup car = parseCar(new Json(source + ".car"), j.object(root, "car"));
        Object rawSteps = root.getValue("steps");
        if (!(rawSteps instanceof JsonArray array) || array.isEmpty()) {
            throw j.error("steps", "must be a non-empty array");
        }
        List<Step> steps = new ArrayList<>();
        Map<String, RefKind> refs = new HashMap<>();
        Duration previous = Duration.ZERO;
        for (int i = 0; i < array.size(); i++) {
            Json sj = new Json(source + ".steps[" + i + "]");
            if (!(array.getValue(i) instanceof JsonObject step)) {
                throw new ScenarioFormatException(source + ".steps[" + i + "]: must be an object");
            }
            Duration at = sj.duration(step, "at", previous);
            if (at.compareTo(previous) < 0) {
                throw sj.error("at", "steps must be in time order; " + at + " is before " + previous);
            }
            previous = at;
            if (step.containsKey("do") == step.containsKey("expect")) {
                throw new ScenarioFormatException(source + ".steps[" + i + "]: needs exactly one of do or expect");
            }
            steps.add(
                    step.containsKey("do")
                            ? new Step(i, at, parseAction(sj, step, refs), null)
                            : new Step(i, at, null, parseExpectation(sj, step, refs)));
        }
        String name = j.string(root, "name");
        if (name.isBlank() || name.length() > MAX_NAME) {
            // the runner names the car it enrolls after the scenario, and a car's name has at most 80 characters
            throw new ScenarioFormatException(
                    source + ".name: must be 1.." + MAX_NAME + " characters, was " + name.length());
        }
        return new Scenario(name, j.optionalString(root, "description", ""), timeScale, car, List.copyOf(steps));
    }

    /** Longest scenario name: "Scenario: " and the name make the enrolled car's name (80 at most). */
    static final int MAX_NAME = 70;

    private static CarSetup parseCar(Json j, JsonObject car) {
        j.onlyFields(
                car,
                Set.of(
                        "owner",
                        "exteriorC",
                        "solarTime",
                        "shade",
                        "cabinC",
                        "stateOfChargePct",
                        "occupiedSeats",
                        "childPresence"));
        LocalTime solarTime;
        String rawTime = j.optionalString(car, "solarTime", "14:00");
        try {
            solarTime = LocalTime.parse(rawTime);
        } catch (DateTimeParseException e) {
            throw j.error("solarTime", "must be a time such as 14:00, was " + rawTime);
        }
        Map<CabinPosition, OccupancyStatus> seats = new java.util.EnumMap<>(CabinPosition.class);
        Object occupied = car.getValue("occupiedSeats");
        if (occupied != null) {
            if (!(occupied instanceof JsonArray list)) {
                throw j.error("occupiedSeats", "must be an array of seat positions");
            }
            for (int i = 0; i < list.size(); i++) {
                seats.put(
                        j.enumValue(
                                new JsonObject().put("occupiedSeats", list.getValue(i)),
                                "occupiedSeats",
                                CabinPosition.class,
                                "CABIN_POSITION_"),
                        OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED);
            }
        }
        ChildPresence child = car.containsKey("childPresence")
                ? j.enumValue(car, "childPresence", ChildPresence.class, "CHILD_PRESENCE_")
                : ChildPresence.CHILD_PRESENCE_NOT_DETECTED;
        double soc = j.optionalNumber(car, "stateOfChargePct", 80);
        if (soc < 0 || soc > 100) {
            throw j.error("stateOfChargePct", "must be 0..100, was " + soc);
        }
        return new CarSetup(
                j.optionalString(car, "owner", "alice"),
                j.optionalNumber(car, "exteriorC", 25),
                solarTime,
                j.optionalBoolean(car, "shade", false),
                j.optionalNumber(car, "cabinC", j.optionalNumber(car, "exteriorC", 25)),
                soc,
                Map.copyOf(seats),
                child);
    }

    /** What a step's {@code as} named, so that an expectation refers to the right kind of thing. */
    enum RefKind {
        COMMAND,
        SCHEDULE,
        INJECTED
    }

    private static String newRef(Json j, JsonObject step, Map<String, RefKind> refs, RefKind kind) {
        String ref = j.string(step, "as");
        if (refs.putIfAbsent(ref, kind) != null) {
            throw j.error("as", "'" + ref + "' is already used by an earlier step");
        }
        return ref;
    }

    private static Action parseAction(Json j, JsonObject step, Map<String, RefKind> refs) {
        String kind = j.string(step, "do");
        return switch (kind) {
            case "command" -> {
                j.onlyFields(step, Set.of("at", "do", "as", "command"));
                String ref = newRef(j, step, refs, RefKind.COMMAND);
                JsonObject body = j.object(step, "command");
                j.string(body, "type");
                yield new SendCommand(ref, body);
            }
            case "openDoor", "closeDoor" -> {
                j.onlyFields(step, Set.of("at", "do", "door"));
                yield new OpenDoor(
                        j.enumValue(step, "door", CabinPosition.class, "CABIN_POSITION_"), kind.equals("openDoor"));
            }
            case "seat" -> {
                j.onlyFields(step, Set.of("at", "do", "seat", "occupancy"));
                yield new SetSeat(
                        j.enumValue(step, "seat", CabinPosition.class, "CABIN_POSITION_"),
                        j.enumValue(step, "occupancy", OccupancyStatus.class, "OCCUPANCY_STATUS_"));
            }
            case "child" -> {
                j.onlyFields(step, Set.of("at", "do", "presence"));
                yield new SetChild(j.enumValue(step, "presence", ChildPresence.class, "CHILD_PRESENCE_"));
            }
            case "fatigue" -> {
                j.onlyFields(step, Set.of("at", "do", "level", "cause"));
                yield new RaiseFatigue(
                        j.enumValue(step, "level", FatigueLevel.class, "FATIGUE_LEVEL_"),
                        step.containsKey("cause")
                                ? j.enumValue(step, "cause", FatigueCause.class, "FATIGUE_CAUSE_")
                                : FatigueCause.FATIGUE_CAUSE_DROWSINESS_SCORE);
            }
            case "cabin" -> {
                j.onlyFields(step, Set.of("at", "do", "celsius"));
                yield new SetCabin(j.number(step, "celsius"));
            }
            case "disconnect", "reconnect" -> {
                j.onlyFields(step, Set.of("at", "do"));
                yield new Connection(kind.equals("reconnect"));
            }
            case "ignoreCommands" -> {
                j.onlyFields(step, Set.of("at", "do", "on"));
                yield new IgnoreCommands(j.optionalBoolean(step, "on", true));
            }
            case "delayResults" -> {
                j.onlyFields(step, Set.of("at", "do", "delay"));
                yield new DelayResults(j.duration(step, "delay", null));
            }
            case "duplicatePublishes" -> {
                j.onlyFields(step, Set.of("at", "do", "on"));
                yield new DuplicatePublishes(j.optionalBoolean(step, "on", true));
            }
            case "malformedTelemetry" -> {
                j.onlyFields(step, Set.of("at", "do"));
                yield new MalformedTelemetry();
            }
            case "clockSkew" -> {
                j.onlyFields(step, Set.of("at", "do", "seconds"));
                double seconds = j.number(step, "seconds");
                if (Math.abs(seconds) > 86_400) {
                    throw j.error("seconds", "must be within a day either way, was " + seconds);
                }
                yield new ClockSkew((long) seconds);
            }
            case "schedule" -> {
                j.onlyFields(step, Set.of("at", "do", "as", "readyIn", "targetTemperatureC", "timeZone"));
                String ref = newRef(j, step, refs, RefKind.SCHEDULE);
                Duration readyIn = j.duration(step, "readyIn", null);
                if (readyIn.isNegative() || readyIn.compareTo(Duration.ofHours(24)) > 0) {
                    throw j.error("readyIn", "must be 0s..24h, was " + text(readyIn));
                }
                String zone = j.optionalString(step, "timeZone", "UTC");
                try {
                    java.time.ZoneId.of(zone);
                } catch (java.time.DateTimeException e) {
                    throw j.error("timeZone", "must be an IANA time zone such as Europe/Berlin, was " + zone);
                }
                yield new CreateSchedule(ref, readyIn, j.optionalNumber(step, "targetTemperatureC", 22), zone);
            }
            case "injectCommand" -> {
                j.onlyFields(step, Set.of("at", "do", "as", "attack"));
                String ref = newRef(j, step, refs, RefKind.INJECTED);
                Attack attack = j.enumValue(step, "attack", Attack.class, "");
                if ((attack == Attack.TAMPERED || attack == Attack.REPLAYED) && !refs.containsValue(RefKind.COMMAND)) {
                    throw j.error("attack", attack + " needs a genuine command sent by an earlier command step");
                }
                yield new InjectCommand(ref, attack);
            }
            default ->
                throw j.error(
                        "do",
                        "must be one of [command, openDoor, closeDoor, seat, child, fatigue, cabin, disconnect, reconnect,"
                                + " ignoreCommands, delayResults, duplicatePublishes, malformedTelemetry, clockSkew,"
                                + " schedule, injectCommand], was " + kind);
        };
    }

    private static Expectation parseExpectation(Json j, JsonObject step, Map<String, RefKind> refs) {
        String kind = j.string(step, "expect");
        Duration within = j.duration(step, "within", DEFAULT_WITHIN);
        return switch (kind) {
            case "command" -> {
                j.onlyFields(step, Set.of("at", "expect", "ref", "status", "reasonCode", "within"));
                yield new CommandReaches(
                        knownRef(j, step, refs, RefKind.COMMAND),
                        j.string(step, "status"),
                        j.optionalString(step, "reasonCode", null),
                        within);
            }
            case "refused" -> {
                j.onlyFields(step, Set.of("at", "expect", "ref", "reasonCode", "within"));
                yield new Refused(knownRef(j, step, refs, RefKind.COMMAND), j.string(step, "reasonCode"), within);
            }
            case "signal" -> {
                j.onlyFields(step, Set.of("at", "expect", "signal", "below", "above", "equals", "within"));
                int tests = (step.containsKey("below") ? 1 : 0)
                        + (step.containsKey("above") ? 1 : 0)
                        + (step.containsKey("equals") ? 1 : 0);
                if (tests != 1) {
                    throw j.error("signal", "needs exactly one of below, above or equals");
                }
                yield new SignalIs(
                        j.string(step, "signal"),
                        step.containsKey("below") ? j.number(step, "below") : null,
                        step.containsKey("above") ? j.number(step, "above") : null,
                        step.getValue("equals"),
                        within);
            }
            case "task" -> {
                j.onlyFields(step, Set.of("at", "expect", "type", "priority", "within"));
                yield new TaskOpen(j.string(step, "type"), j.optionalString(step, "priority", null), within);
            }
            case "reminder" -> {
                j.onlyFields(step, Set.of("at", "expect", "count", "within"));
                int count = (int) j.optionalNumber(step, "count", 1);
                if (count < 1) {
                    throw j.error("count", "must be at least 1, was " + count);
                }
                yield new RemindersShown(count, within);
            }
            case "gatewayError" -> {
                j.onlyFields(step, Set.of("at", "expect", "code", "within"));
                String code = j.enumValue(step, "code", dev.carlink.proto.v1.ErrorCode.class, "ERROR_CODE_")
                        .name()
                        .substring("ERROR_CODE_".length());
                yield new GatewayError(code, within);
            }
            case "schedule" -> {
                j.onlyFields(step, Set.of("at", "expect", "ref", "ran", "skipped", "within"));
                String ref = knownRef(j, step, refs, RefKind.SCHEDULE);
                if (step.containsKey("ran") == step.containsKey("skipped")) {
                    throw j.error("ref", "needs exactly one of ran (true) or skipped (a reason such as SOC_TOO_LOW)");
                }
                if (step.containsKey("ran") && !j.optionalBoolean(step, "ran", true)) {
                    throw j.error("ran", "must be true; to expect a skip, give skipped with its reason");
                }
                yield new ScheduleDecided(
                        ref, step.containsKey("ran"), j.optionalString(step, "skipped", null), within);
            }
            case "carRefused" -> {
                j.onlyFields(step, Set.of("at", "expect", "ref", "reasonCode", "within"));
                String ref = knownRef(j, step, refs, RefKind.INJECTED);
                String code = j.enumValue(step, "reasonCode", dev.carlink.proto.v1.ReasonCode.class, "REASON_CODE_")
                        .name()
                        .substring("REASON_CODE_".length());
                yield new CarRefused(ref, code, within);
            }
            case "carActed" -> {
                j.onlyFields(step, Set.of("at", "expect", "ref", "times", "within"));
                String ref = knownRef(j, step, refs, RefKind.COMMAND, RefKind.INJECTED);
                int times = (int) j.number(step, "times");
                if (times < 0) {
                    throw j.error("times", "must be 0 or more, was " + times);
                }
                yield new CarActed(ref, times, within);
            }
            default ->
                throw j.error(
                        "expect",
                        "must be one of [command, refused, signal, task, reminder, gatewayError, schedule, carRefused,"
                                + " carActed], was " + kind);
        };
    }

    private static String knownRef(Json j, JsonObject step, Map<String, RefKind> refs, RefKind... kinds) {
        String ref = j.string(step, "ref");
        RefKind kind = refs.get(ref);
        if (kind == null) {
            throw j.error("ref", "'" + ref + "' is not named by an earlier step (\"as\")");
        }
        if (!List.of(kinds).contains(kind)) {
            throw j.error(
                    "ref",
                    "'" + ref + "' names a " + kind.name().toLowerCase(java.util.Locale.ROOT)
                            + "; this expectation needs a "
                            + List.of(kinds).toString().toLowerCase(java.util.Locale.ROOT));
        }
        return ref;
    }
}
