package dev.carlink.app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The database: an embedded PostgreSQL kept under the data directory, or an external one; pooled. */
final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final EmbeddedPostgres embedded;
    private final HikariDataSource pool;
    private final String description;

    private Database(EmbeddedPostgres embedded, HikariDataSource pool, String description) {
        this.embedded = embedded;
        this.pool = pool;
        this.description = description;
    }

    static Database open(DatabaseConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("carlink");
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setConnectionTimeout(Duration.ofSeconds(5).toMillis());
        EmbeddedPostgres embedded = null;
        String description;
        if (config.url().isPresent()) {
            hikari.setJdbcUrl(config.url().get());
            hikari.setUsername(config.user());
            hikari.setPassword(config.password());
            description = config.url().get();
        } else {
            try {
                Files.createDirectories(config.embeddedDirectory());
                EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                        .setDataDirectory(config.embeddedDirectory())
                        .setCleanDataDirectory(false)
                        // the embedded defaults lose acknowledged commits: synchronous_commit off lost the last
                        // ones when PostgreSQL crashed (the chaos run's SIGKILL lost 95 acknowledged samples), and
                        // the server is started with -F (fsync off), which keeps commits in the page cache, where
                        // a power cut or an OS crash loses them. A commit is on disk before anything is
                        // acknowledged; this -c comes after -F and wins
                        .setServerConfig("synchronous_commit", "on")
                        .setServerConfig("fsync", "on")
                        .setPGStartupWait(Duration.ofSeconds(30));
                if (config.embeddedPort() > 0) {
                    builder.setPort(config.embeddedPort());
                }
                embedded = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "embedded PostgreSQL did not start in "
                                + config.embeddedDirectory().toAbsolutePath(),
                        e);
            }
            hikari.setJdbcUrl(embedded.getJdbcUrl("postgres", "postgres"));
            description = "embedded PostgreSQL " + DatabaseConfig.EMBEDDED_MAJOR + " on port " + embedded.getPort()
                    + ", data in " + config.embeddedDirectory().toAbsolutePath();
        }
        log.info("database ready [{}]", description);
        return new Database(embedded, new HikariDataSource(hikari), description);
    }

    DataSource dataSource() {
        return pool;
    }

    String description() {
        return description;
    }

    @Override
    public void close() {
        pool.close();
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                log.warn("embedded PostgreSQL did not stop cleanly [cause: {}]", e.getMessage());
            }
        }
    }
}
