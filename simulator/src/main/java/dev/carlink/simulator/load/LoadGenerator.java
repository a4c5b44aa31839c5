package dev.carlink.simulator.load;

/**
 * The open-loop schedule of the fleet, as one event loop's slice of cars sees it: fleet message {@code k} is due
 * at {@code start + k / rate}, whatever happened to the ones before it, and goes to fleet car
 * {@code k mod fleetCars} (round-robin). A generator hands out the messages of its cars, {@code firstCar} up to
 * {@code firstCar + cars}, so the slices together send exactly the fleet's schedule. Asked "what is due by now?"
 * it hands out each message once with its intended send time, so a sender that falls behind catches up with the
 * right timestamps instead of silently lowering the load (no coordinated omission). Not thread-safe: one event
 * loop drives it.
 */
final class LoadGenerator {

    /** Receives one due message: the car that sends it and when it should have left. */
    @FunctionalInterface
    interface DueMessage {
        void due(int car, long intendedNanos);
    }

    private final double rate;
    private final int fleetCars;
    private final int firstCar;
    private final int cars;
    private final long startNanos;
    private final long endNanos;
    /** The next fleet message that may be one of this slice's. */
    private long next;

    private long scheduled;

    /**
     * @param rate messages per second across the fleet, positive
     * @param fleetCars cars of the whole fleet the messages go to, round-robin, at least 1
     * @param firstCar the fleet index of this slice's first car
     * @param cars this slice's cars, at least 1
     * @param startNanos intended time of message 0 ({@link System#nanoTime()} scale)
     * @param endNanos no message is due at or after this time
     */
    LoadGenerator(double rate, int fleetCars, int firstCar, int cars, long startNanos, long endNanos) {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("rate must be positive, was " + rate);
        }
        if (cars < 1 || firstCar < 0 || firstCar + cars > fleetCars) {
            throw new IllegalArgumentException("cars must be 1.." + fleetCars
                    + " from a first car within the fleet, was " + cars + " from " + firstCar);
        }
        if (endNanos < startNanos) {
            throw new IllegalArgumentException(
                    "end must not come before start, was " + (endNanos - startNanos) + " ns");
        }
        this.rate = rate;
        this.fleetCars = fleetCars;
        this.firstCar = firstCar;
        this.cars = cars;
        this.startNanos = startNanos;
        this.endNanos = endNanos;
    }

    /** When message {@code k} should leave. */
    long intendedNanos(long k) {
        return startNanos + (long) Math.ceil(k * 1e9 / rate);
    }

    /**
     * How many fleet messages are due at {@code nowNanos}: those with an intended time at or before it, and before
     * the end.
     */
    long dueBy(long nowNanos) {
        long capped = Math.min(nowNanos, endNanos - 1);
        if (capped < startNanos) {
            return 0;
        }
        return (long) Math.floor((capped - startNanos) * rate / 1e9) + 1;
    }

    /**
     * Hands out every message of this slice that has fallen due since the last call, in order, with the index of
     * its car within the slice; returns how many.
     */
    int emitDue(long nowNanos, DueMessage handler) {
        long due = dueBy(nowNanos);
        int emitted = 0;
        while (next < due) {
            int car = (int) (next % fleetCars);
            if (car < firstCar) {
                next += firstCar - car;
            } else if (car >= firstCar + cars) {
                next += fleetCars - car + firstCar;
            } else {
                handler.due(car - firstCar, intendedNanos(next));
                next++;
                scheduled++;
                emitted++;
            }
        }
        return emitted;
    }

    /** No message can fall due after {@code nowNanos}. */
    boolean finished(long nowNanos) {
        return nowNanos >= endNanos;
    }

    /** Messages of this slice handed out so far. */
    long scheduled() {
        return scheduled;
    }
}
