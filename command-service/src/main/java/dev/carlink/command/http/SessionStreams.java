package dev.carlink.command.http;

import dev.carlink.command.account.AccountService;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ends each live stream with the session that opened it: when its token expires, and when it is signed out (that
 * session, or every session of the account, or the account erased) on any instance. The stream's last event is
 * {@code session-ended} with the {@code reason} ("expired" or "signed out"), then its connection closes, so that a
 * browser's automatic reconnection meets the 401 of an ended session rather than a stream that outlived it.
 *
 * <p>Confined to the event loop of the verticle that created it, as {@link LiveStreams}.
 */
final class SessionStreams {

    /** A followed stream; forgetting it cancels its expiry timer and takes it out of the registry. */
    private final class Open {
        final long userId;
        final String tokenSha256;
        final HttpServerResponse response;
        final HttpConnection connection;
        long expiryTimer;

        Open(long userId, String tokenSha256, HttpServerResponse response, HttpConnection connection) {
            this.userId = userId;
            this.tokenSha256 = tokenSha256;
            this.response = response;
            this.connection = connection;
        }

        void forget() {
            vertx.cancelTimer(expiryTimer);
            List<Open> streams = byUser.get(userId);
            if (streams != null && streams.remove(this) && streams.isEmpty()) {
                byUser.remove(userId);
            }
        }

        void end(String reason) {
            forget();
            if (!response.ended() && !response.closed()) {
                response.end("event: session-ended\ndata: "
                        + new JsonObject().put("reason", reason).encode() + "\n\n");
            }
            // the stream's close handler then forgets it in the routes
            connection.close();
        }
    }

    private final Vertx vertx;
    private final Clock clock;
    private final Map<Long, List<Open>> byUser = new HashMap<>();
    private boolean subscribed;

    SessionStreams(Vertx vertx, Clock clock) {
        this.vertx = vertx;
        this.clock = clock;
    }

    /**
     * Follows the session of the request whose stream {@code response} is; the returned action forgets it, for the
     * stream's close handler to run (running it twice is harmless).
     */
    Runnable follow(RoutingContext ctx, HttpServerResponse response) {
        subscribe();
        AccountService.Session session = BearerAuth.session(ctx);
        Open open = new Open(
                session.principal().userId(),
                session.tokenSha256(),
                response,
                ctx.request().connection());
        long left = Math.max(
                1, Duration.between(clock.instant(), session.expiresAt()).toMillis());
        open.expiryTimer = vertx.setTimer(left, id -> open.end("expired"));
        byUser.computeIfAbsent(open.userId, u -> new ArrayList<>(1)).add(open);
        return open::forget;
    }

    private void subscribe() {
        if (subscribed) {
            return;
        }
        subscribed = true;
        vertx.eventBus().<JsonObject>consumer(AccountService.SESSIONS_ENDED_ADDRESS, msg -> {
            Long userId = msg.body().getLong("userId");
            String token = msg.body().getString("tokenSha256");
            List<Open> streams = userId == null ? null : byUser.get(userId);
            if (streams == null) {
                return;
            }
            for (Open open : List.copyOf(streams)) {
                if (token == null || token.equals(open.tokenSha256)) {
                    open.end("signed out");
                }
            }
        });
    }
}
