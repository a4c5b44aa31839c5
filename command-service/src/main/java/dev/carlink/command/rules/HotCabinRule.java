package dev.carlink.command.rules;

import dev.carlink.command.lifecycle.CommandSpec;
import dev.carlink.command.task.TaskService;
import dev.carlink.command.task.TaskType;
import dev.carlink.proto.bus.v1.LatestState;
import dev.carlink.proto.v1.ChildPresence;
import dev.carlink.proto.v1.OccupancyStatus;
import dev.carlink.proto.v1.Seat;
import dev.carlink.proto.v1.Telemetry;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A hot cabin with someone inside: a parked car (gear P) whose cabin is above the threshold (40 °C) with an
 * occupied seat or a child detected. The first state that shows it starts cooling (a CLIMATE_START allowed below
 * the usual charge limit: a life comes before the battery), alerts the owner and opens an URGENT task. The
 * emergency lasts until the cabin is below the clear temperature, nobody is inside, or the car drives; only then
 * can a new one act again. Which cars are in an emergency is in {@code command.rule_state}, mirrored in memory so
 * that the fleet's ordinary telemetry costs no database round trip.
 */
final class HotCabinRule {

    static final String RULE = "hot-cabin";
    static final String REQUESTER = "system:hot-cabin";
    static final int PARK = 126;

    /** What one state shows. */
    enum Reading {
        EMERGENCY,
        CLEAR,
        NO_CHANGE
    }

    private final RulesConfig.HotCabin config;
    private final TaskService tasks;
    private final RuleStateStore states;
    private final OwnerAlerts alerts;
    private final Set<String> active = ConcurrentHashMap.newKeySet();

    HotCabinRule(RulesConfig.HotCabin config, TaskService tasks, RuleStateStore states, OwnerAlerts alerts) {
        this.config = config;
        this.tasks = tasks;
        this.states = states;
        this.alerts = alerts;
    }

    /** After a restart: the cars in an emergency, as committed. */
    void remember(List<String> vins) {
        active.addAll(vins);
    }

    /** Pure: what a state means for a car that is, or is not, in an emergency now. */
    Reading read(Telemetry t, boolean inEmergency) {
        if (!config.enabled() || !t.hasCabinTemperatureC()) {
            return Reading.NO_CHANGE;
        }
        boolean parked = t.hasSelectedGear() && t.getSelectedGear() == PARK;
        boolean someone = !occupants(t).isEmpty();
        if (!inEmergency) {
            return parked && someone && t.getCabinTemperatureC() > config.thresholdC()
                    ? Reading.EMERGENCY
                    : Reading.NO_CHANGE;
        }
        return !parked || !someone || t.getCabinTemperatureC() < config.clearBelowC()
                ? Reading.CLEAR
                : Reading.NO_CHANGE;
    }

    /** Whether {@link #onState} has anything to do: the fast path for the fleet's ordinary telemetry. */
    boolean concerns(LatestState state) {
        return read(state.getTelemetry(), active.contains(state.getVin())) != Reading.NO_CHANGE;
    }

    /** Inside a transaction of its own: starts or ends the car's emergency. */
    void onState(Connection c, LatestState state, Instant now, RuleEffects effects) throws SQLException {
        String vin = state.getVin();
        Optional<JsonObject> current = states.lock(c, vin, RULE);
        Telemetry t = state.getTelemetry();
        Reading reading = read(t, current.isPresent());
        if (reading == Reading.CLEAR) {
            states.delete(c, vin, RULE);
            effects.after(() -> active.remove(vin));
            return;
        }
        if (reading != Reading.EMERGENCY) {
            return;
        }
        List<String> inside = occupants(t);
        String cabin = String.format(Locale.ROOT, "%.1f °C", t.getCabinTemperatureC());
        states.save(
                c,
                vin,
                RULE,
                new JsonObject().put("sinceMs", now.toEpochMilli()).put("cabin", cabin),
                null,
                now);
        String trigger = "parked, cabin " + cabin + " with " + String.join(", ", inside) + "; cooling to "
                + config.coolingTargetC() + " °C started automatically";
        effects.task(tasks.raise(c, vin, TaskType.HOT_CABIN_OCCUPIED, trigger));
        effects.alert(alerts.insert(
                c,
                vin,
                "HOT_CABIN",
                "Your car's cabin is " + cabin + " and someone seems to be inside (" + String.join(", ", inside)
                        + "). We started the A/C and our service team is calling you. Please go to the car now.",
                now));
        UUID id = UUID.nameUUIDFromBytes(
                ("hot-cabin/" + vin + "/" + now.toEpochMilli()).getBytes(StandardCharsets.UTF_8));
        effects.request(
                id,
                vin,
                new CommandSpec.ClimateStartSpec(config.coolingTargetC(), config.coolingMinutes(), true),
                REQUESTER);
        effects.after(() -> active.add(vin));
    }

    /** Who the state shows inside: occupied seats and a detected child. */
    static List<String> occupants(Telemetry t) {
        List<String> inside = new ArrayList<>();
        for (Seat seat : t.getSeatsList()) {
            if (seat.getOccupancy() == OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED) {
                inside.add("seat " + seat.getPosition().name().replace("CABIN_POSITION_", "") + " occupied");
            }
        }
        if (t.hasChildPresence() && t.getChildPresence() == ChildPresence.CHILD_PRESENCE_DETECTED) {
            inside.add("a child detected");
        }
        return inside;
    }
}
