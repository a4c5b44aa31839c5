package dev.carlink.telemetry;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Holds an EXCLUSIVE lock on telemetry.telemetry in an open transaction: every insert waits until it
 * is closed. Makes "the store is slow" deterministic without sleeping.
 */
final class TableLock implements AutoCloseable {

    private final Connection connection;

    TableLock(DataSource dataSource) {
        try {
            connection = dataSource.getConnection();
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("LOCK TABLE telemetry.telemetry IN EXCLUSIVE MODE");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try (connection) {
            connection.rollback();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
