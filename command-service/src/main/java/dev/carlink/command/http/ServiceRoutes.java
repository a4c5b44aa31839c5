package dev.carlink.command.http;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.command.consent.FatigueConsentService;
import dev.carlink.command.lifecycle.FieldError;
import dev.carlink.command.lifecycle.Json;
import dev.carlink.command.rules.OwnerAlerts;
import dev.carlink.command.store.Db;
import dev.carlink.command.task.TaskService;
import dev.carlink.command.task.TaskView;
import dev.carlink.proto.v1.VehicleEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Set;

/**
 * A car's service picture besides its state and commands: the events it sent (the console's timeline), the
 * alerts sent to its owner, and the owner's choice about the fatigue service.
 */
final class ServiceRoutes {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private final BearerAuth auth;
    private final Db db;
    private final TaskService tasks;
    private final FatigueConsentService fatigueConsents;

    ServiceRoutes(BearerAuth auth, Db db, TaskService tasks, FatigueConsentService fatigueConsents) {
        this.auth = auth;
        this.db = db;
        this.tasks = tasks;
        this.fatigueConsents = fatigueConsents;
    }

    void mount(Router api) {
        api.get("/vehicles/:vin/events").handler(this::events);
        api.get("/vehicles/:vin/alerts").handler(this::alerts);
        api.get("/vehicles/:vin/fatigue-service").handler(this::fatigueService);
        api.put("/vehicles/:vin/fatigue-service").handler(this::optIn);
        api.get("/vehicles/:vin/service-tasks").handler(this::serviceTasks);
        api.post("/vehicles/:vin/service-tasks/:id/rating").handler(this::rate);
        api.get("/account").handler(this::account);
        api.put("/account/contact").handler(this::contact);
    }

    /** The service tasks about a car, as its owner sees them: what happened and how it ended, not staff's notes. */
    private void serviceTasks(RoutingContext ctx) {
        Integer limit = QueryParams.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
        if (limit == null) {
            return;
        }
        auth.whenReadable(ctx, vin -> tasks.ofVehicle(vin, limit)
                .onSuccess(list -> {
                    JsonArray out = new JsonArray();
                    list.forEach(t -> out.add(ownerView(t)));
                    Responses.json(ctx, 200, new JsonObject().put("tasks", out));
                })
                .onFailure(ctx::fail));
    }

    static JsonObject ownerView(TaskView t) {
        return new JsonObject()
                .put("id", t.id())
                .put("type", t.type().name())
                .put("title", t.type().title())
                .put("status", t.status().name())
                .put("createdAt", t.createdAt().toString())
                .put("updatedAt", t.updatedAt().toString())
                .put("outcome", t.outcome())
                .put("rating", t.rating())
                .put("ratingComment", t.ratingComment());
    }

    /** {@code {"stars": 1..5, "comment": "..."}}: the owner rates a resolved task about their car, once. */
    private void rate(RoutingContext ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            Problem.badField(ctx, "id", "must be a task number, was " + ctx.pathParam("id"));
            return;
        }
        JsonObject body = Bodies.jsonObject(ctx);
        if (body == null) {
            return;
        }
        int stars;
        String comment;
        try {
            Json.onlyFields(body, Set.of("stars", "comment"));
            Object value = body.getValue("stars");
            if (!(value instanceof Integer) || (Integer) value < 1 || (Integer) value > 5) {
                throw new FieldError("stars", "must be a whole number from 1 to 5");
            }
            stars = (Integer) value;
            comment = Json.optionalString(body, "comment", null);
            if (comment != null && comment.length() > 1000) {
                throw new FieldError("comment", "must be at most 1000 characters");
            }
        } catch (FieldError e) {
            Problem.badField(ctx, e.field(), e.getMessage().substring(e.field().length() + 2));
            return;
        }
        String owner = BearerAuth.principal(ctx).username();
        auth.whenCommandable(ctx, vin -> tasks.rate(id, vin, owner, stars, comment)
                .onSuccess(step -> {
                    switch (step.problem()) {
                        case NONE ->
                            Responses.json(ctx, 200, ownerView(step.task().orElseThrow()));
                        case NOT_FOUND -> Problem.send(ctx, 404, "Not found", step.message());
                        case CONFLICT -> Problem.send(ctx, 409, "Conflict", step.message());
                    }
                })
                .onFailure(ctx::fail));
    }

    /** Who is logged in, with the contact details staff see on their cars' tasks. */
    private void account(RoutingContext ctx) {
        String username = BearerAuth.principal(ctx).username();
        db.read(c -> {
                    try (PreparedStatement ps = c.prepareStatement(
                            "SELECT username, display_name, role, phone, email FROM command.users WHERE username = ?")) {
                        ps.setString(1, username);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            return new JsonObject()
                                    .put("username", rs.getString(1))
                                    .put("displayName", rs.getString(2))
                                    .put("role", rs.getString(3))
                                    .put("phone", rs.getString(4))
                                    .put("email", rs.getString(5));
                        }
                    }
                })
                .onSuccess(json -> Responses.json(ctx, 200, json))
                .onFailure(ctx::fail);
    }

    /** {@code {"phone": "+49 ...", "email": "..."}}: how the service team reaches this user (null clears). */
    private void contact(RoutingContext ctx) {
        JsonObject body = Bodies.jsonObject(ctx);
        if (body == null) {
            return;
        }
        String phone;
        String email;
        try {
            Json.onlyFields(body, Set.of("phone", "email"));
            phone = Json.optionalString(body, "phone", null);
            email = Json.optionalString(body, "email", null);
            if (phone != null && !phone.matches("\\+?[0-9 ()./-]{5,32}")) {
                throw new FieldError("phone", "must be 5..32 digits, spaces and + ( ) . / -");
            }
            if (email != null && (email.length() > 254 || !email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+"))) {
                throw new FieldError("email", "must be an e-mail address");
            }
        } catch (FieldError e) {
            Problem.badField(ctx, e.field(), e.getMessage().substring(e.field().length() + 2));
            return;
        }
        String username = BearerAuth.principal(ctx).username();
        db.tx(c -> {
                    try (PreparedStatement ps =
                            c.prepareStatement("UPDATE command.users SET phone = ?, email = ? WHERE username = ?")) {
                        ps.setString(1, phone);
                        ps.setString(2, email);
                        ps.setString(3, username);
                        return ps.executeUpdate();
                    }
                })
                .onSuccess(done -> account(ctx))
                .onFailure(ctx::fail);
    }

    private void events(RoutingContext ctx) {
        Integer limit = QueryParams.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
        if (limit == null) {
            return;
        }
        auth.whenReadable(ctx, vin -> db.read(c -> {
                    JsonArray out = new JsonArray();
                    try (PreparedStatement ps = c.prepareStatement("SELECT seq, ts, received_at, kind, payload "
                            + "FROM command.vehicle_events WHERE vin = ? ORDER BY ts DESC, seq DESC LIMIT ?")) {
                        ps.setString(1, vin);
                        ps.setInt(2, limit);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                out.add(new JsonObject()
                                        .put("seq", rs.getLong(1))
                                        .put(
                                                "at",
                                                rs.getTimestamp(2).toInstant().toString())
                                        .put(
                                                "receivedAt",
                                                rs.getTimestamp(3).toInstant().toString())
                                        .put("kind", rs.getString(4))
                                        .put("summary", summary(rs.getBytes(5))));
                            }
                        }
                    }
                    return out;
                })
                .onSuccess(events -> Responses.json(ctx, 200, new JsonObject().put("events", events)))
                .onFailure(ctx::fail));
    }

    private void alerts(RoutingContext ctx) {
        Integer limit = QueryParams.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
        if (limit == null) {
            return;
        }
        auth.whenReadable(ctx, vin -> db.read(c -> OwnerAlerts.latest(c, vin, limit))
                .onSuccess(alerts -> Responses.json(ctx, 200, new JsonObject().put("alerts", alerts)))
                .onFailure(ctx::fail));
    }

    private void fatigueService(RoutingContext ctx) {
        auth.whenReadable(ctx, vin -> fatigueConsents
                .optedIn(vin)
                .onSuccess(in -> Responses.json(ctx, 200, new JsonObject().put("optedIn", in)))
                .onFailure(ctx::fail));
    }

    /** Only the owner decides: {@code {"optedIn": true|false}}. */
    private void optIn(RoutingContext ctx) {
        JsonObject body = Bodies.jsonObject(ctx);
        if (body == null) {
            return;
        }
        boolean in;
        try {
            Json.onlyFields(body, Set.of("optedIn"));
            Object value = body.getValue("optedIn");
            if (!(value instanceof Boolean)) {
                throw new FieldError("optedIn", "must be true or false");
            }
            in = (Boolean) value;
        } catch (FieldError e) {
            Problem.badField(ctx, e.field(), e.getMessage().substring(e.field().length() + 2));
            return;
        }
        auth.whenCommandable(ctx, vin -> fatigueConsents
                .choose(vin, in)
                .onSuccess(done -> Responses.json(ctx, 200, new JsonObject().put("optedIn", done)))
                .onFailure(ctx::fail));
    }

    /** One line a person reads, from the stored event. */
    static String summary(byte[] payload) {
        VehicleEvent event;
        try {
            event = VehicleEvent.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            return "unreadable event";
        }
        switch (event.getKindCase()) {
            case FATIGUE_ALERT:
                return "fatigue " + event.getFatigueAlert().getLevel().name().replace("FATIGUE_LEVEL_", "") + " ("
                        + event.getFatigueAlert().getCause().name().replace("FATIGUE_CAUSE_", "") + ") after "
                        + event.getFatigueAlert().getDrivingMinutes() + " min of driving";
            case STERILIZATION_PHASE_CHANGED:
                var phase = event.getSterilizationPhaseChanged();
                return "sterilization " + phase.getPhase().name().replace("STERILIZATION_PHASE_", "")
                        + (phase.getAbortReason().getNumber() == 0
                                ? ""
                                : " (" + phase.getAbortReason().name().replace("REASON_CODE_", "") + ")")
                        + String.format(java.util.Locale.ROOT, ", cabin %.1f °C", phase.getCabinTemperatureC());
            case REMINDER_ACKNOWLEDGED:
                return "driver acknowledged the fatigue reminder";
            case TRIP_CHANGED:
                return event.getTripChanged().getStarted() ? "trip started" : "trip ended, parked";
            case SCHEDULE_RUN:
                var run = event.getScheduleRun();
                return run.getStarted()
                        ? "scheduled A/C started by the car"
                        : "scheduled A/C skipped by the car ("
                                + run.getSkipReason().name().replace("REASON_CODE_", "") + ")";
            case SLEEP_STARTED:
                return "went to sleep, to check in within "
                        + Duration.ofSeconds(event.getSleepStarted().getCheckInS())
                                .toString()
                                .substring(2)
                                .toLowerCase(java.util.Locale.ROOT);
            default:
                return "event";
        }
    }
}
