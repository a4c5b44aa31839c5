package dev.carlink.telemetry.series;

import java.time.Duration;
import java.util.List;

/**
 * The one place where the two storage layouts differ: TimescaleDB (hypertable, continuous aggregates,
 * compression and retention policies) and plain PostgreSQL (daily range partitions created ahead and dropped
 * by retention, rollup tables this module refreshes itself). Both give the same relations to query: {@code
 * telemetry.telemetry}, {@code telemetry.rollup_1m} and {@code telemetry.rollup_1h} with the same columns.
 * Implementations only generate SQL; {@link SeriesStorage} runs it.
 */
public sealed interface SeriesDialect permits PlainPartitions, TimescaleHypertable {

    /** The dialect for what {@code telemetry.storage_layout()} reports: {@code hypertable} or not. */
    static SeriesDialect forLayout(String storageLayout) {
        return "hypertable".equals(storageLayout) ? new TimescaleHypertable() : new PlainPartitions();
    }

    /** {@code timescaledb} or {@code postgresql-partitions}, for logs and metrics. */
    String name();

    /** DDL run once, by the schema migration that introduces the layout (V3). */
    List<String> migration();

    /** Statements run when the module starts: policies and settings that follow the configuration. */
    List<String> onStart(SeriesConfig config);

    /** Statements run every maintenance interval: partitions ahead, retention. */
    List<String> periodic(SeriesConfig config);

    /**
     * Whether this module must refresh the rollups itself ({@link RollupRefresher}) and the writer must record
     * late samples; false when the database maintains them (continuous aggregates).
     */
    boolean refreshedByModule();

    /**
     * The rows of {@code tier} for one car in [from, to), each rollup row's bucket with its {@code samples}
     * and value columns; parameters are bound by {@link BucketQuery} in the order of its {@link
     * BucketQuery.Param}s. Includes data newer than the last materialization.
     */
    BucketQuery rollupRows(Tier tier);

    /** An interval literal for SQL, in whole seconds. */
    static String interval(Duration d) {
        return "INTERVAL '" + d.toSeconds() + " seconds'";
    }
}
