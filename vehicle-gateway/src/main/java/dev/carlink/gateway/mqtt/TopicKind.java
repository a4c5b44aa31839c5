package dev.carlink.gateway.mqtt;

import java.util.Optional;

/** The last level of a vehicle topic {@code v1/vehicles/{vin}/{kind}}, and who may use it how. */
enum TopicKind {
    /** Car publishes {@code vehicle.v1.Telemetry}, QoS 0 or 1. */
    TELEMETRY("telemetry", true),
    /** Car publishes {@code vehicle.v1.VehicleEvent}, QoS 1. */
    EVENTS("events", true),
    /** Car publishes {@code vehicle.v1.CommandResult}, QoS 1. */
    COMMAND_RESULTS("command-results", true),
    /** Car subscribes; the gateway publishes {@code vehicle.v1.Command}, QoS 1. */
    COMMANDS("commands", false),
    /** Car subscribes; the gateway publishes {@code vehicle.v1.PublishError}, QoS 0. */
    ERRORS("errors", false);

    private final String level;
    private final boolean carPublishes;

    TopicKind(String level, boolean carPublishes) {
        this.level = level;
        this.carPublishes = carPublishes;
    }

    /** The topic level, e.g. {@code command-results}; also the {@code kind} metric tag. */
    String level() {
        return level;
    }

    /** True for topics the car publishes on, false for topics it subscribes to. */
    boolean carPublishes() {
        return carPublishes;
    }

    static Optional<TopicKind> ofLevel(String level) {
        for (TopicKind kind : values()) {
            if (kind.level.equals(level)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
