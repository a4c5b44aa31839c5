package dev.carlink.telemetry.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.proto.v1.Location;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.telemetry.Samples;
import dev.carlink.telemetry.TelemetrySample;
import dev.carlink.telemetry.TelemetrySchema;
import dev.carlink.telemetry.TestDatabase;
import dev.carlink.telemetry.Vin;
import dev.carlink.telemetry.store.TelemetryRepository;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The plain-PostgreSQL time-series layout for real (embedded PostgreSQL 17): partitions, rollups refreshed
 * while writers commit, bucket queries against an aggregation computed here, retention and signal groups,
 * and the migration of a database holding V2 data.
 */
class TimeSeriesIT {

    private static TestDatabase db;
    private static TelemetryRepository repository;
    private static BucketQueries buckets;
    private static RollupRefresher refresher;

    @BeforeAll
    static void start() {
        db = TestDatabase.startMigrated();
        repository = new TelemetryRepository(db.pool(), new PlainPartitions());
        buckets = new BucketQueries(
                db.pool(), new PlainPartitions(), SeriesConfig.defaults(), java.time.Clock.systemUTC());
        refresher = new RollupRefresher(db.pool(), Duration.ofMinutes(1));
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void buckets_matchAnAggregationOfTheRawSamples_atEveryWidth_includingTheNewestRawRows() throws Exception {
        // given: 1 Hz samples for the last 2 1/2 hours, speed missing in every 7th
        String vin = Samples.vin(101);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant first = now.minus(Duration.ofMinutes(150));
        List<Telemetry> samples = new ArrayList<>();
        for (int i = 0; i < 150 * 60; i++) {
            Telemetry.Builder t = Samples.minimal(i + 1, first.plusSeconds(i).toEpochMilli())
                    .setCabinTemperatureC(20 + (i % 611) / 37f);
            if (i % 7 != 0) {
                t.setSpeedKmh((i * 13) % 120);
            }
            samples.add(t.build());
        }
        store(vin, samples);
        refreshUntilCurrent(now);

        // then: every width agrees with the aggregation done here, the last minute from raw rows
        for (Duration width : List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(1))) {
            List<BucketQueries.Bucket> got = buckets.query(vin, first, now, width);
            Map<Instant, Expected> expected = aggregate(samples, width);
            assertThat(got).extracting(BucketQueries.Bucket::start).containsExactlyElementsOf(expected.keySet());
            for (BucketQueries.Bucket bucket : got) {
                Expected e = expected.get(bucket.start());
                assertThat(bucket.samples())
                        .as("samples at %s, width %s", bucket.start(), width)
                        .isEqualTo(e.samples);
                BucketQueries.SignalStats cabin = stats(bucket, RolledSignal.CABIN_TEMPERATURE);
                assertThat(cabin.min()).isCloseTo(e.cabinMin, within(1e-4));
                assertThat(cabin.max()).isCloseTo(e.cabinMax, within(1e-4));
                assertThat(cabin.avg()).isCloseTo(e.cabinSum / e.samples, within(1e-4));
                assertThat(stats(bucket, RolledSignal.SPEED).count()).isEqualTo(e.speedCount);
            }
        }
        assertThat(db.queryLong("SELECT count(*) FROM telemetry.rollup_1m WHERE vin = ?", vin))
                .as("materialized below the watermark")
                .isGreaterThan(140);
    }

    @Test
    void aLateSample_reachesItsMinuteAndHour_atTheNextRefresh() throws Exception {
        // given: a minute two hours ago, rolled up
        String vin = Samples.vin(102);
        Instant now = Instant.now();
        Instant minute = RollupRefresher.floor(now.minus(Duration.ofHours(2)), Duration.ofMinutes(1));
        List<Telemetry> onTime = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            onTime.add(Samples.minimal(i + 1, minute.plusSeconds(i).toEpochMilli())
                    .setCabinTemperatureC(30)
                    .build());
        }
        store(vin, onTime);
        refreshUntilCurrent(now);

        // when: a sample of that minute arrives late (a car that was offline), with a hotter cabin
        store(
                vin,
                List.of(Samples.minimal(99, minute.plusSeconds(30).toEpochMilli())
                        .setCabinTemperatureC(55)
                        .build()));
        refreshUntilCurrent(Instant.now());

        // then: the minute and its hour include it
        BucketQueries.Bucket m = buckets.query(vin, minute, minute.plusSeconds(60), Duration.ofMinutes(1))
                .get(0);
        assertThat(m.samples()).isEqualTo(11);
        assertThat(stats(m, RolledSignal.CABIN_TEMPERATURE).max()).isEqualTo(55);
        Instant hour = RollupRefresher.floor(minute, Duration.ofHours(1));
        BucketQueries.Bucket h = buckets.query(vin, hour, hour.plus(Duration.ofHours(1)), Duration.ofHours(1))
                .get(0);
        assertThat(h.samples()).isEqualTo(11);
        assertThat(stats(h, RolledSignal.CABIN_TEMPERATURE).max()).isEqualTo(55);
        assertThat(db.queryLong("SELECT count(*) FROM telemetry.rollup_invalidation"))
                .isZero();
    }

    @Test
    void writersCommittingLateAndCurrentSamples_whileRefreshesRun_leaveRollupsEqualToTheRawRows() throws Exception {
        // given: a writer storing batches, each with current samples and late ones from the last 20 minutes
        String vin = Samples.vin(103);
        RollupRefresher eager = new RollupRefresher(db.pool(), Duration.ZERO);
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        Future<Integer> written = writer.submit(() -> {
            int seq = 0;
            while (writing.get()) {
                Instant t = Instant.now();
                List<Telemetry> batch = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    seq++;
                    Instant ts = i % 2 == 0 ? t : t.minusSeconds(seq % 1200);
                    batch.add(Samples.minimal(seq, ts.toEpochMilli())
                            .setCabinTemperatureC(seq % 50)
                            .build());
                }
                store(vin, batch);
            }
            return seq;
        });

        // when: refreshes run meanwhile, with no lag
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        int rounds = 0;
        while (System.nanoTime() < deadline) {
            eager.refresh(Instant.now());
            rounds++;
        }
        writing.set(false);
        int total = written.get(30, TimeUnit.SECONDS);
        writer.shutdown();
        eager.refresh(Instant.now());

        // then: every minute below the watermark holds exactly the raw rows of that minute
        assertThat(rounds).isGreaterThan(3);
        assertThat(db.storedSamples(vin)).isEqualTo(total);
        assertThat(db.queryLong(
                        """
                        SELECT count(*) FROM (
                            SELECT date_bin(INTERVAL '1 minute', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket,
                                   count(*)::int AS n, max(cabin_temperature_c) AS hi
                            FROM telemetry.telemetry WHERE vin = ? GROUP BY 1) raw
                        FULL JOIN (SELECT bucket, samples, cabin_temperature_c_max FROM telemetry.rollup_1m
                                   WHERE vin = ?) rolled USING (bucket)
                        WHERE coalesce(raw.bucket, rolled.bucket) < (SELECT watermark FROM telemetry.rollup_state)
                          AND (raw.n IS DISTINCT FROM rolled.samples OR raw.hi IS DISTINCT FROM rolled.cabin_temperature_c_max)
                        """,
                        vin,
                        vin))
                .as("minutes whose rollup differs from the raw rows")
                .isZero();
        long queried =
                buckets
                        .query(vin, Instant.now().minus(Duration.ofMinutes(25)), Instant.now(), Duration.ofMinutes(1))
                        .stream()
                        .mapToLong(BucketQueries.Bucket::samples)
                        .sum();
        assertThat(queried).isEqualTo(total);
    }

    @Test
    void retention_dropsOldPartitionsAndRollups_andClearsGroupsEarlier_rawAndDownsampled() throws Exception {
        try (TestDatabase own = TestDatabase.startMigrated()) {
            // given: samples 40, 10 and 1 days old (the 40-day one needs a partition made on demand)
            TelemetryRepository repo = new TelemetryRepository(own.pool(), new PlainPartitions());
            String vin = Samples.vin(104);
            Instant now = Instant.now();
            List<TelemetrySample> samples = new ArrayList<>();
            long seq = 1;
            for (int daysAgo : new int[] {40, 10, 1}) {
                samples.add(new TelemetrySample(
                        new Vin(vin),
                        Samples.minimal(
                                        seq++,
                                        now.minus(Duration.ofDays(daysAgo)).toEpochMilli())
                                .setFatigueLevel(FatigueLevel.FATIGUE_LEVEL_WARNING)
                                .setLocation(
                                        Location.newBuilder().setLatitude(52.5).setLongitude(13.4))
                                .build(),
                        now));
            }
            repo.store(samples, List.of());
            // another car's minute rollups 40, 10 and 1 day old, each with a cabin temperature and a speed (the
            // first car's samples above are late ones, so its minutes would be read from its raw rows)
            String rolled = Samples.vin(105);
            own.execute("INSERT INTO telemetry.rollup_1m (vin, bucket, samples, cabin_temperature_c_min,"
                    + " cabin_temperature_c_max, cabin_temperature_c_sum, cabin_temperature_c_n, speed_kmh_min,"
                    + " speed_kmh_max, speed_kmh_sum, speed_kmh_n) SELECT '" + rolled
                    + "', date_bin(INTERVAL '1 minute',"
                    + " now() - d * INTERVAL '1 day', TIMESTAMPTZ '2000-01-01 00:00:00+00'), 1, 30, 30, 30, 1, 50, 50,"
                    + " 50, 1 FROM unnest(ARRAY[40, 10, 1]) d");
            Map<SignalGroup, SeriesConfig.GroupRetention> groups = new EnumMap<>(SignalGroup.class);
            groups.put(
                    SignalGroup.DRIVER_MONITORING,
                    new SeriesConfig.GroupRetention(Duration.ofDays(7), Duration.ofDays(30), Duration.ofDays(365)));
            // climate downsampled sooner: its minute values go after 2 days (the hours keep them a year)
            groups.put(
                    SignalGroup.CLIMATE,
                    new SeriesConfig.GroupRetention(Duration.ofDays(30), Duration.ofDays(2), Duration.ofDays(365)));
            SeriesConfig config = new SeriesConfig(
                    Duration.ofDays(30),
                    Duration.ofDays(30),
                    Duration.ofDays(365),
                    groups,
                    Duration.ofSeconds(15),
                    Duration.ofMinutes(1),
                    Duration.ofHours(1),
                    1_000);
            SeriesStorage storage = new SeriesStorage(own.pool(), new PlainPartitions(), config);
            BucketQueries queries =
                    new BucketQueries(own.pool(), new PlainPartitions(), config, java.time.Clock.systemUTC());
            Instant tenDaysAgo = now.minus(Duration.ofDays(10));
            List<BucketQueries.Bucket> before = queries.query(
                    rolled,
                    tenDaysAgo.minus(Duration.ofMinutes(5)),
                    tenDaysAgo.plus(Duration.ofMinutes(5)),
                    Duration.ofMinutes(1));
            assertThat(before).singleElement().satisfies(b -> assertThat(b.signals())
                    .as("queries leave out climate minutes past their retention even before maintenance clears them")
                    .extracting(BucketQueries.SignalStats::signal)
                    .containsExactly(RolledSignal.SPEED));

            // when
            long cleared = storage.maintain(now);

            // then
            assertThat(own.storedSamples(vin)).isEqualTo(2);
            assertThat(own.queryLong(
                            "SELECT count(*) FROM telemetry.telemetry WHERE vin = ? AND fatigue_level IS NULL"
                                    + " AND is_eyes_on_road IS NULL AND ts < now() - INTERVAL '7 days'",
                            vin))
                    .isEqualTo(1);
            assertThat(own.queryLong(
                            "SELECT count(*) FROM telemetry.telemetry WHERE vin = ? AND fatigue_level IS NOT" + " NULL",
                            vin))
                    .isEqualTo(1);
            assertThat(own.queryLong(
                            "SELECT count(*) FROM telemetry.telemetry WHERE vin = ? AND latitude IS NOT NULL", vin))
                    .as("locations keep the raw retention")
                    .isEqualTo(2);
            assertThat(own.queryLong("SELECT count(*) FROM telemetry.rollup_1m WHERE vin = ?", rolled))
                    .as("the 40-day-old minute is past the minute retention")
                    .isEqualTo(2);
            assertThat(own.queryLong(
                            "SELECT count(*) FROM telemetry.rollup_1m WHERE vin = ? AND cabin_temperature_c_n"
                                    + " IS NULL AND speed_kmh_n = 1",
                            rolled))
                    .as("the 10-day-old minute lost its climate values, kept its speed")
                    .isEqualTo(1);
            assertThat(own.queryLong(
                            "SELECT count(*) FROM telemetry.rollup_1m WHERE vin = ? AND cabin_temperature_c_n = 1",
                            rolled))
                    .isEqualTo(1);
            assertThat(cleared)
                    .as("one raw row's driver monitoring, one minute's climate")
                    .isEqualTo(2);
            String dayOfOldest =
                    now.minus(Duration.ofDays(40)).toString().substring(0, 10).replace("-", "");
            assertThat(own.queryString("SELECT to_regclass('telemetry.telemetry_p" + dayOfOldest + "')::text"))
                    .as("the partition is dropped, not emptied")
                    .isNull();
            assertThat(storage.maintain(now))
                    .as("a second round has nothing left to clear")
                    .isZero();
        }
    }

    @Test
    void migratingADatabaseWithV2Data_movesEveryRowIntoTheDailyPartitions_andFillsTheFleetColumns() throws Exception {
        try (TestDatabase own = TestDatabase.startEmpty()) {
            Flyway.configure()
                    .dataSource(own.pool())
                    .schemas("telemetry")
                    .createSchemas(true)
                    .table("flyway_schema_history")
                    .locations(TelemetrySchema.MIGRATIONS)
                    .target("2")
                    .load()
                    .migrate();
            own.execute("INSERT INTO telemetry.telemetry (vin, seq, ts, received_at, cabin_temperature_c)"
                    + " SELECT 'WVWZZZ1JZXW000105', g, now() - g * INTERVAL '1 hour', now(), 20 FROM generate_series(1,"
                    + " 100) g");
            try (java.sql.Connection c = own.pool().getConnection();
                    java.sql.PreparedStatement ps =
                            c.prepareStatement("INSERT INTO telemetry.latest_state (vin, ts, seq,"
                                    + " received_at, sample) VALUES ('WVWZZZ1JZXW000105', now(), 1, now(), ?)")) {
                ps.setBytes(
                        1,
                        Samples.minimal(1, System.currentTimeMillis())
                                .setCabinTemperatureC(47.5f)
                                .setSelectedGear(126)
                                .build()
                                .toByteArray());
                ps.executeUpdate();
            }

            TelemetrySchema.migrate(own.pool());

            assertThat(own.storedSamples("WVWZZZ1JZXW000105")).isEqualTo(100);
            assertThat(own.queryString("SELECT telemetry.storage_layout()")).isEqualTo("partitioned table");
            assertThat(own.queryLong("SELECT count(DISTINCT tableoid) FROM telemetry.telemetry"))
                    .as("100 hours span five days")
                    .isBetween(5L, 6L);
            assertThat(own.queryString("SELECT to_regclass('telemetry.telemetry_unpartitioned')::text"))
                    .isNull();
            assertThat(own.queryString(
                            "SELECT cabin_temperature_c || ' ' || selected_gear FROM telemetry.latest_state"))
                    .as("V4 filled the fleet columns from the stored sample")
                    .isEqualTo("47.5 126");
        }
    }

    private static void store(String vin, List<Telemetry> samples) throws Exception {
        for (int i = 0; i < samples.size(); i += 500) {
            List<TelemetrySample> batch = new ArrayList<>();
            for (Telemetry t : samples.subList(i, Math.min(samples.size(), i + 500))) {
                batch.add(new TelemetrySample(new Vin(vin), t, Instant.now()));
            }
            repository.store(batch, List.of());
        }
    }

    private static void refreshUntilCurrent(Instant now) throws Exception {
        RollupRefresher.Round round;
        do {
            round = refresher.refresh(now);
        } while (round.behind() || round.skipped());
    }

    private static BucketQueries.SignalStats stats(BucketQueries.Bucket bucket, RolledSignal signal) {
        return bucket.signals().stream()
                .filter(s -> s.signal() == signal)
                .findFirst()
                .orElseThrow(() -> new AssertionError(signal + " missing in " + bucket));
    }

    private static final class Expected {
        long samples;
        double cabinMin = Double.MAX_VALUE;
        double cabinMax = -Double.MAX_VALUE;
        double cabinSum;
        long speedCount;
    }

    private static Map<Instant, Expected> aggregate(List<Telemetry> samples, Duration width) {
        Map<Instant, Expected> out = new TreeMap<>();
        for (Telemetry t : samples) {
            Expected e = out.computeIfAbsent(
                    dev.carlink.proto.SeriesBuckets.alignDown(Instant.ofEpochMilli(t.getTimestampMs()), width),
                    k -> new Expected());
            e.samples++;
            e.cabinMin = Math.min(e.cabinMin, t.getCabinTemperatureC());
            e.cabinMax = Math.max(e.cabinMax, t.getCabinTemperatureC());
            e.cabinSum += t.getCabinTemperatureC();
            if (t.hasSpeedKmh()) {
                e.speedCount++;
            }
        }
        return out;
    }
}
