package dev.carlink.app.fuzz;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends the HTTP fuzzer's shots ({@link HttpShots}) from a few threads, each on its own raw connection, at a
 * shared rate, and checks every answer: no 5xx; every 4xx an RFC 9457 problem body ({@code application/problem+json}
 * with {@code status}, {@code title} and {@code detail}); every well-formed request answered. Each distinct failure
 * is kept with its first example, whose exact bytes are also written to {@code target/fuzz/http-failures/} to replay.
 */
final class HttpFuzzer {

    /** The families of mutation, with their share of the shots in percent. */
    enum Kind {
        SEED(8),
        JSON(28),
        BYTES(8),
        PATH(12),
        QUERY(8),
        HEADERS(14),
        METHOD(5),
        RAW(5),
        FRAMING(9),
        PIPELINE(3);

        final int percent;

        Kind(int percent) {
            this.percent = percent;
        }

        static Kind of(SplittableRandom random) {
            int roll = random.nextInt(100);
            for (Kind k : values()) {
                if (roll < k.percent) {
                    return k;
                }
                roll -= k.percent;
            }
            return SEED;
        }
    }

    /** One distinct failure: which check, where, how often, and its first example. */
    static final class Failure {
        final String check;
        final String where;
        final long shot;
        final String example;
        final String answer;
        final String file;
        final AtomicLong count = new AtomicLong();

        Failure(String check, String where, long shot, String example, String answer, String file) {
            this.check = check;
            this.where = where;
            this.shot = shot;
            this.example = example;
            this.answer = answer;
            this.file = file;
        }
    }

    static final Path FAILURES = Path.of("target", "fuzz", "http-failures");
    private static final int TIMEOUT_MS = 10_000;
    private static final int HALF_CLOSED_TIMEOUT_MS = 3_000;
    private static final int MAX_FAILURES = 200;
    private static final Pattern CREATED = Pattern.compile("/api/v1/vehicles/([^/]+)/(commands|schedules)/([^/?]+)");
    private static final Pattern KEY_ID = Pattern.compile("\"keyId\":\"([^\"]+)\"");

    private final InetSocketAddress server;
    private final HttpShots shots;
    private final long seed;
    private final long total;
    private final int workers;
    private final Pace pace;
    private final AtomicLong next = new AtomicLong();

    final Map<Kind, AtomicLong> tried = new EnumMap<>(Kind.class);
    /** Answers by kind and status class: index {@code kind * 6 + status / 100} (0: none). */
    final AtomicLongArray answers = new AtomicLongArray(Kind.values().length * 6);

    final Map<Integer, AtomicLong> byStatus = new ConcurrentHashMap<>();
    final Map<Kind, AtomicLong> unanswered = new EnumMap<>(Kind.class);
    final AtomicLong requests = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong connections = new AtomicLong();
    final Map<String, Failure> failures = new LinkedHashMap<>();
    final AtomicLong failed = new AtomicLong();
    /**
     * 501 answers to a request line whose HTTP version is not HTTP/1.0 or 1.1 (e.g. {@code http/1.1}): Vert.x core
     * gives them before any handler runs, and RFC 9110 answers an unsupported version with a 5xx (505). Counted,
     * not failed.
     */
    final AtomicLong versionRefusals = new AtomicLong();

    volatile double seconds;

    HttpFuzzer(InetSocketAddress server, HttpShots shots, long seed, long total, int rate, int workers) {
        this.server = server;
        this.shots = shots;
        this.seed = seed;
        this.total = total;
        this.workers = workers;
        this.pace = new Pace(rate);
        for (Kind k : Kind.values()) {
            tried.put(k, new AtomicLong());
            unanswered.put(k, new AtomicLong());
        }
    }

    /** The shot number {@code n} is: its kind drawn from the seed and {@code n}, then the shot itself. */
    HttpShot shot(long n) {
        return shots.draw(n, Kind.of(new SplittableRandom(seed ^ (n * 0xBF58476D1CE4E5B9L))));
    }

    /** Sends every shot of the budget; returns when all are sent and read. */
    void run() throws Exception {
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "fuzz-http");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                running.add(pool.submit(() -> {
                    work();
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            seconds = (System.nanoTime() - started) / 1e9;
        }
    }

    long sent() {
        return requests.get();
    }

    private void work() {
        try (RawHttp connection = new RawHttp(server, TIMEOUT_MS)) {
            for (long n = next.getAndIncrement(); n < total; n = next.getAndIncrement()) {
                pace.acquire();
                send(connection, n, shot(n));
            }
        }
    }

    private void send(RawHttp connection, long n, HttpShot shot) {
        tried.get(shot.kind()).incrementAndGet();
        requests.addAndGet(shot.requests());
        bytes.addAndGet(shot.bytes().length);
        List<RawHttp.Answer> got = new ArrayList<>();
        try {
            boolean reused = connection.open();
            try {
                got = exchange(connection, shot);
            } catch (IOException e) {
                if (!reused) {
                    throw e;
                }
                got = List.of();
            }
            if (got.isEmpty() && reused) {
                // the kept-alive connection was closed under us (after a refusal): once more on a fresh one
                connection.close();
                got = exchange(connection, shot);
            }
        } catch (SocketTimeoutException e) {
            if (shot.wellFormed()) {
                fail("no answer within " + TIMEOUT_MS / 1000 + " s", where(shot), n, shot, "(timed out)");
            }
        } catch (IOException e) {
            if (shot.wellFormed() && got.isEmpty()) {
                fail("well-formed request not answered", where(shot), n, shot, e.toString());
            }
        } finally {
            if (shot.halfClose() || !shot.wellFormed() || shot.kind() == Kind.RAW) {
                connection.close();
            }
        }
        if (got.isEmpty()) {
            unanswered.get(shot.kind()).incrementAndGet();
            answers.incrementAndGet(shot.kind().ordinal() * 6);
            if (shot.wellFormed()) {
                fail("well-formed request not answered", where(shot), n, shot, "(connection closed)");
            }
            return;
        }
        for (RawHttp.Answer a : got) {
            check(n, shot, a);
        }
        if (shot.wellFormed() && got.size() < shot.requests() && got.stream().noneMatch(RawHttp.Answer::closes)) {
            fail(
                    "pipelined requests left unanswered",
                    where(shot),
                    n,
                    shot,
                    got.size() + " answers to " + shot.requests() + " requests");
        }
    }

    private List<RawHttp.Answer> exchange(RawHttp connection, HttpShot shot) throws IOException {
        boolean fresh = !connection.open();
        if (fresh) {
            connections.incrementAndGet();
        }
        connection.send(shot.bytes());
        if (shot.halfClose()) {
            connection.endOutput();
            connection.timeout(HALF_CLOSED_TIMEOUT_MS);
        } else {
            connection.timeout(TIMEOUT_MS);
        }
        if (shot.requests() == 1) {
            RawHttp.Answer a = connection.read(shot.head());
            return a == null ? List.of() : List.of(a);
        }
        return connection.readUpTo(shot.requests());
    }

    private void check(long n, HttpShot shot, RawHttp.Answer a) {
        int status = a.status();
        int statusClass = Math.min(5, Math.max(1, status / 100));
        answers.incrementAndGet(shot.kind().ordinal() * 6 + statusClass);
        byStatus.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
        harvest(a);
        String preview = status + " " + RawHttp.printable(a.body(), 400);
        if (status == 501 && unknownVersion(shot)) {
            versionRefusals.incrementAndGet(); // Vert.x core's answer, before any handler: see the field
            return;
        }
        if (status >= 500) {
            fail("5xx answer", status + " " + where(shot) + title(a), n, shot, preview);
            return;
        }
        if (status >= 400 && !shot.head()) {
            String problem = problemDefect(a);
            if (problem != null) {
                fail("4xx without a problem body (" + problem + ")", status + " " + where(shot), n, shot, preview);
            }
        }
    }

    private static boolean unknownVersion(HttpShot shot) {
        String text = new String(shot.bytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        int end = text.indexOf('\n');
        String requestLine = (end < 0 ? text : text.substring(0, end)).trim();
        return !requestLine.endsWith(" HTTP/1.1") && !requestLine.endsWith(" HTTP/1.0");
    }

    /** What is wrong with a 4xx answer's body as an RFC 9457 problem; null when nothing. */
    static String problemDefect(RawHttp.Answer a) {
        String type = a.header("content-type");
        if (type == null || !type.startsWith("application/problem+json")) {
            return "Content-Type " + type;
        }
        JsonObject body;
        try {
            body = new JsonObject(a.bodyText());
        } catch (DecodeException | ClassCastException e) {
            return "not a JSON object";
        }
        if (!(body.getValue("status") instanceof Integer s) || s != a.status()) {
            return "status " + body.getValue("status");
        }
        if (!(body.getValue("title") instanceof String) || !(body.getValue("detail") instanceof String)) {
            return "title or detail missing";
        }
        return null;
    }

    private static String title(RawHttp.Answer a) {
        try {
            return " (" + new JsonObject(a.bodyText()).getString("detail", "") + ")";
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Ids the server handed out become path values of later shots, so that the fuzz reaches real resources. */
    private void harvest(RawHttp.Answer a) {
        if (a.status() == 201 && a.header("location") != null) {
            Matcher m = CREATED.matcher(a.header("location"));
            if (m.find()) {
                shots.addPathValue(m.group(2).equals("commands") ? "command" : "schedule", m.group(3));
            }
        }
        if (a.status() == 200 || a.status() == 201) {
            Matcher m = KEY_ID.matcher(a.bodyText());
            if (m.find()) {
                shots.addPathValue("keyId", m.group(1));
            }
        }
    }

    private static String where(HttpShot shot) {
        switch (shot.kind()) {
            case FRAMING:
            case RAW:
            case PIPELINE:
                return shot.kind().name().toLowerCase(Locale.ROOT) + ": " + shot.label();
            default:
                return shot.operation();
        }
    }

    private void fail(String check, String where, long n, HttpShot shot, String answer) {
        failed.incrementAndGet();
        String key = check + " | " + where;
        synchronized (failures) {
            Failure f = failures.get(key);
            if (f == null && failures.size() < MAX_FAILURES) {
                String file = FAILURES.resolve(String.format(Locale.ROOT, "%03d.http", failures.size() + 1))
                        .toString();
                write(Path.of(file), shot.bytes());
                f = new Failure(
                        check,
                        where,
                        n,
                        shot.kind() + " / " + shot.label() + " as " + shot.caller() + ": " + shot.describe(600),
                        answer,
                        file);
                failures.put(key, f);
            }
            if (f != null) {
                f.count.incrementAndGet();
            }
        }
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the replay files of an earlier run. */
    static void clearFailures() {
        if (!Files.isDirectory(FAILURES)) {
            return;
        }
        try (var files = Files.list(FAILURES)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Failure> failures() {
        synchronized (failures) {
            return new ArrayList<>(failures.values());
        }
    }

    long answered(int statusClass) {
        long sum = 0;
        for (Kind k : Kind.values()) {
            sum += answers.get(k.ordinal() * 6 + statusClass);
        }
        return sum;
    }
}
