package dev.carlink.command.rules;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * Alerts meant for a car's owner (a hot cabin with someone inside, critical fatigue): stored in {@code
 * command.owner_alerts}, and pushed once committed on {@link #ADDRESS}, from which the car's live stream sends
 * them to the owner's app as {@code alert} events.
 */
public final class OwnerAlerts {

    /** Local event-bus address of committed alerts ({@link Alert#toJson()}). */
    public static final String ADDRESS = "carlink.owner.alerts";

    /** One alert. */
    public record Alert(long id, String vin, String kind, String text, Instant at) {
        public JsonObject toJson() {
            return new JsonObject()
                    .put("id", id)
                    .put("vin", vin)
                    .put("kind", kind)
                    .put("text", text)
                    .put("at", at.toString());
        }
    }

    private final Vertx vertx;

    public OwnerAlerts(Vertx vertx) {
        this.vertx = vertx;
    }

    Alert insert(Connection c, String vin, String kind, String text, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO command.owner_alerts (vin, kind, text, created_at) VALUES (?, ?, ?, ?) RETURNING id")) {
            ps.setString(1, vin);
            ps.setString(2, kind);
            ps.setString(3, text);
            ps.setTimestamp(4, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Alert(rs.getLong(1), vin, kind, text, now);
            }
        }
    }

    void publish(Alert alert) {
        vertx.eventBus().publish(ADDRESS, alert.toJson());
    }

    /** The car's latest alerts, newest first. */
    public static JsonArray latest(Connection c, String vin, int limit) throws SQLException {
        JsonArray out = new JsonArray();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, kind, text, created_at FROM command.owner_alerts "
                + "WHERE vin = ? ORDER BY created_at DESC, id DESC LIMIT ?")) {
            ps.setString(1, vin);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Alert(
                                    rs.getLong(1),
                                    vin,
                                    rs.getString(2),
                                    rs.getString(3),
                                    rs.getTimestamp(4).toInstant())
                            .toJson());
                }
            }
        }
        return out;
    }
}
