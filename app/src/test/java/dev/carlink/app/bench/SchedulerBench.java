package dev.carlink.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.app.TestSystem;
import dev.carlink.command.CommandServiceConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The A/C scheduler under a morning rush: 100,000 schedules, each on its own connected car, whose starts
 * fall evenly within five minutes (a sharper burst: {@code -Dbench.window.seconds=60}). The scheduler (one instance, the real one in the running backend) claims,
 * decides, records and fires each occurrence: a CLIMATE_START stored, signed and handed to the gateway.
 * Lateness is measured from each occurrence's planned start to its decision, and to its command's creation.
 *
 * <p>Rows are written straight into the database (the API's per-car limit on schedules and the cost of
 * 100,000 enrollments are not what is measured). The cars are marked connected in the registry without an
 * MQTT session, so each command goes the whole way to the gateway and waits there, as for a car that has just
 * gone away. Each interval in {@code bench.intervals} runs on a fresh system.
 *
 * <p>{@code mvn -B -Pbench verify -pl app -am -Dit.test=SchedulerBench}; properties: {@code bench.schedules}
 * (100000), {@code bench.window.seconds} (300), {@code bench.intervals} (ms, the scheduler's tick, one fresh system
 * each: 250).
 */
class SchedulerBench {

    private static final Duration LEAD_IN = Duration.ofSeconds(10);
    /** How long past the window the run waits for a scheduler that fell behind. */
    private static final Duration DRAIN = Duration.ofSeconds(180);

    @Test
    void fires() throws Exception {
        int schedules = Integer.getInteger("bench.schedules", 100_000);
        Duration window = Duration.ofSeconds(Integer.getInteger("bench.window.seconds", 300));
        List<Integer> intervals = BenchProperties.ints("bench.intervals", "250");
        List<Result> results = new ArrayList<>();
        for (int interval : intervals) {
            results.add(run(schedules, window, Duration.ofMillis(interval)));
        }
        report(results, schedules, window);
        for (Result r : results) {
            assertThat(r.decided).as("every occurrence decided").isEqualTo(schedules);
            assertThat(r.doubleFires).as("no occurrence fired twice").isZero();
        }
    }

    private Result run(int count, Duration window, Duration interval) throws Exception {
        CommandServiceConfig.Schedules defaults = CommandServiceConfig.Schedules.defaults();
        try (TestSystem system = TestSystem.start(c -> c.withSchedules(new CommandServiceConfig.Schedules(
                interval, defaults.gracePeriod(), defaults.batchSize(), defaults.claimLease())))) {
            progress("interval " + interval.toMillis() + " ms: writing " + count + " cars and schedules");
            Instant firstStart;
            try (Connection c = system.dataSource().getConnection();
                    Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO command.vehicles (vin, owner_id, name, secret_hash, enrolled_at, "
                        + "online, protocol, presence_changed, schedule_version, trusted_key_id) "
                        + "SELECT 'SCHDB' || lpad(g::text, 12, '0'), (SELECT id FROM command.users WHERE "
                        + "username = 'alice'), 'bench car ' || g, 'no-login', now(), true, 'mqtt', now(), 1, "
                        + "(SELECT key_id FROM command.signing_keys WHERE state = 'ACTIVE') "
                        + "FROM generate_series(1, " + count + ") g");
                firstStart = Instant.now().plus(LEAD_IN);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO command.schedules (id, vin, ready_by, "
                        + "time_zone, weekday_mask, target_temperature_c, enabled, version, created_by, created_at, "
                        + "updated_at, next_ready_by, next_run_at) "
                        + "SELECT gen_random_uuid(), 'SCHDB' || lpad(g::text, 12, '0'), time '07:40', "
                        + "'Europe/Berlin', 127, 21, true, 1, 'bench', now(), now(), "
                        + "s.start_at + interval '10 minutes', s.start_at "
                        + "FROM generate_series(1, ?) g, LATERAL (SELECT ?::timestamptz "
                        + "+ (g - 1) * (? * interval '1 millisecond') AS start_at) s")) {
                    ps.setInt(1, count);
                    ps.setTimestamp(2, Timestamp.from(firstStart));
                    ps.setDouble(3, (double) window.toMillis() / count);
                    ps.executeUpdate();
                }
                s.execute("ANALYZE command.vehicles");
                s.execute("ANALYZE command.schedules");
            }
            progress("first start in "
                    + Duration.between(Instant.now(), firstStart).toMillis() + " ms");
            long deadline = System.nanoTime() + LEAD_IN.plus(window).plus(DRAIN).toNanos();
            long decided = 0;
            while (decided < count && System.nanoTime() < deadline) {
                Thread.sleep(1000);
                decided = system.count("SELECT count(*) FROM command.schedule_fires");
                long due = Math.min(
                        count,
                        Math.max(
                                0, Duration.between(firstStart, Instant.now()).toMillis() * count / window.toMillis()));
                progress(String.format(Locale.ROOT, "decided %d of %d (%d due so far)", decided, count, due));
            }
            // the fired commands are created after the decisions; give the last ones a moment
            Thread.sleep(2000);
            try (Connection c = system.dataSource().getConnection()) {
                return measure(c, interval, count, firstStart);
            }
        }
    }

    private Result measure(Connection c, Duration interval, int count, Instant firstStart) throws SQLException {
        Result r = new Result(interval);
        r.decided = single(c, "SELECT count(*) FROM command.schedule_fires");
        try (ResultSet rs = c.createStatement()
                .executeQuery("SELECT outcome || coalesce(' ' || reason, ''), count(*) FROM command.schedule_fires "
                        + "GROUP BY 1 ORDER BY 1")) {
            while (rs.next()) {
                r.outcomes.put(rs.getString(1), rs.getLong(2));
            }
        }
        r.decision = percentiles(c, "command.schedule_fires f", "f.decided_at - f.planned_start", "true");
        r.command = percentiles(
                c,
                "command.schedule_fires f JOIN command.commands m ON m.id = f.command_id",
                "m.created_at - f.planned_start",
                "f.outcome = 'FIRED'");
        r.commands = single(c, "SELECT count(*) FROM command.commands WHERE requested_by LIKE 'schedule:%'");
        r.doubleFires = single(
                c,
                "SELECT count(*) FROM (SELECT requested_by FROM command.commands WHERE requested_by LIKE "
                        + "'schedule:%' GROUP BY requested_by HAVING count(*) > 1) d");
        r.missing = count - r.decided;
        try (PreparedStatement ps = c.prepareStatement("SELECT floor(extract(epoch FROM f.planned_start - ?)) AS s, "
                + "count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM f.decided_at - "
                + "f.planned_start) * 1000), percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM "
                + "f.decided_at - f.planned_start) * 1000) FROM command.schedule_fires f GROUP BY 1 ORDER BY 1")) {
            ps.setTimestamp(1, Timestamp.from(firstStart));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    r.perSecond.add(new double[] {rs.getDouble(1), rs.getLong(2), rs.getDouble(3), rs.getDouble(4)});
                }
            }
        }
        progress(String.format(
                Locale.ROOT,
                "interval %d ms: decided %d, decision p50 %.0f ms p99 %.0f ms, command p99 %.0f ms",
                interval.toMillis(),
                r.decided,
                r.decision[0],
                r.decision[2],
                r.command[2]));
        return r;
    }

    /** p50, p90, p99, p99.9 and max in milliseconds of {@code expression} over {@code from}. */
    private static double[] percentiles(Connection c, String from, String expression, String where)
            throws SQLException {
        String ms = "extract(epoch FROM " + expression + ") * 1000";
        try (ResultSet rs = c.createStatement()
                .executeQuery("SELECT percentile_cont(ARRAY[0.5, 0.9, 0.99, 0.999]) WITHIN GROUP (ORDER BY " + ms
                        + "), max(" + ms + ") FROM " + from + " WHERE " + where)) {
            rs.next();
            java.sql.Array array = rs.getArray(1);
            if (array == null) {
                return new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN};
            }
            Double[] p = (Double[]) array.getArray();
            return new double[] {p[0], p[1], p[2], p[3], rs.getDouble(2)};
        }
    }

    private static long single(Connection c, String sql) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static final class Result {
        final Duration interval;
        long decided;
        long commands;
        long doubleFires;
        long missing;
        double[] decision;
        double[] command;
        final Map<String, Long> outcomes = new LinkedHashMap<>();
        final List<double[]> perSecond = new ArrayList<>(); // second of planned start, count, p50, p99

        Result(Duration interval) {
            this.interval = interval;
        }
    }

    private static void report(List<Result> results, int count, Duration window) {
        StringBuilder text = new StringBuilder(String.format(
                Locale.ROOT,
                "Scheduler: %d schedules on %d connected cars, starts spread evenly over %d s, one scheduler "
                        + "instance, batch %d%n%n",
                count,
                count,
                window.toSeconds(),
                CommandServiceConfig.Schedules.DEFAULT_BATCH_SIZE));
        text.append(String.format(
                Locale.ROOT,
                "%-9s %-28s %8s %8s %8s %8s %8s  %s%n",
                "interval",
                "lateness (ms) from start to",
                "p50",
                "p90",
                "p99",
                "p99.9",
                "max",
                "decided / commands / fired twice / undecided, outcomes"));
        JsonArray json = new JsonArray();
        List<String> charts = new ArrayList<>();
        for (Result r : results) {
            text.append(line(r.interval.toMillis() + " ms", "decision (schedule_fires)", r.decision))
                    .append(String.format(
                            Locale.ROOT,
                            "  %d / %d / %d / %d, %s%n",
                            r.decided,
                            r.commands,
                            r.doubleFires,
                            r.missing,
                            r.outcomes));
            text.append(line("", "command created", r.command)).append(String.format("%n"));
            json.add(new JsonObject()
                    .put("intervalMs", r.interval.toMillis())
                    .put("decided", r.decided)
                    .put("commands", r.commands)
                    .put("firedTwice", r.doubleFires)
                    .put("undecided", r.missing)
                    .put("outcomes", new JsonObject(new LinkedHashMap<>(r.outcomes)))
                    .put("decisionLatenessMs", latenessJson(r.decision))
                    .put("commandLatenessMs", latenessJson(r.command)));
            double[] t = r.perSecond.stream().mapToDouble(row -> row[0]).toArray();
            charts.add(BenchChart.chart(
                    "Tick " + r.interval.toMillis() + " ms: lateness of the decision by second of planned start",
                    "second of the planned start within the window",
                    "ms",
                    true,
                    List.of(),
                    List.of(
                            new BenchChart.Series(
                                    "p50",
                                    t,
                                    r.perSecond.stream()
                                            .mapToDouble(row -> row[2])
                                            .toArray()),
                            new BenchChart.Series(
                                    "p99",
                                    t,
                                    r.perSecond.stream()
                                            .mapToDouble(row -> row[3])
                                            .toArray()))));
            charts.add(BenchChart.chart(
                    "Tick " + r.interval.toMillis() + " ms: occurrences decided by second of planned start",
                    "second of the planned start within the window",
                    "occurrences",
                    false,
                    List.of(),
                    List.of(new BenchChart.Series(
                            "decided",
                            t,
                            r.perSecond.stream().mapToDouble(row -> row[1]).toArray()))));
        }
        BenchFiles.write(
                "scheduler",
                text.toString(),
                new JsonObject()
                        .put("schedules", count)
                        .put("windowSeconds", window.toSeconds())
                        .put("runs", json),
                BenchChart.page("Scheduler lateness", text.toString(), charts));
    }

    private static String line(String interval, String what, double[] p) {
        return String.format(
                Locale.ROOT, "%-9s %-28s %8.0f %8.0f %8.0f %8.0f %8.0f", interval, what, p[0], p[1], p[2], p[3], p[4]);
    }

    private static JsonObject latenessJson(double[] p) {
        return new JsonObject()
                .put("p50", Math.round(p[0]))
                .put("p90", Math.round(p[1]))
                .put("p99", Math.round(p[2]))
                .put("p999", Math.round(p[3]))
                .put("max", Math.round(p[4]));
    }

    private static void progress(String line) {
        System.out.println("[bench] " + line);
    }
}
