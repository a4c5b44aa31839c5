package dev.carlink.command.http;

import dev.carlink.command.state.TelemetryClient;
import dev.carlink.proto.VinFormat;
import dev.carlink.proto.bus.v1.FleetQuery;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;

/**
 * Staff's fleet view: which cars match a condition now, e.g. {@code
 * /fleet/vehicles?cabinAboveC=40&parked=true&occupied=true}. Every condition given must hold; a car that never
 * reported a signal does not match a condition on it.
 */
final class FleetRoutes {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1_000;

    private static final Set<String> PARAMS = Set.of(
            "cabinAboveC",
            "cabinBelowC",
            "chargeBelowPct",
            "parked",
            "occupied",
            "childDetected",
            "freshWithinSeconds",
            "limit",
            "cursor");

    private final TelemetryClient telemetry;
    private final Clock clock;

    FleetRoutes(TelemetryClient telemetry, Clock clock) {
        this.telemetry = telemetry;
        this.clock = clock;
    }

    void mount(Router api) {
        api.get("/fleet/vehicles").handler(this::find);
    }

    private void find(RoutingContext ctx) {
        if (!BearerAuth.requireStaff(ctx)) {
            return;
        }
        for (String name : ctx.request().params().names()) {
            if (!PARAMS.contains(name)) {
                Problem.badField(
                        ctx,
                        name,
                        "unknown condition; use one of " + String.join(", ", new java.util.TreeSet<>(PARAMS)));
                return;
            }
        }
        FleetQuery.Builder query = FleetQuery.newBuilder();
        int limit;
        try {
            QueryParams.number(ctx, "cabinAboveC").ifPresent(query::setCabinAboveC);
            QueryParams.number(ctx, "cabinBelowC").ifPresent(query::setCabinBelowC);
            QueryParams.number(ctx, "chargeBelowPct").ifPresent(query::setChargeBelowPct);
            QueryParams.bool(ctx, "parked").ifPresent(query::setParked);
            QueryParams.bool(ctx, "occupied").ifPresent(query::setOccupied);
            QueryParams.bool(ctx, "childDetected").ifPresent(query::setChildDetected);
            int fresh = QueryParams.integer(ctx, "freshWithinSeconds", -1);
            if (fresh != -1) {
                if (fresh < 1) {
                    Problem.badField(ctx, "freshWithinSeconds", "must be at least 1, was " + fresh);
                    return;
                }
                query.setSampledAfterMs(clock.instant().minusSeconds(fresh).toEpochMilli());
            }
            limit = QueryParams.integer(ctx, "limit", DEFAULT_LIMIT);
        } catch (IllegalArgumentException e) {
            return;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            Problem.badField(ctx, "limit", "must be 1.." + MAX_LIMIT + ", was " + limit);
            return;
        }
        String cursor = ctx.request().getParam("cursor");
        if (cursor != null) {
            if (!VinFormat.isValid(cursor)) {
                Problem.badField(ctx, "cursor", "must be the next value of a previous page, was '" + cursor + "'");
                return;
            }
            query.setAfterVin(cursor);
        }
        query.setLimit(limit);
        Instant now = clock.instant();
        telemetry
                .fleet(query.build())
                .onSuccess(page -> {
                    JsonArray vehicles = new JsonArray();
                    page.getVehiclesList().forEach(v -> vehicles.add(VehicleRoutes.stateJson(v, now)));
                    JsonObject body =
                            new JsonObject().put("count", vehicles.size()).put("vehicles", vehicles);
                    if (page.getTruncated()) {
                        body.put(
                                "next",
                                page.getVehicles(page.getVehiclesCount() - 1).getVin());
                    }
                    Responses.json(ctx, 200, body);
                })
                .onFailure(ctx::fail);
    }
}
