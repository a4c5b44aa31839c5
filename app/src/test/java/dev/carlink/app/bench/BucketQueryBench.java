package dev.carlink.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.carlink.telemetry.TelemetrySchema;
import dev.carlink.telemetry.series.BucketQueries;
import dev.carlink.telemetry.series.PlainPartitions;
import dev.carlink.telemetry.series.RollupRefresher;
import dev.carlink.telemetry.series.SeriesConfig;
import dev.carlink.telemetry.series.SeriesStorage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * History at a resolution: a day of one car's 1 Hz data at 1-minute buckets, with more than a million rows in
 * the table (the goal: p99 under 50 ms). Cars with a day of 1 Hz samples each are written, the rollups
 * refreshed, then queries for random cars are timed through {@link BucketQueries} (the telemetry module's
 * query path, SQL included). Baseline in the same run: the same buckets computed from the raw rows.
 *
 * <p>{@code mvn -B -Pbench verify -pl app -am -Dit.test=BucketQueryBench}; properties {@code bench.buckets.cars}
 * (12 cars: 1,036,800 rows), {@code bench.buckets.queries} (400 per kind).
 */
class BucketQueryBench {

    private record Kind(String name, Duration span, Duration width, boolean raw) {}

    @Test
    void aDayAtOneMinute_fromRollups_againstRawRows() throws Exception {
        int cars = Integer.getInteger("bench.buckets.cars", 12);
        int queries = Integer.getInteger("bench.buckets.queries", 400);
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
                HikariDataSource pool = pool(postgres)) {
            TelemetrySchema.migrate(pool);
            new SeriesStorage(pool, new PlainPartitions(), SeriesConfig.defaults()).start(Instant.now());
            Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            Instant start = end.minus(Duration.ofDays(1));
            long written = fill(pool, cars, start);
            // the rows went in by SQL, not through the writer that records late samples: the rollups start
            // from the first of them, as for a history that accumulated over the day
            try (Connection c = pool.getConnection();
                    PreparedStatement rewind = c.prepareStatement("UPDATE telemetry.rollup_state SET watermark ="
                            + " date_bin(INTERVAL '1 minute', ?::timestamptz, TIMESTAMPTZ '2000-01-01 00:00:00+00'),"
                            + " pending = date_bin(INTERVAL '1 minute', ?::timestamptz, TIMESTAMPTZ"
                            + " '2000-01-01 00:00:00+00')")) {
                rewind.setString(1, start.toString());
                rewind.setString(2, start.toString());
                rewind.executeUpdate();
            }
            progress("rolling up " + written + " rows");
            long refreshStarted = System.nanoTime();
            RollupRefresher refresher = new RollupRefresher(pool, Duration.ofMinutes(1));
            RollupRefresher.Round round;
            do {
                round = refresher.refresh(Instant.now());
                progress("  rolled up to " + round.to());
            } while (round.behind());
            try (Connection c = pool.getConnection();
                    Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT sum(samples) FROM telemetry.rollup_1m")) {
                r.next();
                assertThat(r.getLong(1)).as("rows in the minute rollup").isGreaterThan(written * 99 / 100);
            }
            double refreshSeconds = Units.seconds(System.nanoTime() - refreshStarted);
            progress(String.format(Locale.ROOT, "rolled up in %.1f s", refreshSeconds));
            analyze(pool);

            BucketQueries buckets = new BucketQueries(
                    pool, new PlainPartitions(), SeriesConfig.defaults(), java.time.Clock.systemUTC());
            if (Boolean.getBoolean("bench.buckets.explain")) {
                explain(pool, vin(0), end.minus(Duration.ofDays(1)), end);
            }
            List<Kind> kinds = List.of(
                    new Kind("1 day at 1m, rollups", Duration.ofDays(1), Duration.ofMinutes(1), false),
                    new Kind("1 day at 1m, raw rows", Duration.ofDays(1), Duration.ofMinutes(1), true),
                    new Kind("1 day at 1h, rollups", Duration.ofDays(1), Duration.ofHours(1), false),
                    new Kind("1 hour at 1m, rollups", Duration.ofHours(1), Duration.ofMinutes(1), false));
            Random random = new Random(7);
            StringBuilder text = new StringBuilder(String.format(
                    Locale.ROOT,
                    "bucket queries: %d rows in telemetry.telemetry (%d cars x 1 Hz x 1 day), %d queries per kind,"
                            + " random car, one thread; rollup of all rows took %.1f s%n",
                    written,
                    cars,
                    queries,
                    refreshSeconds));
            JsonArray results = new JsonArray();
            for (Kind kind : kinds) {
                Histogram micros = new Histogram(3);
                for (int i = 0; i < queries + 50; i++) {
                    String vin = vin(random.nextInt(cars));
                    long t0 = System.nanoTime();
                    int n = kind.raw()
                            ? rawBuckets(pool, vin, end.minus(kind.span()), end, kind.width())
                            : buckets.query(vin, end.minus(kind.span()), end, kind.width())
                                    .size();
                    long took = System.nanoTime() - t0;
                    if (i >= 50) { // the first 50 warm the JIT and the caches
                        micros.recordValue(Units.micros(took));
                    }
                    assertThat(n)
                            .as(kind.name() + ": buckets of the car")
                            .isGreaterThanOrEqualTo((int) (kind.span().toSeconds()
                                            / kind.width().toSeconds())
                                    - 1);
                }
                String line = String.format(
                        Locale.ROOT,
                        "%-24s p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms",
                        kind.name(),
                        micros.getValueAtPercentile(50) / 1000.0,
                        micros.getValueAtPercentile(99) / 1000.0,
                        micros.getMaxValue() / 1000.0);
                progress(line);
                text.append(line).append('\n');
                results.add(new JsonObject()
                        .put("kind", kind.name())
                        .put("p50Ms", micros.getValueAtPercentile(50) / 1000.0)
                        .put("p99Ms", micros.getValueAtPercentile(99) / 1000.0)
                        .put("maxMs", micros.getMaxValue() / 1000.0));
            }
            JsonObject json = new JsonObject()
                    .put("rows", written)
                    .put("cars", cars)
                    .put("queriesPerKind", queries)
                    .put("rollupSeconds", refreshSeconds)
                    .put("results", results);
            String html = BenchChart.page(
                    "Bucket queries",
                    text.toString(),
                    List.of(BenchChart.chart(
                            "p50 and p99 by query kind (ms)",
                            "query kind (1: day/1m rollups, 2: day/1m raw, 3: day/1h rollups, 4: hour/1m rollups)",
                            "ms",
                            true,
                            List.of(),
                            List.of(
                                    new BenchChart.Series("p50", new double[] {1, 2, 3, 4}, column(results, "p50Ms")),
                                    new BenchChart.Series(
                                            "p99", new double[] {1, 2, 3, 4}, column(results, "p99Ms"))))));
            BenchFiles.write("bucket-queries", text.toString(), json, html);
        }
    }

    /** Cars with a day of 1 Hz samples each: cabin, outside temperature, charge, speed, range, battery, odometer. */
    private static long fill(HikariDataSource pool, int cars, Instant start) throws Exception {
        long total = 0;
        try (Connection c = pool.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        """
                        INSERT INTO telemetry.telemetry (vin, seq, ts, received_at, cabin_temperature_c,
                            exterior_temperature_c, state_of_charge_pct, speed_kmh, range_km, low_voltage_battery_v,
                            odometer_km, selected_gear)
                        SELECT ?, g, ?::timestamptz + g * INTERVAL '1 second', ?::timestamptz + g * INTERVAL '1 second',
                            20 + 15 * sin(g / 3600.0) + random(), 10 + 8 * sin(g / 7200.0), 90 - g / 2000.0,
                            CASE WHEN (g / 1800) % 3 = 0 THEN 40 + 30 * random() ELSE 0 END, 400 - g / 500.0,
                            12.4 + random() / 10, 10000 + g / 100.0, 126
                        FROM generate_series(1, 86400) g
                        """)) {
            for (int car = 0; car < cars; car++) {
                insert.setString(1, vin(car));
                insert.setString(2, start.toString());
                insert.setString(3, start.toString());
                total += insert.executeUpdate();
                progress("car " + (car + 1) + "/" + cars + ": " + total + " rows");
            }
        }
        return total;
    }

    /** The same 1-minute (or wider) buckets computed from raw rows: the baseline without rollups. */
    private static int rawBuckets(HikariDataSource pool, String vin, Instant from, Instant to, Duration width)
            throws Exception {
        try (Connection c = pool.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT date_bin(INTERVAL '" + width.toSeconds()
                        + " seconds', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'), count(*), min(cabin_temperature_c),"
                        + " avg(cabin_temperature_c), max(cabin_temperature_c), min(state_of_charge_pct),"
                        + " avg(state_of_charge_pct), max(state_of_charge_pct), min(speed_kmh), avg(speed_kmh),"
                        + " max(speed_kmh) FROM telemetry.telemetry WHERE vin = ? AND ts >= ?::timestamptz AND ts <"
                        + " ?::timestamptz GROUP BY 1 ORDER BY 1")) {
            ps.setString(1, vin);
            ps.setString(2, from.toString());
            ps.setString(3, to.toString());
            int n = 0;
            try (ResultSet rows = ps.executeQuery()) {
                while (rows.next()) {
                    n++;
                }
            }
            return n;
        }
    }

    /** Prints the plan of a day at 1-minute buckets (with -Dbench.buckets.explain=true). */
    private static void explain(HikariDataSource pool, String vin, Instant from, Instant to) throws Exception {
        dev.carlink.telemetry.series.BucketQuery rows =
                new PlainPartitions().rollupRows(dev.carlink.telemetry.series.Tier.MINUTE);
        String sql = "EXPLAIN (ANALYZE, BUFFERS) " + BucketQueries.sql(rows, Duration.ofMinutes(1));
        try (Connection c = pool.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (dev.carlink.telemetry.series.BucketQuery.Param p : rows.params()) {
                ps.setString(
                        i++,
                        switch (p) {
                            case VIN -> vin;
                            case FROM -> from.toString();
                            case TO -> to.toString();
                        });
            }
            try (ResultSet plan = ps.executeQuery()) {
                while (plan.next()) {
                    progress(plan.getString(1));
                }
            }
        }
    }

    private static void analyze(HikariDataSource pool) throws Exception {
        try (Connection c = pool.getConnection();
                Statement s = c.createStatement()) {
            s.execute("VACUUM ANALYZE");
        }
    }

    private static double[] column(JsonArray results, String field) {
        double[] out = new double[results.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = results.getJsonObject(i).getDouble(field);
        }
        return out;
    }

    private static String vin(int car) {
        return String.format(Locale.ROOT, "BKTBNCH%010d", car);
    }

    private static HikariDataSource pool(EmbeddedPostgres postgres) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        config.setMaximumPoolSize(2);
        return new HikariDataSource(config);
    }

    private static void progress(String line) {
        System.out.println("[bench] " + line);
    }
}
