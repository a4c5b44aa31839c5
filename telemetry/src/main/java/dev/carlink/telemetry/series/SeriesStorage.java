package dev.carlink.telemetry.series;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the dialect's statements that follow the configuration: at start (policies, chunk size), and every
 * maintenance interval (partitions ahead, retention of raw rows and rollups, and clearing the values of signal
 * groups with a shorter retention). Blocking: call from a worker.
 */
public final class SeriesStorage {

    private static final Logger log = LoggerFactory.getLogger(SeriesStorage.class);

    /** Rows cleared per statement, so one round never holds many row locks at once. */
    static final int CLEAR_BATCH = 50_000;

    private final DataSource dataSource;
    private final SeriesDialect dialect;
    private final SeriesConfig config;

    public SeriesStorage(DataSource dataSource, SeriesDialect dialect, SeriesConfig config) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.config = Objects.requireNonNull(config, "config");
    }

    /** The dialect of the migrated database: what {@code telemetry.storage_layout()} says. */
    public static SeriesDialect detect(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT telemetry.storage_layout()")) {
            row.next();
            return SeriesDialect.forLayout(row.getString(1));
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public SeriesDialect dialect() {
        return dialect;
    }

    public SeriesConfig config() {
        return config;
    }

    /** Applies the start statements, then one maintenance round. */
    public void start(Instant now) throws SQLException {
        execute(dialect.onStart(config));
        maintain(now);
    }

    /**
     * One maintenance round; returns how many rows had group values cleared. A group's rollup values are
     * cleared here only where the rollups are tables; continuous aggregates cannot be updated, and {@link
     * BucketQueries} leaves out what a group's retention no longer covers in any case.
     */
    public long maintain(Instant now) throws SQLException {
        execute(dialect.periodic(config));
        long cleared = 0;
        for (SignalGroup group : SignalGroup.values()) {
            if (config.retentionOf(group).compareTo(config.rawRetention()) < 0) {
                cleared += clear(
                        "telemetry.telemetry",
                        "ts",
                        group.columns(),
                        group.key(),
                        now.minus(config.retentionOf(group)));
            }
            if (!dialect.refreshedByModule() || group.rolled().isEmpty()) {
                continue;
            }
            for (Tier tier : Tier.values()) {
                Duration kept = config.retentionOf(group, tier);
                if (kept.compareTo(config.retentionOf(tier)) < 0) {
                    List<String> columns = new ArrayList<>();
                    for (RolledSignal signal : group.rolled()) {
                        for (String suffix : List.of("_min", "_max", "_sum", "_n")) {
                            columns.add(signal.column() + suffix);
                        }
                    }
                    cleared += clear(
                            tier.relation(), "bucket", columns, group.key() + "/" + tier.relation(), now.minus(kept));
                }
            }
        }
        return cleared;
    }

    private void execute(java.util.List<String> statements) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            connection.setAutoCommit(true);
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /**
     * Clears {@code columns} of {@code table} in rows with {@code timeColumn} in [the previous round's cutoff,
     * cutoff), in batches, then records the cutoff under {@code stateKey}; a round that fails halfway leaves the
     * recorded cutoff where it was, and the next redoes it.
     */
    private long clear(String table, String timeColumn, List<String> columns, String stateKey, Instant cutoff)
            throws SQLException {
        String assignments =
                String.join(", ", columns.stream().map(c -> c + " = NULL").toList());
        String anySet = String.join(
                " OR ", columns.stream().map(c -> c + " IS NOT NULL").toList());
        String range = timeColumn + " >= ?::timestamptz AND " + timeColumn + " < ?::timestamptz";
        long total = 0;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            Instant from = Instant.EPOCH;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT (extract(epoch FROM cleared_before) * 1000)::int8 FROM telemetry.group_retention"
                            + " WHERE signal_group = ?")) {
                select.setString(1, stateKey);
                try (ResultSet row = select.executeQuery()) {
                    if (row.next()) {
                        from = Instant.ofEpochMilli(row.getLong(1));
                    }
                }
            }
            if (!from.isBefore(cutoff)) {
                return 0;
            }
            // (tableoid, ctid) names a row across partitions or chunks
            try (PreparedStatement update = connection.prepareStatement("UPDATE " + table + " SET " + assignments
                    + " WHERE " + range + " AND (tableoid, ctid) IN (SELECT tableoid, ctid FROM " + table + " WHERE "
                    + range + " AND (" + anySet + ") LIMIT " + CLEAR_BATCH + ")")) {
                for (int p = 0; p < 4; p += 2) {
                    update.setString(p + 1, from.toString());
                    update.setString(p + 2, cutoff.toString());
                }
                int n;
                do {
                    n = update.executeUpdate();
                    total += n;
                } while (n > 0);
            }
            try (PreparedStatement record = connection.prepareStatement(
                    "INSERT INTO telemetry.group_retention (signal_group, cleared_before) VALUES (?, ?::timestamptz)"
                            + " ON CONFLICT (signal_group) DO UPDATE SET cleared_before = excluded.cleared_before")) {
                record.setString(1, stateKey);
                record.setString(2, cutoff.toString());
                record.executeUpdate();
            }
        }
        if (total > 0) {
            log.info(
                    "signal group values cleared after their retention [group: {}, table: {}, rows: {}, before: {}]",
                    stateKey,
                    table,
                    total,
                    cutoff);
        }
        return total;
    }
}
