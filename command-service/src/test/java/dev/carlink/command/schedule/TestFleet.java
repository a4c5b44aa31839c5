package dev.carlink.command.schedule;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/** Owners and cars inserted straight into the command schema, each test with cars of its own. */
final class TestFleet {

    private static final AtomicInteger NEXT_VIN = new AtomicInteger(1);

    private TestFleet() {}

    static void owner(DataSource ds, String username) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO command.users (username, password_hash, "
                        + "role, display_name, created_at) VALUES (?, 'x', 'OWNER', ?, now()) "
                        + "ON CONFLICT (username) DO NOTHING")) {
            ps.setString(1, username);
            ps.setString(2, username);
            ps.executeUpdate();
        }
    }

    /** A fresh VIN enrolled for the owner, online or not. */
    static String car(DataSource ds, String owner, boolean online) throws SQLException {
        String vin = String.format("SCHED%012d", NEXT_VIN.getAndIncrement());
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO command.vehicles (vin, owner_id, name, "
                        + "secret_hash, enrolled_at, online) SELECT ?, id, 'car', 'x', now(), ? "
                        + "FROM command.users WHERE username = ?")) {
            ps.setString(1, vin);
            ps.setBoolean(2, online);
            ps.setString(3, owner);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("no owner " + owner);
            }
        }
        return vin;
    }

    static void online(DataSource ds, String vin, boolean online) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE command.vehicles SET online = ? WHERE vin = ?")) {
            ps.setBoolean(1, online);
            ps.setString(2, vin);
            ps.executeUpdate();
        }
    }

    /** One number from a query. */
    static long count(DataSource ds, String sql, Object... params) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
