package dev.carlink.telemetry.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.carlink.proto.SeriesBuckets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SQL each storage dialect generates. The plain-PostgreSQL path also runs for real in {@code
 * TimeSeriesIT}; the TimescaleDB path runs for real only where the extension is installed (README), so its
 * statements are pinned here.
 */
class SeriesDialectTest {

    private final SeriesConfig config = SeriesConfig.defaults();

    @Test
    void theLayoutReportedByTheDatabase_choosesTheDialect() {
        assertThat(SeriesDialect.forLayout("hypertable")).isInstanceOf(TimescaleHypertable.class);
        assertThat(SeriesDialect.forLayout("partitioned table")).isInstanceOf(PlainPartitions.class);
        assertThat(SeriesDialect.forLayout("plain table")).isInstanceOf(PlainPartitions.class);
    }

    @Test
    void timescale_migration_createsTheContinuousAggregates_hourOnMinute_andCompressionByVin() {
        List<String> sql = new TimescaleHypertable().migration();

        assertThat(sql.get(0))
                .startsWith("CREATE MATERIALIZED VIEW telemetry.rollup_1m WITH (timescaledb.continuous,"
                        + " timescaledb.materialized_only = false)")
                .contains("time_bucket(INTERVAL '1 minute', ts) AS bucket")
                .contains("min(cabin_temperature_c) AS cabin_temperature_c_min")
                .contains("sum(cabin_temperature_c)::float8 AS cabin_temperature_c_sum")
                .contains("count(cabin_temperature_c)::int AS cabin_temperature_c_n")
                .endsWith("WITH NO DATA");
        assertThat(sql.get(1))
                .startsWith("CREATE MATERIALIZED VIEW telemetry.rollup_1h")
                .contains("FROM telemetry.rollup_1m GROUP BY vin, time_bucket(INTERVAL '1 hour', bucket)")
                .contains("sum(speed_kmh_n)::int AS speed_kmh_n");
        assertThat(sql.get(2))
                .contains("timescaledb.compress_segmentby = 'vin'")
                .contains("compress_orderby = 'ts, seq'");
    }

    @Test
    void timescale_onStart_setsPoliciesFromTheConfiguration() {
        List<String> sql = new TimescaleHypertable().onStart(config);

        assertThat(sql)
                .contains("SELECT set_chunk_time_interval('telemetry.telemetry', INTERVAL '7200 seconds')")
                .contains("SELECT add_retention_policy('telemetry.telemetry', INTERVAL '2592000 seconds')")
                .contains("SELECT add_compression_policy('telemetry.telemetry', INTERVAL '172800 seconds')")
                .contains("SELECT add_retention_policy('telemetry.rollup_1m', INTERVAL '15552000 seconds')")
                .contains("SELECT add_retention_policy('telemetry.rollup_1h', INTERVAL '157680000 seconds')")
                .contains("SELECT add_continuous_aggregate_policy('telemetry.rollup_1m', start_offset => INTERVAL"
                        + " '10800 seconds', end_offset => INTERVAL '60 seconds', schedule_interval => INTERVAL"
                        + " '15 seconds')");
        // every policy is removed before it is added, so a restart with new settings replaces it
        assertThat(sql.indexOf("SELECT remove_retention_policy('telemetry.telemetry', true)"))
                .isLessThan(
                        sql.indexOf("SELECT add_retention_policy('telemetry.telemetry', INTERVAL '2592000 seconds')"));
        assertThat(new TimescaleHypertable().periodic(config)).isEmpty();
        assertThat(new TimescaleHypertable().refreshedByModule()).isFalse();
    }

    @Test
    void timescale_bucketRows_readTheRealTimeAggregateOnly() {
        BucketQuery q = new TimescaleHypertable().rollupRows(Tier.HOUR);

        assertThat(q.sql()).contains("FROM telemetry.rollup_1h WHERE vin = ?").doesNotContain("UNION");
        assertThat(q.params()).containsExactly(BucketQuery.Param.VIN, BucketQuery.Param.FROM, BucketQuery.Param.TO);
    }

    @Test
    void plain_periodic_createsPartitionsForTheRetentionAndAhead_andDropsOlderOnes() {
        List<String> sql = new PlainPartitions().periodic(config);

        assertThat(sql)
                .containsExactly(
                        "SELECT telemetry.ensure_partitions((now() AT TIME ZONE 'UTC')::date - 30,"
                                + " (now() AT TIME ZONE 'UTC')::date + 7)",
                        "SELECT telemetry.drop_partitions_before(((now() AT TIME ZONE 'UTC') - INTERVAL"
                                + " '2592000 seconds')::date)",
                        "DELETE FROM telemetry.rollup_1m WHERE bucket < now() - INTERVAL '15552000 seconds'",
                        "DELETE FROM telemetry.rollup_1h WHERE bucket < now() - INTERVAL '157680000 seconds'");
        assertThat(new PlainPartitions().refreshedByModule()).isTrue();
    }

    @Test
    void plain_bucketRows_addTheRawRowsPastTheWatermark_andHoursAddTheMinutesOfTheOpenHour() {
        BucketQuery minutes = new PlainPartitions().rollupRows(Tier.MINUTE);
        BucketQuery hours = new PlainPartitions().rollupRows(Tier.HOUR);

        assertThat(minutes.sql())
                .startsWith("WITH inv AS (SELECT date_bin(INTERVAL '60 seconds', min(lo)")
                .contains("FROM telemetry.rollup_1m, inv WHERE vin = ? AND bucket >= greatest(?::timestamptz,"
                        + " '-infinity') AND bucket < least(?::timestamptz, (SELECT watermark FROM"
                        + " telemetry.rollup_state)) AND (inv.lo IS NULL OR bucket < inv.lo OR bucket >= inv.hi)")
                .contains("FROM telemetry.telemetry, inv WHERE vin = ? AND ts >= greatest(?::timestamptz, (SELECT"
                        + " watermark FROM telemetry.rollup_state))")
                .contains("ts >= greatest(?::timestamptz, coalesce(inv.lo, 'infinity')) AND ts <"
                        + " least(?::timestamptz, inv.hi, (SELECT watermark FROM telemetry.rollup_state))");
        assertThat(minutes.params()).hasSize(10);
        assertThat(hours.sql())
                .startsWith("WITH inv AS (SELECT date_bin(INTERVAL '3600 seconds', min(lo)")
                .contains("FROM telemetry.rollup_1h")
                .contains("FROM telemetry.rollup_1m");
        assertThat(hours.params()).hasSize(13);
    }

    @Test
    void aBucketQuery_mustHaveOneParamPerPlaceholder() {
        assertThatThrownBy(() -> new BucketQuery("SELECT ? , ?", List.of(BucketQuery.Param.VIN)))
                .hasMessageContaining("2 placeholders for 1 params");
    }

    @Test
    void theOuterQuery_reBucketsToTheWidth_alignedToUtc() {
        String sql = BucketQueries.sql(new PlainPartitions().rollupRows(Tier.MINUTE), Duration.ofMinutes(5));

        assertThat(sql)
                .startsWith("SELECT (extract(epoch FROM g.b) * 1000)::int8 AS start_ms, g.* FROM (SELECT"
                        + " date_bin(INTERVAL '300 seconds', bucket, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS b")
                .endsWith("GROUP BY 1) AS g ORDER BY g.b");
    }

    @Test
    void autoWidth_givesAtMost720Buckets_withTheSmallestWidthThatDoes() {
        assertThat(SeriesBuckets.autoWidth(Duration.ofHours(12))).isEqualTo(Duration.ofMinutes(1));
        assertThat(SeriesBuckets.autoWidth(Duration.ofDays(1))).isEqualTo(Duration.ofMinutes(5));
        assertThat(SeriesBuckets.autoWidth(Duration.ofDays(30))).isEqualTo(Duration.ofHours(1));
        assertThat(SeriesBuckets.autoWidth(Duration.ofDays(3650))).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void aWidthNotOffered_orTooManyBuckets_isNamed() {
        java.time.Instant t = java.time.Instant.parse("2026-01-01T00:00:00Z");
        assertThat(SeriesBuckets.problem(t, t.plusSeconds(3600), Duration.ofSeconds(42)))
                .hasValueSatisfying(
                        p -> assertThat(p).contains("bucket must be one of").contains("42 s"));
        assertThat(SeriesBuckets.problem(t, t.plus(Duration.ofDays(30)), Duration.ofMinutes(1)))
                .hasValueSatisfying(p -> assertThat(p).contains("43200 buckets of 1m"));
        assertThat(SeriesBuckets.problem(t, t.plus(Duration.ofDays(1)), Duration.ofMinutes(1)))
                .isEmpty();
    }

    @Test
    void config_refusesEveryBadField_inOneMessage() {
        assertThatThrownBy(() -> new SeriesConfig(
                        Duration.ofHours(36),
                        Duration.ofHours(1),
                        Duration.ofHours(1),
                        Map.of(
                                SignalGroup.LOCATION,
                                new SeriesConfig.GroupRetention(Duration.ofDays(90), Duration.ZERO, Duration.ZERO),
                                SignalGroup.CLIMATE,
                                new SeriesConfig.GroupRetention(
                                        Duration.ofHours(2), Duration.ofDays(2), Duration.ofDays(9))),
                        Duration.ZERO,
                        Duration.ofHours(2),
                        Duration.ZERO,
                        0))
                .hasMessageContaining("rawRetention must be whole days")
                .hasMessageContaining("refreshInterval")
                .hasMessageContaining("refreshLag")
                .hasMessageContaining("maintenanceInterval")
                .hasMessageContaining("expectedRowsPerSecond")
                .hasMessageContaining("retention of location")
                .hasMessageContaining("minute retention of climate must be PT0S..minuteRetention")
                .hasMessageContaining("hour retention of climate");
        assertThatThrownBy(() -> SeriesConfig.defaults().withRawRetention(Duration.ofDays(3)))
                .as("driver monitoring (7 days) may not outlive the raw samples")
                .hasMessageContaining("retention of driver-monitoring");
    }

    @Test
    void chunkInterval_followsTheRowRate() {
        SeriesConfig slow = new SeriesConfig(
                Duration.ofDays(30),
                Duration.ofDays(30),
                Duration.ofDays(30),
                Map.of(),
                Duration.ofSeconds(15),
                Duration.ofMinutes(1),
                Duration.ofHours(1),
                100);
        assertThat(slow.chunkInterval()).isEqualTo(Duration.ofDays(7));
        assertThat(config.chunkInterval()).isEqualTo(Duration.ofHours(2));
    }
}
