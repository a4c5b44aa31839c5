package dev.carlink.command.consent;

import dev.carlink.command.store.Db;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.FatigueConsent;
import dev.carlink.proto.bus.v1.FatigueConsents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner's choice about the fatigue service, and the consent the telemetry module needs from it: a car's
 * driver-monitoring signals may be kept only while its owner has opted in.
 *
 * <p>Each choice is committed with a new version from one sequence, then published on {@link
 * BusAddress#FATIGUE_CONSENT_CHANGED} (every telemetry instance updates its view; an opt-out makes it delete the
 * car's driver-monitoring values). {@link BusAddress#FATIGUE_CONSENT_QUERY} answers with every opted-in car, for a
 * telemetry instance that starts or reloads its view. Opting out also deletes, in the same transaction, what the
 * fatigue service kept here: the car's fatigue events and the ladder's state.
 */
public final class FatigueConsentService {

    private static final Logger log = LoggerFactory.getLogger(FatigueConsentService.class);

    private static final String CHOOSE = "UPDATE command.vehicles SET fatigue_opt_in = ?,"
            + " fatigue_consent_version = nextval('command.fatigue_consent_versions') WHERE vin = ?"
            + " RETURNING fatigue_consent_version";

    /**
     * One statement, so the opted-in cars and the version they are "as of" come from one snapshot. The sequence is
     * read as handed out (not as committed): a choice not yet committed may be left out with its version counted,
     * which only makes a view drop an opt-in until its publication or the next reload brings it back.
     */
    private static final String OPTED_IN = "SELECT vin, fatigue_consent_version,"
            + " (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM command.fatigue_consent_versions) AS as_of"
            + " FROM command.vehicles WHERE fatigue_opt_in"
            + " UNION ALL SELECT NULL, 0, (SELECT CASE WHEN is_called THEN last_value ELSE 0 END"
            + " FROM command.fatigue_consent_versions)";

    private final Vertx vertx;
    private final Db db;

    public FatigueConsentService(Vertx vertx, Db db) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.db = Objects.requireNonNull(db, "db");
    }

    /** Serves {@link BusAddress#FATIGUE_CONSENT_QUERY}; unregister the consumer on stop. */
    public MessageConsumer<Buffer> serve() {
        return vertx.eventBus()
                .<Buffer>consumer(BusAddress.FATIGUE_CONSENT_QUERY, message -> db.read(FatigueConsentService::optedIn)
                        .onSuccess(consents -> message.reply(Buffer.buffer(consents.toByteArray())))
                        .onFailure(e -> {
                            log.warn("fatigue consents not readable [cause: {}]", e.toString());
                            message.fail(503, "fatigue consents not readable");
                        }));
    }

    /** Whether the owner of {@code vin} has opted in. */
    public Future<Boolean> optedIn(String vin) {
        return db.read(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT fatigue_opt_in FROM command.vehicles WHERE vin = ?")) {
                ps.setString(1, vin);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            }
        });
    }

    /**
     * Records the owner's choice for an enrolled car; opting out deletes the service's events and state of the car
     * in the same transaction. Once committed, the choice is published to the telemetry module.
     */
    public Future<Boolean> choose(String vin, boolean optedIn) {
        return db.tx(c -> {
                    long version = record(c, vin, optedIn);
                    if (!optedIn) {
                        // opting out ends the service: what it kept about the driver goes with it
                        try (PreparedStatement ps = c.prepareStatement(
                                "DELETE FROM command.vehicle_events WHERE vin = ? AND kind = 'fatigue_alert'")) {
                            ps.setString(1, vin);
                            ps.executeUpdate();
                        }
                        try (PreparedStatement ps = c.prepareStatement(
                                "DELETE FROM command.rule_state WHERE vin = ? AND rule = 'fatigue'")) {
                            ps.setString(1, vin);
                            ps.executeUpdate();
                        }
                    }
                    return FatigueConsent.newBuilder()
                            .setVin(vin)
                            .setOptedIn(optedIn)
                            .setVersion(version)
                            .build();
                })
                .map(consent -> {
                    vertx.eventBus().publish(BusAddress.FATIGUE_CONSENT_CHANGED, Buffer.buffer(consent.toByteArray()));
                    log.info(
                            "fatigue service {} [vin: {}, version: {}]",
                            optedIn ? "opted in" : "opted out",
                            vin,
                            consent.getVersion());
                    return optedIn;
                });
    }

    private static long record(Connection c, String vin, boolean optedIn) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CHOOSE)) {
            ps.setBoolean(1, optedIn);
            ps.setString(2, vin);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("vehicle " + vin + " is not enrolled");
                }
                return rs.getLong(1);
            }
        }
    }

    static FatigueConsents optedIn(Connection c) throws SQLException {
        FatigueConsents.Builder consents = FatigueConsents.newBuilder();
        try (PreparedStatement ps = c.prepareStatement(OPTED_IN);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String vin = rs.getString(1);
                consents.setAsOfVersion(rs.getLong(3));
                if (vin != null) {
                    consents.addOptedIn(FatigueConsent.newBuilder()
                            .setVin(vin)
                            .setOptedIn(true)
                            .setVersion(rs.getLong(2)));
                }
            }
        }
        return consents.build();
    }
}
