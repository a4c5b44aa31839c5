package dev.carlink.command.http;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.command.account.Principal;
import dev.carlink.command.account.Role;
import dev.carlink.command.lifecycle.CommandService;
import dev.carlink.command.rules.OwnerAlerts;
import dev.carlink.command.vehicle.VehicleService;
import dev.carlink.command.vehicle.VehicleView;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.LatestState;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;

/**
 * Live server-sent events about cars, for one car ({@code /vehicles/{vin}/stream}, its owner or staff) or for all
 * of an owner's cars on one connection ({@code /vehicles/stream}): a phone watching several cars must not spend a
 * connection per car. Events: {@code state} on every stored sample, {@code command} on every command change,
 * {@code alert} on every alert meant for the owner, {@code presence} when the car connects, goes away or
 * announces its sleep. Every event names its car ({@code vin}). A comment line every 15 s keeps proxies from
 * closing the stream. It ends with its session ({@link SessionStreams}).
 */
final class VehicleStreamRoutes {

    static final long STREAM_KEEPALIVE_MS = 15_000;

    private final Vertx vertx;
    private final BearerAuth auth;
    private final VehicleService vehicles;
    private final Clock clock;
    private final SessionStreams sessions;
    private final LiveStreams streams = new LiveStreams();
    private boolean subscribed;

    VehicleStreamRoutes(Vertx vertx, BearerAuth auth, VehicleService vehicles, SessionStreams sessions, Clock clock) {
        this.vertx = vertx;
        this.auth = auth;
        this.vehicles = vehicles;
        this.sessions = sessions;
        this.clock = clock;
    }

    /** Mounts before the routes of one car, so that {@code /vehicles/stream} is not read as a VIN. */
    void mount(Router api) {
        api.get("/vehicles/stream").handler(this::ownerStream);
        api.get("/vehicles/:vin/stream").handler(this::carStream);
    }

    private void carStream(RoutingContext ctx) {
        auth.whenReadable(ctx, vin -> open(ctx, "stream of " + vin, List.of(vin)));
    }

    private void ownerStream(RoutingContext ctx) {
        Principal principal = BearerAuth.principal(ctx);
        if (principal.role() != Role.OWNER) {
            Problem.send(
                    ctx,
                    403,
                    "Forbidden",
                    "the stream of all one's cars is for owners; staff follow a car at /vehicles/{vin}/stream");
            return;
        }
        vehicles.visibleTo(principal)
                .onSuccess(list -> open(
                        ctx,
                        "stream of the cars of " + principal.username(),
                        list.stream().map(VehicleView::vin).toList()))
                .onFailure(ctx::fail);
    }

    private void open(RoutingContext ctx, String title, List<String> vins) {
        HttpServerResponse response = ctx.response()
                .setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        response.write(": " + title + "\n\n");
        subscribe();
        vins.forEach(vin -> streams.open(vin, response));
        long keepAlive = vertx.setPeriodic(STREAM_KEEPALIVE_MS, id -> {
            if (!response.closed() && !response.ended()) {
                response.write(": keep-alive\n\n");
            }
        });
        Runnable unfollow = sessions.follow(ctx, response);
        response.closeHandler(v -> {
            vins.forEach(vin -> streams.close(vin, response));
            vertx.cancelTimer(keepAlive);
            unfollow.run();
        });
    }

    /** The bus subscriptions behind every stream, made once, when the first stream opens. */
    private void subscribe() {
        if (subscribed) {
            return;
        }
        subscribed = true;
        vertx.eventBus().<Buffer>consumer(BusAddress.TELEMETRY_STATE_CHANGED, msg -> {
            try {
                LatestState state = LatestState.parseFrom(msg.body().getBytes());
                if (streams.watching(state.getVin())) {
                    streams.send(state.getVin(), "state", VehicleRoutes.stateJson(state, clock.instant()));
                }
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("unreadable state on the bus", e);
            }
        });
        forward(OwnerAlerts.ADDRESS, "alert", true);
        forward(CommandService.UPDATES_ADDRESS, "command", false);
        vertx.eventBus().<String>consumer(VehicleService.PRESENCE_ADDRESS, msg -> {
            String vin = msg.body();
            if (streams.watching(vin)) {
                vehicles.find(vin)
                        .onSuccess(found -> found.ifPresent(
                                v -> streams.send(vin, "presence", VehicleRoutes.toJson(v, clock.instant()))));
            }
        });
    }

    private void forward(String address, String event, boolean local) {
        io.vertx.core.Handler<io.vertx.core.eventbus.Message<JsonObject>> handler = msg -> {
            String vin = msg.body().getString("vin");
            if (vin != null) {
                streams.send(vin, event, msg.body());
            }
        };
        if (local) {
            vertx.eventBus().localConsumer(address, handler);
        } else {
            vertx.eventBus().consumer(address, handler);
        }
    }
}
