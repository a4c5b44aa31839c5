package dev.carlink.command.lifecycle;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** Command types, each with how long it may wait for an offline car before it expires. */
public enum CommandType {
    CLIMATE_START(Duration.ofMinutes(5), true),
    CLIMATE_STOP(Duration.ofMinutes(5), true),
    STERILIZATION_START(Duration.ofMinutes(10), true),
    STERILIZATION_CANCEL(Duration.ofMinutes(5), true),
    FATIGUE_REMINDER(Duration.ofMinutes(2), false);

    private final Duration deliveryWindow;
    private final boolean ownerMayRequest;

    CommandType(Duration deliveryWindow, boolean ownerMayRequest) {
        this.deliveryWindow = deliveryWindow;
        this.ownerMayRequest = ownerMayRequest;
    }

    /** The business deadline: after this long without reaching the car, the command expires. */
    public Duration deliveryWindow() {
        return deliveryWindow;
    }

    public boolean ownerMayRequest() {
        return ownerMayRequest;
    }

    static List<CommandType> ownerTypes() {
        return Arrays.stream(values()).filter(CommandType::ownerMayRequest).toList();
    }
}
