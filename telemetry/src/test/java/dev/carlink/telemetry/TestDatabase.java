package dev.carlink.telemetry;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A real PostgreSQL (zonky embedded) with a HikariCP pool over its JDBC URL; one per test class. */
public final class TestDatabase implements AutoCloseable {

    private final EmbeddedPostgres postgres;
    private final HikariDataSource pool;

    private TestDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
        this.pool = newPool();
    }

    /** Starts PostgreSQL and leaves the database empty. */
    public static TestDatabase startEmpty() {
        try {
            return new TestDatabase(EmbeddedPostgres.builder().start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts PostgreSQL and migrates the telemetry schema. */
    public static TestDatabase startMigrated() {
        TestDatabase database = startEmpty();
        TelemetrySchema.migrate(database.pool());
        return database;
    }

    /** The shared pool of this database. */
    public HikariDataSource pool() {
        return pool;
    }

    /** A separate pool on the same database, for a test that breaks its pool. */
    public HikariDataSource newPool() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        config.setMaximumPoolSize(4);
        config.setConnectionTimeout(2_000);
        return new HikariDataSource(config);
    }

    public EmbeddedPostgres postgres() {
        return postgres;
    }

    /** Removes every stored sample and latest state. */
    public void truncate() {
        execute("TRUNCATE telemetry.telemetry, telemetry.latest_state");
    }

    public void execute(String sql) {
        try (Connection connection = pool.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The single long that {@code sql} selects. */
    public long queryLong(String sql, Object... parameters) {
        try (Connection connection = pool.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The single text that {@code sql} selects. */
    public String queryString(String sql) {
        try (Connection connection = pool.getConnection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rows stored for {@code vin} in telemetry.telemetry. */
    public long storedSamples(String vin) {
        return queryLong("SELECT count(*) FROM telemetry.telemetry WHERE vin = ?", vin);
    }

    /** Every row of telemetry.telemetry. */
    public long storedSamples() {
        return queryLong("SELECT count(*) FROM telemetry.telemetry");
    }

    @Override
    public void close() {
        pool.close();
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
