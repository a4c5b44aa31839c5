package dev.carlink.app;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the data lives.
 *
 * @param url JDBC URL of an external PostgreSQL/TimescaleDB; empty starts the embedded PostgreSQL
 * @param dataDir the embedded PostgreSQL's data directory (kept across restarts)
 * @param poolSize connections in the pool
 * @param embeddedPort port of the embedded PostgreSQL on loopback; 0 picks a free one
 */
public record DatabaseConfig(
        Optional<String> url, String user, String password, Path dataDir, int poolSize, int embeddedPort) {

    public static final Path DEFAULT_DATA_DIR = Path.of("data");
    public static final int DEFAULT_POOL_SIZE = 16;
    /** Embedded PostgreSQL major version; part of the data directory's name (BUILD-NOTES). */
    public static final String EMBEDDED_MAJOR = "17";

    public DatabaseConfig {
        if (url.isPresent() && !url.get().startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("db.url must start with jdbc:postgresql:, was " + url.get());
        }
        if (poolSize < 2 || poolSize > 200) {
            throw new IllegalArgumentException("db.pool-size must be 2..200, was " + poolSize);
        }
        if (embeddedPort < 0 || embeddedPort > 65535) {
            throw new IllegalArgumentException("db.embedded-port must be 0..65535, was " + embeddedPort);
        }
    }

    /** The embedded cluster's directory: the major version is in the name, since another major cannot start it. */
    public Path embeddedDirectory() {
        return dataDir.resolve("postgres-" + EMBEDDED_MAJOR);
    }

    @Override
    public String toString() {
        return "DatabaseConfig[url=" + url.orElse("(embedded)") + ", user=" + user + ", password=****, dataDir="
                + dataDir + ", poolSize=" + poolSize + ", embeddedPort=" + embeddedPort + "]";
    }
}
