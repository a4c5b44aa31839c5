package dev.carlink.app.fuzz;

import dev.carlink.app.TestSystem;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A legitimate owner using the API while it is fuzzed, through an ordinary client ({@code java.net.http}): every
 * round, a command for their car (201) and a read of it (200, the same command). Everything that went otherwise is
 * kept with its time and answer.
 */
final class HttpLegitOwner {

    private static final String COMMAND = "{\"type\":\"CLIMATE_STOP\"}";

    private final TestSystem system;
    private final String token;
    private final String vin;
    final AtomicLong commands = new AtomicLong();
    final AtomicLong reads = new AtomicLong();
    final AtomicLong maxMs = new AtomicLong();
    final List<String> problems = new CopyOnWriteArrayList<>();

    HttpLegitOwner(TestSystem system, String token, String vin) {
        this.system = system;
        this.token = token;
        this.vin = vin;
    }

    /** One round: a command and a read of it. Never throws; what failed is kept in {@link #problems}. */
    void round() {
        long started = System.nanoTime();
        try {
            TestSystem.Reply created = system.post(token, "/api/v1/vehicles/" + vin + "/commands", COMMAND);
            if (created.status() != 201) {
                problem("command answered " + created.status() + ": " + created.body());
                return;
            }
            commands.incrementAndGet();
            String id = created.json().getString("id");
            TestSystem.Reply read = system.get(token, "/api/v1/vehicles/" + vin + "/commands/" + id);
            if (read.status() != 200 || !id.equals(read.json().getString("id"))) {
                problem("read of command " + id + " answered " + read.status() + ": " + read.body());
                return;
            }
            reads.incrementAndGet();
        } catch (RuntimeException e) {
            problem("request failed: " + e);
        } finally {
            maxMs.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), Math::max);
        }
    }

    private void problem(String what) {
        if (problems.size() < 50) {
            problems.add(Instant.now() + " " + what);
        }
    }
}
