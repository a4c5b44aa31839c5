package dev.carlink.app.bench.conn;

import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.Vins;
import dev.carlink.simulator.enroll.EnrollmentClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Enrolls simulated cars through the API, as staff, like the simulator's {@code enroll} command but on a few
 * threads: an enrollment waits mostly on its transaction and its secret's hash, so four at once go about three
 * times faster on two cores.
 */
public final class Enrollment {

    /** What an enrollment run took. */
    public record Result(List<VehicleCredentials> cars, double seconds) {
        public double perSecond() {
            return cars.size() / seconds;
        }
    }

    private Enrollment() {}

    /**
     * Enrolls VINs {@code SMCAR} + {@code firstNumber..firstNumber+count-1}, their owners round-robin.
     *
     * @throws IllegalStateException when any enrollment failed
     */
    public static Result enroll(
            URI api,
            String staff,
            String staffPassword,
            List<String> owners,
            long firstNumber,
            int count,
            int threads,
            Consumer<String> progress) {
        EnrollmentClient client = new EnrollmentClient(api);
        String token = client.login(staff, staffPassword);
        VehicleCredentials[] out = new VehicleCredentials[count];
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long started = System.nanoTime();
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                jobs.add(pool.submit(() -> {
                    for (int i = first; i < count; i += threads) {
                        long number = firstNumber + i;
                        out[i] = client.enroll(token, Vins.simulatorVin(number), owners.get(i % owners.size()), null);
                        int n = done.incrementAndGet();
                        if (n % 5000 == 0) {
                            progress.accept(String.format(
                                    Locale.ROOT,
                                    "enrolled %d/%d (%.0f/s)",
                                    n,
                                    count,
                                    n / ((System.nanoTime() - started) / 1e9)));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> job : jobs) {
                job.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("enrollment failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return new Result(List.of(out), (System.nanoTime() - started) / 1e9);
    }
}
