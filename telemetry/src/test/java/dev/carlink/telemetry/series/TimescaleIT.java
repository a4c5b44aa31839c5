package dev.carlink.telemetry.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.telemetry.Samples;
import dev.carlink.telemetry.TelemetrySample;
import dev.carlink.telemetry.TelemetrySchema;
import dev.carlink.telemetry.Vin;
import dev.carlink.telemetry.store.TelemetryRepository;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The TimescaleDB path for real, against a server with the extension preloaded (Debian 12 has no TimescaleDB
 * package, so it is not installed here). Runs when {@code CARLINK_TIMESCALE_URL} names such a server, e.g. the
 * {@code timescale/timescaledb} image: {@code CARLINK_TIMESCALE_URL='jdbc:postgresql://localhost:5432/postgres?
 * user=postgres&password=secret' mvn -pl telemetry verify -Dit.test=TimescaleIT}. It works in a database of its
 * own, dropped at the end; without the variable it is reported as skipped, saying so.
 */
class TimescaleIT {

    @Test
    void onTimescale_theTableIsAHypertable_thePoliciesApply_andBucketsMatchTheRawRows() throws Exception {
        String url = System.getenv("CARLINK_TIMESCALE_URL");
        Assumptions.assumeTrue(
                url != null && !url.isBlank(),
                "CARLINK_TIMESCALE_URL is not set: the TimescaleDB path ran as SQL tests only (SeriesDialectTest)");
        String database =
                "carlink_ts_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute(url, "CREATE DATABASE " + database);
        String own = url.replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
        try (HikariDataSource pool = pool(own)) {
            TelemetrySchema.migrate(pool);
            assertThat(TelemetryRepository.storageLayout(pool).layout()).isEqualTo("hypertable");
            SeriesDialect dialect = SeriesStorage.detect(pool);
            assertThat(dialect).isInstanceOf(TimescaleHypertable.class);
            new SeriesStorage(pool, dialect, SeriesConfig.defaults()).start(Instant.now());

            String vin = Samples.vin(201);
            Instant first = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.MINUTES);
            List<TelemetrySample> samples = new ArrayList<>();
            for (int i = 0; i < 7200; i++) {
                Telemetry t = Samples.minimal(i + 1, first.plusSeconds(i).toEpochMilli())
                        .setCabinTemperatureC(20 + (i % 100) / 10f)
                        .build();
                samples.add(new TelemetrySample(new Vin(vin), t, Instant.now()));
            }
            TelemetryRepository repository = new TelemetryRepository(pool, dialect);
            for (int i = 0; i < samples.size(); i += 500) {
                repository.store(samples.subList(i, Math.min(samples.size(), i + 500)), List.of());
            }
            try (Connection c = pool.getConnection();
                    Statement s = c.createStatement()) {
                c.setAutoCommit(true);
                s.execute("CALL refresh_continuous_aggregate('telemetry.rollup_1m', NULL, NULL)");
                s.execute("CALL refresh_continuous_aggregate('telemetry.rollup_1h', NULL, NULL)");
            }

            List<BucketQueries.Bucket> minutes = new BucketQueries(
                            pool, dialect, SeriesConfig.defaults(), java.time.Clock.systemUTC())
                    .query(vin, first, first.plus(Duration.ofHours(2)), Duration.ofMinutes(5));
            assertThat(minutes).hasSize(24);
            assertThat(minutes.stream().mapToLong(BucketQueries.Bucket::samples).sum())
                    .isEqualTo(7200);
            BucketQueries.SignalStats cabin = minutes.get(0).signals().get(0);
            assertThat(cabin.min()).isCloseTo(20, within(1e-4));
            assertThat(cabin.max()).isCloseTo(29.9, within(1e-4));
            assertThat(new BucketQueries(pool, dialect, SeriesConfig.defaults(), java.time.Clock.systemUTC())
                            .query(vin, first, first.plus(Duration.ofHours(2)), Duration.ofHours(1)).stream()
                                    .mapToLong(BucketQueries.Bucket::samples)
                                    .sum())
                    .isEqualTo(7200);
        } finally {
            execute(url, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private static void execute(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static HikariDataSource pool(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(4);
        return new HikariDataSource(config);
    }
}
