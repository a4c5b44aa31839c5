package dev.carlink.simulator.fleet;

/**
 * The fleet's counters, summed over its cars.
 *
 * @param cars cars in the fleet
 * @param connected cars connected now
 * @param telemetrySent telemetry samples acknowledged by the backend
 * @param eventsSent events acknowledged by the backend
 * @param resultsSent command results acknowledged by the backend
 * @param commandsReceived commands that arrived
 * @param publishErrors refusals received on the cars' errors topics
 * @param outbox messages waiting to be published
 * @param dropped messages dropped because an outbox was full
 */
public record FleetStats(
        int cars,
        int connected,
        long telemetrySent,
        long eventsSent,
        long resultsSent,
        long commandsReceived,
        long publishErrors,
        long outbox,
        long dropped) {

    /** One line for logs and the CLI. */
    public String describe() {
        return String.format(
                "cars: %d, connected: %d, telemetry: %d, events: %d, results: %d, commands: %d, errors: %d, outbox: %d,"
                        + " dropped: %d",
                cars,
                connected,
                telemetrySent,
                eventsSent,
                resultsSent,
                commandsReceived,
                publishErrors,
                outbox,
                dropped);
    }
}
