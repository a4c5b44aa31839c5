package dev.carlink.simulator.scenario;

import dev.carlink.proto.v1.CommandOutcome;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.Vins;
import dev.carlink.simulator.car.CarConfig;
import dev.carlink.simulator.car.SimulatedCar;
import dev.carlink.simulator.car.SkewableClock;
import dev.carlink.simulator.car.Weather;
import dev.carlink.simulator.enroll.EnrollmentClient;
import dev.carlink.simulator.mqtt.MqttCar;
import dev.carlink.simulator.mqtt.MqttCarConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs scenarios against a backend: enrolls a fresh car per scenario through the HTTP API, puts it on MQTT
 * as a simulated car, and plays the timeline. Simulated time runs {@code timeScale} times faster than real
 * time for the car's physics and the timeline; the backend keeps real time, so every expectation also gets
 * {@link #GRACE} of real time for the network and the telemetry interval.
 */
public final class ScenarioRunner {

    /** Real time added to every expectation's window. */
    public static final Duration GRACE = Duration.ofSeconds(3);

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration TELEMETRY_INTERVAL = Duration.ofMillis(500);
    private static final long VIN_BASE = 800_000_000_000L;

    /** Where the backend is and who the runner acts as. */
    public record Backend(
            URI api, URI mqtt, String staffUser, String staffPassword, Map<String, String> ownerPasswords) {
        public Backend {
            Objects.requireNonNull(api, "api");
            Objects.requireNonNull(mqtt, "mqtt");
            ownerPasswords = Map.copyOf(ownerPasswords);
        }
    }

    private final Backend backend;
    private final Double timeScaleOverride;
    private final Consumer<String> progress;
    private final BackendApi api;
    private final CommandForgery forgery = new CommandForgery();
    /** VIN numbers unique per run, so scenarios never see an earlier run's commands or tasks. */
    private final AtomicLong nextVin = new AtomicLong(VIN_BASE + System.currentTimeMillis() % 100_000_000_000L);

    /** @param timeScaleOverride when set, replaces each scenario's own time scale */
    public ScenarioRunner(Backend backend, Double timeScaleOverride, Consumer<String> progress) {
        this.backend = backend;
        this.timeScaleOverride = timeScaleOverride;
        this.progress = progress;
        this.api = new BackendApi(backend.api());
    }

    /** Runs one scenario to its end; a failed expectation is recorded and the timeline goes on. */
    public ScenarioResult run(String source, Scenario scenario) {
        long started = System.nanoTime();
        List<StepResult> results = new ArrayList<>();
        double scale = timeScaleOverride != null ? timeScaleOverride : scenario.timeScale();
        progress.accept("scenario " + scenario.name() + " [" + source + ", time x" + scale + "]");
        Play play = null;
        try {
            play = start(scenario, scale);
            for (Scenario.Step step : scenario.steps()) {
                waitUntil(started, step.at(), scale);
                StepResult result = step.action() != null ? act(play, step, scale) : check(play, step, scale);
                results.add(result);
                progress.accept(String.format(
                        "  %s %6s  %s%s",
                        result.passed() ? "ok  " : "FAIL",
                        format(step.at()),
                        step.describe(),
                        result.detail() == null ? "" : "  -> " + result.detail()));
            }
            return new ScenarioResult(source, scenario, List.copyOf(results), null, elapsed(started));
        } catch (RuntimeException e) {
            progress.accept("  ERROR " + e.getMessage());
            return new ScenarioResult(source, scenario, List.copyOf(results), e.getMessage(), elapsed(started));
        } finally {
            if (play != null) {
                play.car.close();
            }
        }
    }

    /** The state of one running scenario. */
    private static final class Play {
        final String vin;
        final VehicleCredentials credentials;
        final SimulatedCar simulated;
        final MqttCarConfig carConfig;
        final String ownerToken;
        final String staffToken;
        final Map<String, BackendApi.Reply> commands = new HashMap<>();
        /** Schedule ids by the ref that created them. */
        final Map<String, String> schedules = new HashMap<>();
        /** Ids of injected commands by ref. */
        final Map<String, String> injected = new HashMap<>();

        final SkewableClock clock;
        MqttCar car;
        boolean ignoreCommands;
        Duration resultDelay = Duration.ZERO;
        boolean duplicatePublishes;

        Play(
                VehicleCredentials credentials,
                SimulatedCar simulated,
                MqttCarConfig carConfig,
                String ownerToken,
                String staffToken,
                SkewableClock clock) {
            this.clock = clock;
            this.vin = credentials.vin();
            this.credentials = credentials;
            this.simulated = simulated;
            this.carConfig = carConfig;
            this.ownerToken = ownerToken;
            this.staffToken = staffToken;
        }

        void connect() {
            car = new MqttCar(credentials, simulated, carConfig);
            applyFaults();
            try {
                car.connect().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(
                        "car " + vin + " did not connect to " + carConfig.serverUri() + ": " + e.getMessage(), e);
            }
        }

        /** Faults belong to the car, so they survive a reconnection (a new connection object). */
        void applyFaults() {
            car.faults().ignoreCommands(ignoreCommands);
            car.faults().delayResults(resultDelay);
            car.faults().duplicatePublishes(duplicatePublishes);
        }
    }

    private Play start(Scenario scenario, double scale) {
        Scenario.CarSetup setup = scenario.car();
        String ownerPassword = backend.ownerPasswords().get(setup.owner());
        if (ownerPassword == null) {
            throw new IllegalStateException(
                    "no password given for owner " + setup.owner() + " (--owner-password " + setup.owner() + "=...)");
        }
        EnrollmentClient enrollment = new EnrollmentClient(backend.api());
        String staffToken = enrollment.login(backend.staffUser(), backend.staffPassword());
        String vin = Vins.simulatorVin(nextVin.getAndIncrement());
        VehicleCredentials credentials =
                enrollment.enroll(staffToken, vin, setup.owner(), "Scenario: " + scenario.name());
        SkewableClock clock = new SkewableClock(Clock.systemUTC());
        SimulatedCar simulated = new SimulatedCar(CarConfig.of(vin).withReminderAcknowledgeDelay(Duration.ZERO), clock);
        simulated.park();
        simulated.lockAllDoors();
        simulated.setWeather(
                setup.shade()
                        ? Weather.shade(setup.exteriorC(), setup.solarTime())
                        : Weather.sunny(setup.exteriorC(), setup.solarTime()));
        simulated.setCabinTemperature(setup.cabinC());
        simulated.setStateOfCharge(setup.stateOfChargePct());
        setup.seats().forEach(simulated::setSeat);
        simulated.setChildPresence(setup.childPresence());
        MqttCarConfig carConfig = MqttCarConfig.of(backend.mqtt())
                .withTelemetryInterval(TELEMETRY_INTERVAL)
                .withTimeScale(scale);
        String ownerToken = api.login(setup.owner(), ownerPassword);
        // the scenarios' owners have chosen the cloud fatigue service (it is off until an owner opts in)
        enrollment.fatigueService(ownerToken, vin, true);
        Play play = new Play(credentials, simulated, carConfig, ownerToken, staffToken, clock);
        play.connect();
        progress.accept("  car " + vin + " of " + setup.owner() + " connected");
        awaitFirstState(play);
        return play;
    }

    private void awaitFirstState(Play play) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (api.state(play.ownerToken, play.vin).status() != 200) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the backend shows no state for " + play.vin + " after 15 s");
            }
            sleep(POLL);
        }
    }

    private StepResult act(Play play, Scenario.Step step, double scale) {
        long started = System.nanoTime();
        String detail = null;
        Scenario.Action action = step.action();
        if (action instanceof Scenario.SendCommand send) {
            BackendApi.Reply reply = api.postCommand(play.ownerToken, play.vin, send.body());
            play.commands.put(send.ref(), reply);
            detail = "HTTP " + reply.status() + " " + commandOf(reply).getString("status", "");
        } else if (action instanceof Scenario.OpenDoor door) {
            if (door.open()) {
                play.simulated.openDoor(door.door());
            } else {
                play.simulated.closeDoor(door.door());
            }
        } else if (action instanceof Scenario.SetSeat seat) {
            play.simulated.setSeat(seat.seat(), seat.occupancy());
        } else if (action instanceof Scenario.SetChild child) {
            play.simulated.setChildPresence(child.presence());
        } else if (action instanceof Scenario.RaiseFatigue fatigue) {
            play.simulated.raiseFatigueAlert(fatigue.level(), fatigue.cause());
        } else if (action instanceof Scenario.SetCabin cabin) {
            play.simulated.setCabinTemperature(cabin.celsius());
        } else if (action instanceof Scenario.Connection connection) {
            if (connection.up()) {
                play.connect();
            } else {
                play.car.close();
            }
        } else if (action instanceof Scenario.IgnoreCommands ignore) {
            play.ignoreCommands = ignore.on();
            play.applyFaults();
        } else if (action instanceof Scenario.DelayResults delay) {
            play.resultDelay = Duration.ofNanos((long) (delay.delay().toNanos() / scale));
            play.applyFaults();
        } else if (action instanceof Scenario.DuplicatePublishes duplicate) {
            play.duplicatePublishes = duplicate.on();
            play.applyFaults();
        } else if (action instanceof Scenario.MalformedTelemetry) {
            play.car.publishMalformedTelemetry();
        } else if (action instanceof Scenario.ClockSkew skew) {
            play.clock.skew(Duration.ofSeconds(skew.seconds()));
        } else if (action instanceof Scenario.CreateSchedule schedule) {
            BackendApi.Reply reply = api.postSchedule(play.ownerToken, play.vin, scheduleBody(schedule));
            if (reply.status() != 201) {
                return new StepResult(
                        step,
                        false,
                        elapsed(started),
                        "HTTP " + reply.status() + " " + reply.body().getString("detail", ""));
            }
            play.schedules.put(schedule.ref(), reply.body().getString("id"));
            detail = "ready by " + reply.body().getString("nextReadyBy") + ", A/C from "
                    + reply.body().getString("nextRunAt");
        } else if (action instanceof Scenario.InjectCommand inject) {
            CommandForgery.Injected forged = forgery.make(inject.attack(), play.vin, play.credentials, play.car);
            play.injected.put(inject.ref(), forged.commandId());
            play.car.deliverAsIfReceived(forged.payload());
            detail = "command id " + forged.commandId();
        }
        return new StepResult(step, true, elapsed(started), detail);
    }

    /** A one-time schedule whose ready-by is the first whole minute at least {@code readyIn} from now. */
    private static JsonObject scheduleBody(Scenario.CreateSchedule schedule) {
        ZonedDateTime readyBy = ZonedDateTime.now(ZoneId.of(schedule.timeZone()))
                .plus(schedule.readyIn())
                .plusMinutes(1)
                .truncatedTo(ChronoUnit.MINUTES);
        return new JsonObject()
                .put("readyBy", String.format("%02d:%02d", readyBy.getHour(), readyBy.getMinute()))
                .put("timeZone", schedule.timeZone())
                .put("date", readyBy.toLocalDate().toString())
                .put("targetTemperatureC", schedule.targetTemperatureC());
    }

    private StepResult check(Play play, Scenario.Step step, double scale) {
        long started = System.nanoTime();
        Scenario.Expectation expectation = step.expectation();
        Duration window = Duration.ofNanos((long) (expectation.within().toNanos() / scale))
                .plus(GRACE);
        long deadline = started + window.toNanos();
        Supplier<String> probe = probe(play, expectation);
        String seen;
        while (true) {
            seen = probe.get();
            if (seen == null) {
                return new StepResult(step, true, elapsed(started), null);
            }
            if (System.nanoTime() >= deadline) {
                return new StepResult(step, false, elapsed(started), seen);
            }
            sleep(POLL);
        }
    }

    /** A probe answers null when the expectation holds, or what it saw instead. */
    private Supplier<String> probe(Play play, Scenario.Expectation expectation) {
        if (expectation instanceof Scenario.CommandReaches c) {
            return () -> commandProbe(play, c);
        }
        if (expectation instanceof Scenario.Refused r) {
            return () -> {
                BackendApi.Reply created = play.commands.get(r.ref());
                String reason = created.body().getString("reasonCode");
                return created.status() == 422 && r.reasonCode().equals(reason)
                        ? null
                        : "HTTP " + created.status() + ", reason " + reason;
            };
        }
        if (expectation instanceof Scenario.SignalIs s) {
            return () -> signalProbe(play, s);
        }
        if (expectation instanceof Scenario.TaskOpen t) {
            return () -> taskProbe(play, t);
        }
        if (expectation instanceof Scenario.GatewayError g) {
            return () -> {
                List<String> codes = play.simulated.errors().stream()
                        .map(e -> e.getCode().name().substring("ERROR_CODE_".length()))
                        .toList();
                return codes.contains(g.code()) ? null : "gateway errors seen: " + codes;
            };
        }
        if (expectation instanceof Scenario.ScheduleDecided d) {
            return () -> scheduleProbe(play, d);
        }
        if (expectation instanceof Scenario.CarRefused r) {
            return () -> {
                String id = play.injected.get(r.ref());
                String refusal = play.car
                        .verifier()
                        .refusalOf(id)
                        .map(code -> code.name().substring("REASON_CODE_".length()))
                        .orElse(null);
                if (settledTimes(play, id) > 0) {
                    return "the car acted on it";
                }
                return r.reasonCode().equals(refusal) ? null : "refusal " + refusal;
            };
        }
        if (expectation instanceof Scenario.CarActed a) {
            return () -> {
                String id = play.injected.containsKey(a.ref())
                        ? play.injected.get(a.ref())
                        : commandOf(play.commands.get(a.ref())).getString("id");
                long times = id == null ? 0 : settledTimes(play, id);
                return times == a.times() ? null : times + " time(s)";
            };
        }
        Scenario.RemindersShown r = (Scenario.RemindersShown) expectation;
        return () -> {
            int shown = play.simulated.receivedReminders().size();
            return shown >= r.count() ? null : shown + " shown";
        };
    }

    private String commandProbe(Play play, Scenario.CommandReaches c) {
        BackendApi.Reply created = play.commands.get(c.ref());
        JsonObject command = commandOf(created);
        if (!command.containsKey("id")) {
            return "the request was answered HTTP " + created.status() + " without a command";
        }
        JsonObject now =
                api.command(play.ownerToken, play.vin, command.getString("id")).body();
        boolean statusOk = c.status().equals(now.getString("status"));
        boolean reasonOk = c.reasonCode() == null || c.reasonCode().equals(now.getString("reasonCode"));
        return statusOk && reasonOk
                ? null
                : "status " + now.getString("status") + ", reason " + now.getString("reasonCode");
    }

    private String signalProbe(Play play, Scenario.SignalIs s) {
        BackendApi.Reply state = api.state(play.ownerToken, play.vin);
        Object value = state.body().getJsonObject("signals", new JsonObject()).getValue(s.signal());
        if (value == null) {
            return "no value (HTTP " + state.status() + ")";
        }
        boolean holds;
        if (s.below() != null) {
            holds = value instanceof Number n && n.doubleValue() < s.below();
        } else if (s.above() != null) {
            holds = value instanceof Number n && n.doubleValue() > s.above();
        } else {
            holds = value instanceof Number n && s.equals() instanceof Number e
                    ? n.doubleValue() == e.doubleValue()
                    : String.valueOf(value).equals(String.valueOf(s.equals()));
        }
        return holds ? null : "was " + value;
    }

    /** How many times the car settled the command (results other than IN_PROGRESS): acting twice shows as 2. */
    private static long settledTimes(Play play, String commandId) {
        return play.simulated.results().stream()
                .filter(r -> r.getCommandId().equals(commandId)
                        && r.getStatus() != CommandOutcome.COMMAND_OUTCOME_IN_PROGRESS)
                .count();
    }

    private String scheduleProbe(Play play, Scenario.ScheduleDecided d) {
        String id = play.schedules.get(d.ref());
        if (id == null) {
            return "the schedule was not created";
        }
        JsonArray fires =
                api.scheduleFires(play.ownerToken, play.vin, id).body().getJsonArray("fires", new JsonArray());
        if (fires.isEmpty()) {
            return "not decided yet";
        }
        JsonObject fire = fires.getJsonObject(0);
        String outcome = fire.getString("outcome");
        String reason = fire.getString("reason");
        boolean reportedByCar = fire.getString("carReportedAt") != null;
        boolean holds = d.ran()
                ? "FIRED".equals(outcome) || ("CAR".equals(outcome) && reportedByCar && reason == null)
                : d.skipped().equals(reason);
        return holds
                ? null
                : outcome
                        + (reason == null ? "" : " " + reason)
                        + ("CAR".equals(outcome) && !reportedByCar ? " (the car has not reported yet)" : "");
    }

    private String taskProbe(Play play, Scenario.TaskOpen t) {
        JsonArray tasks = api.tasks(play.staffToken, play.vin).body().getJsonArray("tasks", new JsonArray());
        for (Object o : tasks) {
            JsonObject task = (JsonObject) o;
            if (t.type().equals(task.getString("type"))
                    && (t.priority() == null || t.priority().equals(task.getString("priority")))) {
                return null;
            }
        }
        return tasks.size() + " open task(s), none of that kind";
    }

    /** The command a POST created: the body itself (201) or the refusal's {@code command} (422). */
    private static JsonObject commandOf(BackendApi.Reply reply) {
        if (reply == null) {
            return new JsonObject();
        }
        return reply.body().containsKey("command") ? reply.body().getJsonObject("command") : reply.body();
    }

    private static void waitUntil(long startedNanos, Duration simulatedOffset, double scale) {
        long due = startedNanos + (long) (simulatedOffset.toNanos() / scale);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            sleep(Duration.ofNanos(wait));
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(Math.max(1, duration.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Duration elapsed(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    private static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 60 ? (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s") : s + "s";
    }
}
