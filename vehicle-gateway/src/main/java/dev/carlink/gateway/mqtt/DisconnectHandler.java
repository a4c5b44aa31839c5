package dev.carlink.gateway.mqtt;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.mqtt.messages.MqttDisconnectMessage;
import io.vertx.mqtt.messages.codes.MqttDisconnectReasonCode;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends sessions: the car's DISCONNECT, a closed or broken connection, a keep-alive timeout, and a
 * new connection of the same car taking over. Only the end of a car's current session reports it
 * offline, so a take-over never does.
 */
final class DisconnectHandler {

    private static final Logger log = LoggerFactory.getLogger(DisconnectHandler.class);

    /** Close reason marking a DISCONNECT 0x04: the will is told. */
    private static final String WITH_WILL = "disconnect with will";

    private final SessionRegistry sessions;
    private final PresenceReporter presence;
    private final GatewayMetrics metrics;

    DisconnectHandler(SessionRegistry sessions, PresenceReporter presence, GatewayMetrics metrics) {
        this.sessions = sessions;
        this.presence = presence;
        this.metrics = metrics;
    }

    /** The car sent DISCONNECT; the connection closes next. */
    void clientDisconnected(VehicleSession session, MqttDisconnectMessage message) {
        session.touch();
        MqttDisconnectReasonCode code = message == null ? MqttDisconnectReasonCode.NORMAL : message.code();
        if (code == MqttDisconnectReasonCode.WITH_WILL_MESSAGE) {
            // MQTT 5: the car leaves, and asks for its will to be told as if it had gone
            session.clientDisconnected(WITH_WILL);
            return;
        }
        session.clientDisconnected(
                code == MqttDisconnectReasonCode.NORMAL
                        ? "client disconnect"
                        : "client disconnect: " + code.name().toLowerCase(Locale.ROOT));
    }

    /** A car that asked for a session expiry keeps its session while it is away. */
    private void keep(VehicleSession session) {
        if (session.sessionExpirySeconds() > 0 && session.state() != SessionState.CLOSED) {
            sessions.saved().save(session.vin(), session.snapshot());
        }
    }

    /** The connection is closed, whoever closed it. */
    void closed(VehicleSession session) {
        String reason = session.closeReason().filter(r -> !r.equals(WITH_WILL)).orElseGet(() -> {
            String lost = session.keepAliveExpired() ? "keep-alive timeout" : "connection lost";
            return session.will()
                    .map(will -> {
                        metrics.willTold();
                        return lost + "; will: " + will;
                    })
                    .orElse(lost);
        });
        keep(session);
        boolean first = session.end(reason);
        boolean current = sessions.remove(session);
        if (current && session.announcedOnline()) {
            presence.offline(session, reason);
        }
        if (first || current) {
            log.info(
                    "vehicle disconnected [vin: {}, remote: {}, reason: {}]",
                    session.vin(),
                    session.remoteAddress(),
                    reason);
        }
    }

    /** An error on the connection; a packet that cannot be decoded ends the session. */
    void failed(VehicleSession session, Throwable error) {
        if (error instanceof TooLongFrameException) {
            metrics.rejected(GatewayMetrics.UNKNOWN_KIND, "packet-too-large");
            log.debug("closing connection [vin: {}, reason: packet too large]", session.vin());
            session.disconnect(MqttDisconnectReasonCode.PACKET_TOO_LARGE, "packet too large");
        } else if (error instanceof DecoderException) {
            metrics.rejected(GatewayMetrics.UNKNOWN_KIND, "malformed-packet");
            log.debug(
                    "closing connection [vin: {}, reason: malformed packet, error: {}]",
                    session.vin(),
                    error.toString());
            session.disconnect(MqttDisconnectReasonCode.MALFORMED_PACKET, "malformed packet");
        } else {
            log.debug("connection error [vin: {}, error: {}]", session.vin(), error.toString());
        }
    }

    /**
     * The car connected on another gateway of the cluster: this connection is closed (MQTT 5: DISCONNECT 0x8E)
     * and forgotten first, so closing it reports nothing; the other gateway reports the car online. Its session
     * is kept, if it asked for one, in case the car comes back here.
     */
    void takenOverElsewhere(VehicleSession session, String otherGateway) {
        keep(session);
        session.end("taken over by a connection on " + otherGateway);
        sessions.remove(session);
        session.disconnect(MqttDisconnectReasonCode.SESSION_TAKEN_OVER, "session taken over by a new connection");
        log.info("session taken over on another gateway [vin: {}, gateway: {}]", session.vin(), otherGateway);
    }

    /**
     * The car's credentials were revoked (it was unenrolled): its connection is closed (MQTT 5: DISCONNECT 0x87 not
     * authorized) and no session is kept for it, so nothing it sent or was sent survives here.
     */
    void revoked(VehicleSession session, String why) {
        session.end("credentials revoked: " + why);
        sessions.saved().discard(session.vin());
        session.disconnect(MqttDisconnectReasonCode.NOT_AUTHORIZED, "vehicle credentials revoked");
        log.info("closed the session of a revoked vehicle [vin: {}, reason: {}]", session.vin(), why);
    }

    /**
     * {@code next} replaced {@code previous} as the car's session: the old connection is closed
     * (MQTT 5: DISCONNECT session taken over) and its command consumer unregistered at once, so
     * commands go to the new connection only; the car stays online.
     */
    void takeOver(VehicleSession previous, VehicleSession next) {
        next.inheritPresence(previous);
        keep(previous);
        previous.end("taken over by a new connection");
        previous.disconnect(MqttDisconnectReasonCode.SESSION_TAKEN_OVER, "session taken over by a new connection");
        log.info(
                "session taken over [vin: {}, previous remote: {}, new remote: {}]",
                next.vin(),
                previous.remoteAddress(),
                next.remoteAddress());
    }
}
