package dev.carlink.telemetry.series;

import static dev.carlink.telemetry.series.SeriesDialect.interval;

import dev.carlink.telemetry.series.BucketQuery.Param;
import java.time.Duration;
import java.util.List;

/**
 * TimescaleDB: {@code telemetry.telemetry} is a hypertable (V2) with chunks sized for the expected row rate,
 * compressed (segmented by VIN) once it stops receiving most writes, and dropped by a retention policy. The
 * rollups are continuous aggregates (the hour one built on the minute one) with real-time aggregation, so a
 * query sees the newest data too; TimescaleDB tracks late samples and refreshes their buckets itself.
 */
public final class TimescaleHypertable implements SeriesDialect {

    /** Late samples are re-aggregated by the minute policy for this long; older ones by the hour policy's window. */
    static final Duration MINUTE_REFRESH_WINDOW = Duration.ofHours(3);

    static final Duration HOUR_REFRESH_WINDOW = Duration.ofDays(3);

    @Override
    public String name() {
        return "timescaledb";
    }

    @Override
    public List<String> migration() {
        return List.of(
                "CREATE MATERIALIZED VIEW telemetry.rollup_1m WITH (timescaledb.continuous,"
                        + " timescaledb.materialized_only = false) AS SELECT vin, time_bucket(INTERVAL '1 minute', ts)"
                        + " AS bucket, count(*)::int AS samples, " + SeriesSql.aggregateRaw()
                        + " FROM telemetry.telemetry GROUP BY vin, time_bucket(INTERVAL '1 minute', ts) WITH NO DATA",
                "CREATE MATERIALIZED VIEW telemetry.rollup_1h WITH (timescaledb.continuous,"
                        + " timescaledb.materialized_only = false) AS SELECT vin, time_bucket(INTERVAL '1 hour', bucket)"
                        + " AS bucket, sum(samples)::int AS samples, " + SeriesSql.aggregateRollup()
                        + " FROM telemetry.rollup_1m GROUP BY vin, time_bucket(INTERVAL '1 hour', bucket) WITH NO DATA",
                "ALTER TABLE telemetry.telemetry SET (timescaledb.compress, timescaledb.compress_segmentby = 'vin',"
                        + " timescaledb.compress_orderby = 'ts, seq')");
    }

    @Override
    public List<String> onStart(SeriesConfig config) {
        Duration compressAfter = config.rawRetention().dividedBy(2).compareTo(Duration.ofDays(2)) < 0
                ? config.rawRetention().dividedBy(2)
                : Duration.ofDays(2);
        Duration lag =
                config.refreshLag().compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : config.refreshLag();
        return List.of(
                "SELECT set_chunk_time_interval('telemetry.telemetry', " + interval(config.chunkInterval()) + ")",
                "SELECT remove_retention_policy('telemetry.telemetry', true)",
                "SELECT add_retention_policy('telemetry.telemetry', " + interval(config.rawRetention()) + ")",
                "SELECT remove_compression_policy('telemetry.telemetry', true)",
                "SELECT add_compression_policy('telemetry.telemetry', " + interval(compressAfter) + ")",
                "SELECT remove_continuous_aggregate_policy('telemetry.rollup_1m', true)",
                "SELECT add_continuous_aggregate_policy('telemetry.rollup_1m', start_offset => "
                        + interval(MINUTE_REFRESH_WINDOW) + ", end_offset => " + interval(lag)
                        + ", schedule_interval => " + interval(config.refreshInterval()) + ")",
                "SELECT remove_continuous_aggregate_policy('telemetry.rollup_1h', true)",
                "SELECT add_continuous_aggregate_policy('telemetry.rollup_1h', start_offset => "
                        + interval(HOUR_REFRESH_WINDOW) + ", end_offset => " + interval(Duration.ofHours(1))
                        + ", schedule_interval => " + interval(Duration.ofMinutes(15)) + ")",
                "SELECT remove_retention_policy('telemetry.rollup_1m', true)",
                "SELECT add_retention_policy('telemetry.rollup_1m', " + interval(config.minuteRetention()) + ")",
                "SELECT remove_retention_policy('telemetry.rollup_1h', true)",
                "SELECT add_retention_policy('telemetry.rollup_1h', " + interval(config.hourRetention()) + ")");
    }

    @Override
    public List<String> periodic(SeriesConfig config) {
        return List.of(); // TimescaleDB's own jobs run the policies
    }

    @Override
    public boolean refreshedByModule() {
        return false;
    }

    @Override
    public BucketQuery rollupRows(Tier tier) {
        return new BucketQuery(
                "SELECT bucket, samples, " + SeriesSql.rollupColumns() + " FROM " + tier.relation()
                        + " WHERE vin = ? AND bucket >= ?::timestamptz AND bucket < ?::timestamptz",
                List.of(Param.VIN, Param.FROM, Param.TO));
    }
}
