package dev.carlink.command.http;

import dev.carlink.command.state.TelemetryClient;
import dev.carlink.command.vehicle.VehicleService;
import dev.carlink.command.vehicle.VehicleView;
import dev.carlink.proto.SeriesBuckets;
import dev.carlink.proto.bus.v1.LatestState;
import dev.carlink.proto.v1.Telemetry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Owners' and staff's view of cars: list, latest state with its age, history, and the live stream. */
final class VehicleRoutes {

    static final int DEFAULT_HISTORY_LIMIT = 1000;
    static final int MAX_HISTORY_LIMIT = 10_000;
    static final Duration DEFAULT_HISTORY_WINDOW = Duration.ofHours(1);
    static final Duration MAX_HISTORY_WINDOW = Duration.ofDays(31);

    private final BearerAuth auth;
    private final VehicleService vehicles;
    private final TelemetryClient telemetry;
    private final Clock clock;

    VehicleRoutes(BearerAuth auth, VehicleService vehicles, TelemetryClient telemetry, Clock clock) {
        this.auth = auth;
        this.vehicles = vehicles;
        this.telemetry = telemetry;
        this.clock = clock;
    }

    void mount(Router api) {
        api.get("/vehicles").handler(this::list);
        api.get("/vehicles/:vin").handler(this::one);
        api.get("/vehicles/:vin/state").handler(this::state);
        api.get("/vehicles/:vin/telemetry").handler(this::history);
    }

    private void list(RoutingContext ctx) {
        vehicles.visibleTo(BearerAuth.principal(ctx))
                .onSuccess(list -> {
                    JsonArray out = new JsonArray();
                    list.forEach(v -> out.add(toJson(v, clock.instant())));
                    Responses.json(ctx, 200, new JsonObject().put("vehicles", out));
                })
                .onFailure(ctx::fail);
    }

    private void one(RoutingContext ctx) {
        auth.whenReadable(ctx, vin -> vehicles.find(vin)
                .onSuccess(found -> found.ifPresent(v -> Responses.json(ctx, 200, toJson(v, clock.instant()))))
                .onFailure(ctx::fail));
    }

    private void state(RoutingContext ctx) {
        auth.whenReadable(ctx, vin -> vehicles.find(vin)
                .compose(vehicle -> telemetry.latest(vin).map(state -> {
                    if (state.isEmpty()) {
                        Problem.send(ctx, 404, "No state yet", "vehicle " + vin + " has not reported any telemetry");
                    } else {
                        JsonObject json = stateJson(state.get(), clock.instant());
                        vehicle.ifPresent(v -> json.put("online", v.online()));
                        Responses.json(ctx, 200, json);
                    }
                    return null;
                }))
                .onFailure(ctx::fail));
    }

    /** A state with the age of its data: owners must never mistake old data for now. */
    static JsonObject stateJson(LatestState state, Instant now) {
        Instant sampledAt = Instant.ofEpochMilli(state.getTelemetry().getTimestampMs());
        double age = Math.max(0, Duration.between(sampledAt, now).toMillis()) / 1000.0;
        return new JsonObject()
                .put("vin", state.getVin())
                .put("sampledAt", sampledAt.toString())
                .put("receivedAt", Instant.ofEpochMilli(state.getReceivedAtMs()).toString())
                .put("ageSeconds", age)
                .put("seq", state.getTelemetry().getSeq())
                .put("signals", TelemetryJson.signals(state.getTelemetry()));
    }

    /**
     * History: raw samples by default ({@code bucket=raw}), paged by {@code cursor}; or, with {@code bucket}
     * {@code auto} or a width ({@code 1m} .. {@code 1d}), min/avg/max per bucket of the numeric signals.
     */
    private void history(RoutingContext ctx) {
        Instant to;
        Instant from;
        try {
            to = QueryParams.instant(ctx, "to", clock.instant());
            from = QueryParams.instant(ctx, "from", to.minus(DEFAULT_HISTORY_WINDOW));
        } catch (IllegalArgumentException e) {
            return;
        }
        if (!from.isBefore(to)) {
            Problem.badField(ctx, "from", "must be before to");
            return;
        }
        String bucket = ctx.request().getParam("bucket", "raw");
        if (!bucket.equals("raw")) {
            series(ctx, from, to, bucket);
            return;
        }
        int limit;
        try {
            limit = QueryParams.integer(ctx, "limit", DEFAULT_HISTORY_LIMIT);
        } catch (IllegalArgumentException e) {
            return;
        }
        if (Duration.between(from, to).compareTo(MAX_HISTORY_WINDOW) > 0) {
            Problem.badField(ctx, "from", "raw samples may span at most 31 days; use a bucket for longer spans");
            return;
        }
        if (limit < 1 || limit > MAX_HISTORY_LIMIT) {
            Problem.badField(ctx, "limit", "must be 1.." + MAX_HISTORY_LIMIT + ", was " + limit);
            return;
        }
        long[] cursor = {0, 0};
        String rawCursor = ctx.request().getParam("cursor");
        if (rawCursor != null) {
            Optional<long[]> parsed = HistoryCursor.parse(rawCursor);
            if (parsed.isEmpty()) {
                Problem.badField(ctx, "cursor", "must be the next value of a previous page, was '" + rawCursor + "'");
                return;
            }
            cursor = parsed.get();
        }
        long afterTs = cursor[0];
        long afterSeq = cursor[1];
        auth.whenReadable(ctx, vin -> telemetry
                .history(vin, from, to, limit, afterTs, afterSeq)
                .onSuccess(page -> {
                    JsonArray samples = new JsonArray();
                    page.getSamplesList().forEach(t -> samples.add(TelemetryJson.sample(t)));
                    JsonObject body = new JsonObject()
                            .put("vin", vin)
                            .put("from", from.toString())
                            .put("to", to.toString())
                            .put("bucket", "raw")
                            .put("truncated", page.getTruncated())
                            .put("samples", samples);
                    if (page.getTruncated()) {
                        Telemetry last = page.getSamples(page.getSamplesCount() - 1);
                        body.put("next", HistoryCursor.of(last.getTimestampMs(), last.getSeq()));
                    }
                    Responses.json(ctx, 200, body);
                })
                .onFailure(ctx::fail));
    }

    private void series(RoutingContext ctx, Instant from, Instant to, String bucket) {
        Duration width;
        if (bucket.equals("auto")) {
            width = SeriesBuckets.autoWidth(Duration.between(from, to));
        } else {
            Optional<Duration> named = SeriesBuckets.parse(bucket);
            if (named.isEmpty()) {
                Problem.badField(
                        ctx,
                        "bucket",
                        "must be raw, auto or one of " + String.join(", ", SeriesBuckets.NAMES) + ", was '" + bucket
                                + "'");
                return;
            }
            width = named.get();
        }
        Optional<String> problem = SeriesBuckets.problem(from, to, width);
        if (problem.isPresent()) {
            Problem.badField(ctx, "bucket", problem.get());
            return;
        }
        auth.whenReadable(ctx, vin -> telemetry
                .series(vin, from, to, width)
                .onSuccess(page -> Responses.json(ctx, 200, TelemetryJson.series(vin, page)))
                .onFailure(ctx::fail));
    }

    /**
     * A connected car is seen now; an offline one was last seen when its session ended. {@code presence} says
     * online, asleep (away as it announced, until {@code asleepUntil}) or offline.
     */
    static JsonObject toJson(VehicleView v, Instant now) {
        Instant lastSeen = v.online() ? now : v.lastSeenAt();
        Instant onlineSince = v.online() ? v.presenceChangedAt() : null;
        VehicleView.Presence presence = v.presence(now);
        boolean asleep = presence == VehicleView.Presence.ASLEEP;
        return new JsonObject()
                .put("vin", v.vin())
                .put("name", v.name())
                .put("owner", v.owner())
                .put("online", v.online())
                .put("presence", presence.wire())
                .put("onlineSince", onlineSince == null ? null : onlineSince.toString())
                .put("asleepSince", asleep ? v.asleepSince().toString() : null)
                .put("checkInBy", asleep ? v.checkInBy().toString() : null)
                .put("asleepUntil", asleep ? v.asleepUntil().toString() : null)
                .put("lastSeenAt", lastSeen == null ? null : lastSeen.toString())
                .put("protocol", v.protocol())
                .put("enrolledAt", v.enrolledAt().toString());
    }

    /** Reads an ISO-8601 instant query parameter; on a bad one answers 400 and throws. */
}
