package dev.carlink.command.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Runs JDBC work on worker threads, each unit in its own transaction. */
public final class Db {

    /** One unit of JDBC work inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final Vertx vertx;
    private final DataSource dataSource;

    public Db(Vertx vertx, DataSource dataSource) {
        this.vertx = vertx;
        this.dataSource = dataSource;
    }

    /** Runs {@code work} in a transaction on a worker thread; commits on return, rolls back on throw. */
    public <T> Future<T> tx(Work<T> work) {
        return vertx.executeBlocking(() -> inTransaction(work), false);
    }

    /**
     * Runs one read-only statement on a worker thread without a transaction around it (autocommit): the
     * statement is atomic by itself, and it saves the BEGIN and COMMIT round trips a request's checks
     * (token, access to the car) would otherwise pay every time.
     */
    public <T> Future<T> read(Work<T> work) {
        return vertx.executeBlocking(
                () -> {
                    try (Connection connection = dataSource.getConnection()) {
                        connection.setAutoCommit(true);
                        return work.run(connection);
                    }
                },
                false);
    }

    /** Runs CPU-heavy work (password hashing) on a worker thread, holding no connection. */
    public <T> Future<T> offLoop(java.util.concurrent.Callable<T> work) {
        return vertx.executeBlocking(work, false);
    }

    /** The same, on the calling thread: for callers already off the event loop. */
    public <T> T inTransaction(Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }
}
