package dev.carlink.proto;

/**
 * Event-bus addresses between the backend's modules. Every body is the protobuf bytes of the
 * message named here, in a Vert.x {@code Buffer}. Failures use {@code ReplyException} codes: 400
 * bad content (final), 401/403 refused, 404 not found or vehicle not connected, 503 not stored
 * (retry).
 *
 * <p>No module calls another module's classes: these addresses are the only seams, so each module
 * can run in its own process on a clustered event bus.
 */
public final class BusAddress {

    /** Request {@code AuthRequest}, reply {@code AuthReply}. Served by the command-service. */
    public static final String VEHICLE_AUTHENTICATE = "carlink.vehicle.authenticate";

    /**
     * Publish {@code SessionOpened} when a gateway accepts a car's MQTT connection, so that the gateway still
     * holding an older connection of that car (clustered deployments) closes it.
     */
    public static final String GATEWAY_SESSION_OPENED = "carlink.gateway.session.opened";

    /**
     * Request {@code DtlsPskRequest}, reply {@code DtlsPskReply}: a car's DTLS pre-shared key. Served by the
     * command-service.
     */
    public static final String VEHICLE_DTLS_PSK = "carlink.vehicle.dtls-psk";

    /**
     * Request {@code TelemetryIngest}; empty reply once the sample is committed, failure 400 when
     * invalid, 503 when it could not be stored. Served by telemetry.
     */
    public static final String TELEMETRY_INGEST = "carlink.telemetry.ingest";

    /** Publish {@code LatestState} each time a car's latest state advances. Sent by telemetry. */
    public static final String TELEMETRY_STATE_CHANGED = "carlink.telemetry.state-changed";

    /** Request {@code StateQuery}, reply {@code LatestState}, failure 404 when none. */
    public static final String TELEMETRY_QUERY_LATEST = "carlink.telemetry.query.latest";

    /** Request {@code HistoryQuery}, reply {@code HistoryPage}. Served by telemetry. */
    public static final String TELEMETRY_QUERY_HISTORY = "carlink.telemetry.query.history";

    /** Request {@code FleetQuery}, reply {@code FleetPage}: cars whose latest state matches. Served by telemetry. */
    public static final String TELEMETRY_QUERY_FLEET = "carlink.telemetry.query.fleet";

    /** Request {@code SeriesQuery}, reply {@code SeriesPage} (min/avg/max per bucket). Served by telemetry. */
    public static final String TELEMETRY_QUERY_SERIES = "carlink.telemetry.query.series";

    /**
     * Request {@code TelemetryErase}, reply {@code TelemetryErased} once everything telemetry holds about the cars
     * is deleted; failure 400 for a bad request, 503 when nothing was erased (retry: erasing is idempotent). Served
     * by telemetry.
     */
    public static final String TELEMETRY_ERASE = "carlink.telemetry.erase";

    /**
     * Publish {@code VehicleRevoked} when a car is unenrolled: gateways close its session, command-service instances
     * forget its verified secret. Sent by the command-service.
     */
    public static final String VEHICLE_REVOKED = "carlink.vehicle.revoked";

    /**
     * Publish (empty body) when a command-service starts: every gateway answers by publishing a {@code
     * PresenceChange} with {@code resync} set on {@link #VEHICLE_PRESENCE} for each car connected to it, so the
     * registry learns who is still connected instead of guessing. Cars nobody re-announces are then offline.
     */
    public static final String GATEWAY_PRESENCE_RESYNC = "carlink.gateway.presence.resync";

    /**
     * Publish {@code FatigueConsent} once an owner's choice about the fatigue service is committed: every telemetry
     * instance updates its consent view, and on an opt-out deletes the car's stored driver-monitoring values. Sent by
     * the command-service.
     */
    public static final String FATIGUE_CONSENT_CHANGED = "carlink.fatigue.consent-changed";

    /**
     * Request {@code FatigueConsentQuery}, reply {@code FatigueConsents}: every car opted in to the fatigue service;
     * failure 503 when it could not be read. Served by the command-service.
     */
    public static final String FATIGUE_CONSENT_QUERY = "carlink.fatigue.consent.query";

    /** Request {@code VehicleEventIngest}; empty reply once stored. Served by the command-service. */
    public static final String VEHICLE_EVENT_INGEST = "carlink.vehicle.events.ingest";

    /** Request {@code CommandResultIngest}; empty reply once stored. Served by the command-service. */
    public static final String COMMAND_RESULT_INGEST = "carlink.vehicle.command-results.ingest";

    /** Publish {@code PresenceChange} when a car connects or goes away. Sent by the gateway. */
    public static final String VEHICLE_PRESENCE = "carlink.vehicle.presence";

    /** Publish {@code CommandTransportAck} when a car's transport acknowledged a command. */
    public static final String COMMAND_TRANSPORT_ACK = "carlink.gateway.commands.acked";

    private static final String COMMAND_DELIVER_PREFIX = "carlink.gateway.commands.deliver.";

    private BusAddress() {}

    /**
     * Request {@code vehicle.v1.Command}, reply {@code DeliveryReceipt} once the command was written
     * to the car. Registered only by the gateway instance that holds the car's session, so "no
     * handler" (or failure 404) means the car is not connected.
     */
    public static String commandDelivery(String vin) {
        return COMMAND_DELIVER_PREFIX + vin;
    }
}
