package dev.carlink.command.account;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/** SQL for users and sessions. */
final class AccountRepository {

    record StoredUser(long id, String username, String passwordHash, Role role) {}

    Optional<StoredUser> findUser(Connection c, String username) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT id, username, password_hash, role FROM command.users WHERE username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(
                        new StoredUser(rs.getLong(1), rs.getString(2), rs.getString(3), Role.valueOf(rs.getString(4))));
            }
        }
    }

    Optional<String> findPasswordHash(Connection c, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT password_hash FROM command.users WHERE id = ?")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** Inserts the user unless the name is taken; true when inserted. */
    boolean insertUserIfAbsent(
            Connection c, String username, String passwordHash, Role role, String displayName, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO command.users (username, password_hash, role, display_name, created_at) "
                        + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (username) DO NOTHING")) {
            ps.setString(1, username);
            ps.setString(2, passwordHash);
            ps.setString(3, role.name());
            ps.setString(4, displayName);
            ps.setTimestamp(5, Timestamp.from(now));
            return ps.executeUpdate() == 1;
        }
    }

    void insertSession(Connection c, String tokenSha256, long userId, Instant now, Instant expiresAt)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO command.sessions (token_sha256, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, tokenSha256);
            ps.setLong(2, userId);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setTimestamp(4, Timestamp.from(expiresAt));
            ps.executeUpdate();
        }
    }

    Optional<AccountService.Session> findSession(Connection c, String tokenSha256, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT u.id, u.username, u.role, s.expires_at"
                + " FROM command.sessions s JOIN command.users u ON u.id = s.user_id"
                + " WHERE s.token_sha256 = ? AND s.expires_at > ?")) {
            ps.setString(1, tokenSha256);
            ps.setTimestamp(2, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new AccountService.Session(
                                new Principal(rs.getLong(1), rs.getString(2), Role.valueOf(rs.getString(3))),
                                tokenSha256,
                                rs.getTimestamp(4).toInstant()))
                        : Optional.empty();
            }
        }
    }

    /** Ends one session; the number ended (0 when it had already ended). */
    int deleteSession(Connection c, String tokenSha256) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM command.sessions WHERE token_sha256 = ?")) {
            ps.setString(1, tokenSha256);
            return ps.executeUpdate();
        }
    }

    /** Ends every session of one account; the number ended. */
    int deleteSessionsOf(Connection c, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM command.sessions WHERE user_id = ?")) {
            ps.setLong(1, userId);
            return ps.executeUpdate();
        }
    }

    int deleteExpiredSessions(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM command.sessions WHERE expires_at <= ?")) {
            ps.setTimestamp(1, Timestamp.from(now));
            return ps.executeUpdate();
        }
    }
}
