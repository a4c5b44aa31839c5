package dev.carlink.telemetry.series;

import static dev.carlink.telemetry.series.SeriesDialect.interval;

import dev.carlink.telemetry.series.BucketQuery.Param;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL without TimescaleDB: {@code telemetry.telemetry} is range-partitioned by day on {@code ts}
 * (partitions {@code telemetry_pYYYYMMDD}, UTC days), created for the whole retention window and {@value
 * SeriesConfig#PARTITIONS_AHEAD_DAYS} days ahead, and dropped whole once older than the retention. The rollups
 * are tables that {@link RollupRefresher} fills up to a watermark ({@code telemetry.rollup_state}); queries add
 * the raw rows past the watermark, so they are never stale by more than a refresh of a late sample.
 */
public final class PlainPartitions implements SeriesDialect {

    /** Buckets are aligned to this instant, so they do not depend on the session's time zone. */
    static final String ORIGIN = "TIMESTAMPTZ '2000-01-01 00:00:00+00'";

    static final String WATERMARK = "(SELECT watermark FROM telemetry.rollup_state)";
    static final String HOUR_WATERMARK =
            "(SELECT date_bin(INTERVAL '1 hour', watermark, " + ORIGIN + ") FROM telemetry.rollup_state)";

    @Override
    public String name() {
        return "postgresql-partitions";
    }

    @Override
    public List<String> migration() {
        List<String> sql = new ArrayList<>();
        sql.add("ALTER TABLE telemetry.telemetry RENAME TO telemetry_unpartitioned");
        sql.add("ALTER TABLE telemetry.telemetry_unpartitioned RENAME CONSTRAINT telemetry_vin_seq_ts_key"
                + " TO telemetry_unpartitioned_key");
        sql.add("ALTER INDEX telemetry.telemetry_vin_ts_idx RENAME TO telemetry_unpartitioned_vin_ts_idx");
        sql.add("CREATE TABLE telemetry.telemetry (LIKE telemetry.telemetry_unpartitioned"
                + " INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (ts)");
        // one index: unique per sample (vin, seq, ts) and ordered for one car's time range, so history
        // queries and deduplication share it
        sql.add("ALTER TABLE telemetry.telemetry ADD CONSTRAINT telemetry_vin_ts_seq_key UNIQUE (vin, ts, seq)");
        sql.add(
                """
                CREATE FUNCTION telemetry.ensure_partitions(from_day date, to_day date) RETURNS integer
                    LANGUAGE plpgsql
                AS $fn$
                DECLARE
                    day date := from_day;
                    created integer := 0;
                    part text;
                BEGIN
                    WHILE day <= to_day LOOP
                        part := 'telemetry_p' || to_char(day, 'YYYYMMDD');
                        IF to_regclass('telemetry.' || part) IS NULL THEN
                            EXECUTE format(
                                'CREATE TABLE telemetry.%I PARTITION OF telemetry.telemetry FOR VALUES FROM (%L) TO (%L)',
                                part, (day::timestamp AT TIME ZONE 'UTC'), ((day + 1)::timestamp AT TIME ZONE 'UTC'));
                            created := created + 1;
                        END IF;
                        day := day + 1;
                    END LOOP;
                    RETURN created;
                END
                $fn$""");
        sql.add(
                """
                CREATE FUNCTION telemetry.drop_partitions_before(cutoff_day date) RETURNS integer
                    LANGUAGE plpgsql
                AS $fn$
                DECLARE
                    part record;
                    dropped integer := 0;
                BEGIN
                    FOR part IN
                        SELECT c.relname
                        FROM pg_catalog.pg_inherits i
                        JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
                        WHERE i.inhparent = 'telemetry.telemetry'::regclass
                          AND c.relname ~ '^telemetry_p[0-9]{8}$'
                          AND to_date(substr(c.relname, 12), 'YYYYMMDD') < cutoff_day
                    LOOP
                        EXECUTE format('DROP TABLE telemetry.%I', part.relname);
                        dropped := dropped + 1;
                    END LOOP;
                    RETURN dropped;
                END
                $fn$""");
        sql.add("SELECT telemetry.ensure_partitions("
                + "(coalesce((SELECT min(ts) FROM telemetry.telemetry_unpartitioned), now()) AT TIME ZONE 'UTC')::date,"
                + " (now() AT TIME ZONE 'UTC')::date + " + SeriesConfig.PARTITIONS_AHEAD_DAYS + ")");
        sql.add(
                "SELECT telemetry.ensure_partitions((now() AT TIME ZONE 'UTC')::date,"
                        + " (coalesce((SELECT max(ts) FROM telemetry.telemetry_unpartitioned), now()) AT TIME ZONE 'UTC')::date)");
        sql.add("INSERT INTO telemetry.telemetry SELECT * FROM telemetry.telemetry_unpartitioned");
        sql.add("DROP TABLE telemetry.telemetry_unpartitioned");
        for (Tier tier : Tier.values()) {
            sql.add("CREATE TABLE " + tier.relation() + " (vin text NOT NULL, bucket timestamptz NOT NULL,"
                    + " samples integer NOT NULL, " + SeriesSql.rollupColumnDefinitions()
                    + ", PRIMARY KEY (vin, bucket))");
        }
        // the minute rollup is complete below watermark; writers compare late samples with pending (>= watermark)
        sql.add("CREATE TABLE telemetry.rollup_state (singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),"
                + " watermark timestamptz NOT NULL, pending timestamptz NOT NULL, CHECK (pending >= watermark))");
        sql.add("INSERT INTO telemetry.rollup_state (watermark, pending) SELECT w, w FROM (SELECT date_bin("
                + "INTERVAL '1 minute', coalesce(min(ts), now()), " + ORIGIN + ") AS w FROM telemetry.telemetry) t");
        // samples stored below pending after their minutes were rolled up: those minutes are rolled up again
        sql.add("CREATE TABLE telemetry.rollup_invalidation (vin text NOT NULL, lo timestamptz NOT NULL,"
                + " hi timestamptz NOT NULL, CHECK (lo <= hi))");
        return sql;
    }

    @Override
    public List<String> onStart(SeriesConfig config) {
        return periodic(config);
    }

    @Override
    public List<String> periodic(SeriesConfig config) {
        long rawDays = config.rawRetention().toDays();
        return List.of(
                "SELECT telemetry.ensure_partitions((now() AT TIME ZONE 'UTC')::date - " + rawDays
                        + ", (now() AT TIME ZONE 'UTC')::date + " + SeriesConfig.PARTITIONS_AHEAD_DAYS + ")",
                "SELECT telemetry.drop_partitions_before(((now() AT TIME ZONE 'UTC') - "
                        + interval(config.rawRetention()) + ")::date)",
                "DELETE FROM telemetry.rollup_1m WHERE bucket < now() - " + interval(config.minuteRetention()),
                "DELETE FROM telemetry.rollup_1h WHERE bucket < now() - " + interval(config.hourRetention()));
    }

    @Override
    public boolean refreshedByModule() {
        return true;
    }

    /**
     * Rollup rows below the watermark, except for the car's invalidated range (late samples not rolled up
     * again yet), which comes from raw rows, as does everything past the watermark. So a query is exact at any
     * moment: right after a backfill of old samples as well as between refreshes. Each part is a range scan of
     * one index.
     */
    @Override
    public BucketQuery rollupRows(Tier tier) {
        String w = interval(tier.width());
        String columns = "bucket, samples, " + SeriesSql.rollupColumns();
        // the car's pending late range, widened to whole buckets of the tier; NULLs when there is none
        String invalidated = "WITH inv AS (SELECT date_bin(" + w + ", min(lo), " + ORIGIN + ") AS lo, date_bin(" + w
                + ", max(hi), " + ORIGIN + ") + " + w + " AS hi FROM telemetry.rollup_invalidation WHERE vin = ?) ";
        String valid = " AND (inv.lo IS NULL OR bucket < inv.lo OR bucket >= inv.hi)";
        String rawMinutes =
                "SELECT date_bin(INTERVAL '1 minute', ts, " + ORIGIN + ") AS bucket, count(*)::int AS samples, "
                        + SeriesSql.aggregateRaw() + " FROM telemetry.telemetry, inv WHERE vin = ? AND ";
        String raw = rawMinutes + "ts >= greatest(?::timestamptz, " + WATERMARK + ") AND ts < ?::timestamptz GROUP BY 1"
                + " UNION ALL " + rawMinutes + "ts >= greatest(?::timestamptz, coalesce(inv.lo, 'infinity'))"
                + " AND ts < least(?::timestamptz, inv.hi, " + WATERMARK + ") GROUP BY 1";
        List<Param> rawParams = List.of(Param.VIN, Param.FROM, Param.TO, Param.VIN, Param.FROM, Param.TO);
        List<Param> params = new ArrayList<>(List.of(Param.VIN));
        StringBuilder sql = new StringBuilder(invalidated);
        if (tier == Tier.HOUR) {
            sql.append("SELECT ")
                    .append(columns)
                    .append(" FROM telemetry.rollup_1h, inv WHERE vin = ?")
                    .append(" AND bucket >= ?::timestamptz AND bucket < least(?::timestamptz, ")
                    .append(HOUR_WATERMARK)
                    .append(")")
                    .append(valid)
                    .append(" UNION ALL ");
            params.addAll(List.of(Param.VIN, Param.FROM, Param.TO));
        }
        sql.append("SELECT ")
                .append(columns)
                .append(" FROM telemetry.rollup_1m, inv WHERE vin = ?")
                .append(" AND bucket >= greatest(?::timestamptz, ")
                .append(tier == Tier.HOUR ? HOUR_WATERMARK : "'-infinity'")
                .append(") AND bucket < least(?::timestamptz, ")
                .append(WATERMARK)
                .append(")")
                .append(valid)
                .append(" UNION ALL ")
                .append(raw);
        params.addAll(List.of(Param.VIN, Param.FROM, Param.TO));
        params.addAll(rawParams);
        return new BucketQuery(sql.toString(), params);
    }
}
