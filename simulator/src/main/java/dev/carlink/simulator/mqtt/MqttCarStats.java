package dev.carlink.simulator.mqtt;

/**
 * Counters of one car's connection.
 *
 * @param vin the car
 * @param connected whether the MQTT session is up now
 * @param connects successful connections so far (more than one means it reconnected)
 * @param telemetrySent telemetry samples the backend acknowledged (PUBACK)
 * @param eventsSent events the backend acknowledged
 * @param resultsSent command results the backend acknowledged
 * @param commandsReceived command messages that arrived (duplicates included)
 * @param publishErrors refusals received on the errors topic
 * @param outboxSize messages waiting to be published
 * @param dropped messages dropped because the outbox was full
 */
public record MqttCarStats(
        String vin,
        boolean connected,
        long connects,
        long telemetrySent,
        long eventsSent,
        long resultsSent,
        long commandsReceived,
        long publishErrors,
        int outboxSize,
        long dropped) {}
