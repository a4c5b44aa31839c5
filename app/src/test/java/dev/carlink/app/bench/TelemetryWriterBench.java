package dev.carlink.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.carlink.simulator.car.CarConfig;
import dev.carlink.simulator.car.SimulatedCar;
import dev.carlink.telemetry.TelemetrySample;
import dev.carlink.telemetry.TelemetrySchema;
import dev.carlink.telemetry.Vin;
import dev.carlink.telemetry.series.SeriesStorage;
import dev.carlink.telemetry.store.TelemetryRepository;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The telemetry writer alone, against a raw COPY of the same rows. The writer is the production path
 * ({@link TelemetryRepository#store}: one transaction per batch, the samples as one {@code unnest} insert with
 * {@code ON CONFLICT DO NOTHING}, the latest state per car upserted), called back to back on one thread as the
 * ingest's writer thread does. The baseline loads the very rows the writer stored, exported as COPY text, into
 * a table of the same shape (same key, same index) with {@code COPY FROM STDIN}, in batches of the same size,
 * one transaction each: what PostgreSQL takes at its fastest, with no idempotence, no latest state and no
 * encoding from protobuf.
 *
 * <p>Samples come from the simulator's cars (every signal of the contract, about 20), a second apart per car.
 *
 * <p>{@code mvn -B -Pbench verify -pl app -am -Dit.test=TelemetryWriterBench}; properties: {@code
 * bench.writer.cars} (2000), {@code bench.writer.samples} (per car: 250), {@code bench.writer.batches} (500,2000,
 * 5000; the ingest's default batch is 500).
 */
class TelemetryWriterBench {

    @Test
    void writerAgainstRawCopy() throws Exception {
        int cars = Integer.getInteger("bench.writer.cars", 2000);
        int perCar = Integer.getInteger("bench.writer.samples", 250);
        List<Integer> batchSizes = BenchProperties.ints("bench.writer.batches", "500,2000,5000");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
                HikariDataSource pool = pool(postgres)) {
            TelemetrySchema.migrate(pool);
            try (Connection c = pool.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE telemetry.copy_baseline (LIKE telemetry.telemetry INCLUDING ALL)");
            }
            List<TelemetrySample> samples = samples(cars, perCar);
            TelemetryRepository repository = new TelemetryRepository(pool, SeriesStorage.detect(pool));
            List<Run> runs = new ArrayList<>();
            for (int batch : batchSizes) {
                execute(pool, "TRUNCATE telemetry.telemetry, telemetry.latest_state, telemetry.copy_baseline");
                execute(pool, "CHECKPOINT");
                double writer = timeWriter(repository, samples, batch);
                assertThat(count(pool, "telemetry.telemetry"))
                        .as("rows the writer stored")
                        .isEqualTo(samples.size());
                List<byte[]> chunks = RawCopy.export(pool, "telemetry.telemetry", batch);
                execute(pool, "CHECKPOINT");
                double copy = RawCopy.load(pool, "telemetry.copy_baseline", chunks);
                assertThat(count(pool, "telemetry.copy_baseline"))
                        .as("rows COPY loaded")
                        .isEqualTo(samples.size());
                Run run = new Run(batch, samples.size(), writer, copy);
                progress(run.line());
                runs.add(run);
            }
            report(runs, cars, perCar);
        }
    }

    /** Rows per second through the production writer, batches back to back. */
    private static double timeWriter(TelemetryRepository repository, List<TelemetrySample> samples, int batch)
            throws SQLException {
        long start = System.nanoTime();
        for (int from = 0; from < samples.size(); from += batch) {
            List<TelemetrySample> slice = samples.subList(from, Math.min(samples.size(), from + batch));
            repository.store(slice, newestPerCar(slice));
        }
        return samples.size() / Units.seconds(System.nanoTime() - start);
    }

    /** What the ingest's batch plan hands the store: per car, the newest sample of the batch. */
    private static List<TelemetrySample> newestPerCar(List<TelemetrySample> batch) {
        Map<String, TelemetrySample> newest = new HashMap<>();
        for (TelemetrySample sample : batch) {
            newest.merge(
                    sample.vin().value(), sample, (a, b) -> TelemetrySample.OLDER_FIRST.compare(a, b) >= 0 ? a : b);
        }
        return new ArrayList<>(newest.values());
    }

    /** {@code perCar} samples from each of {@code cars} simulated cars, in arrival order (a second per round). */
    private static List<TelemetrySample> samples(int cars, int perCar) {
        progress("simulating " + cars + " cars for " + perCar + " s");
        // samples from now on, as live cars send them: above the rollups' watermark, so none counts as late
        MovableClock clock = new MovableClock(Instant.now().plusSeconds(60));
        List<SimulatedCar> fleet = new ArrayList<>();
        for (int i = 0; i < cars; i++) {
            SimulatedCar car = new SimulatedCar(CarConfig.of(String.format(Locale.ROOT, "WRTRBNCH%09d", i)), clock);
            if (i % 3 == 0) {
                car.startTrip();
            } else {
                car.park();
            }
            fleet.add(car);
        }
        List<TelemetrySample> out = new ArrayList<>(cars * perCar);
        for (int round = 0; round < perCar; round++) {
            clock.advance(Duration.ofSeconds(1));
            for (SimulatedCar car : fleet) {
                car.step(Duration.ofSeconds(1));
                out.add(new TelemetrySample(new Vin(car.vin()), car.telemetry(), clock.instant()));
            }
        }
        return out;
    }

    private static HikariDataSource pool(EmbeddedPostgres postgres) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        config.setMaximumPoolSize(2);
        return new HikariDataSource(config);
    }

    private static void execute(HikariDataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long count(HikariDataSource pool, String table) throws SQLException {
        try (Connection c = pool.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private record Run(int batch, int rows, double writerPerSecond, double copyPerSecond) {
        double ratio() {
            return writerPerSecond / copyPerSecond;
        }

        String line() {
            return String.format(
                    Locale.ROOT,
                    "batch %5d: writer %,9.0f rows/s, raw COPY %,9.0f rows/s, writer/COPY %.2f",
                    batch,
                    writerPerSecond,
                    copyPerSecond,
                    ratio());
        }
    }

    private static void report(List<Run> runs, int cars, int perCar) {
        StringBuilder text = new StringBuilder(String.format(
                Locale.ROOT,
                "Telemetry writer alone vs raw COPY of the same rows: %,d rows from %,d simulated cars, "
                        + "one thread, one transaction per batch, embedded PostgreSQL 17%n%n",
                cars * perCar,
                cars));
        JsonArray json = new JsonArray();
        for (Run run : runs) {
            text.append(run.line()).append(System.lineSeparator());
            json.add(new JsonObject()
                    .put("batch", run.batch())
                    .put("rows", run.rows())
                    .put("writerRowsPerSecond", Math.round(run.writerPerSecond()))
                    .put("copyRowsPerSecond", Math.round(run.copyPerSecond()))
                    .put("writerOverCopy", Math.round(run.ratio() * 100) / 100.0));
        }
        text.append(String.format(
                Locale.ROOT,
                "%nwriter: TelemetryRepository.store (unnest insert ON CONFLICT DO NOTHING + latest-state upsert), "
                        + "from protobuf samples%nraw COPY: COPY FROM STDIN of the stored rows as text into a table "
                        + "with the same key and index; no idempotence, no latest state, no encoding%n"));
        double[] batches = runs.stream().mapToDouble(Run::batch).toArray();
        String chart = BenchChart.chart(
                "Rows per second by batch size",
                "rows per batch (transaction)",
                "rows/s",
                false,
                List.of(),
                List.of(
                        new BenchChart.Series(
                                "writer",
                                batches,
                                runs.stream().mapToDouble(Run::writerPerSecond).toArray()),
                        new BenchChart.Series(
                                "raw COPY",
                                batches,
                                runs.stream().mapToDouble(Run::copyPerSecond).toArray())));
        BenchFiles.write(
                "telemetry-writer",
                text.toString(),
                new JsonObject().put("cars", cars).put("samplesPerCar", perCar).put("runs", json),
                BenchChart.page("Telemetry writer vs raw COPY", text.toString(), List.of(chart)));
    }

    private static void progress(String line) {
        System.out.println("[bench] " + line);
    }

    /** A clock the sample generator moves a second at a time. */
    private static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
