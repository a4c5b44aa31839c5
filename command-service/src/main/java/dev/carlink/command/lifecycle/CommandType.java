package dev.carlink.command.lifecycle;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Command types, each with how long it may wait for an offline car before it expires (its business
 * deadline): a default, and the most an owner may ask for. Waiting longer than that serves nobody: a cabin
 * cooled an hour late is not what was asked.
 */
public enum CommandType {
    CLIMATE_START(Duration.ofMinutes(5), Duration.ofMinutes(30), true),
    CLIMATE_STOP(Duration.ofMinutes(5), Duration.ofMinutes(30), true),
    STERILIZATION_START(Duration.ofMinutes(10), Duration.ofMinutes(60), true),
    STERILIZATION_CANCEL(Duration.ofMinutes(5), Duration.ofMinutes(30), true),
    FATIGUE_REMINDER(Duration.ofMinutes(2), Duration.ofMinutes(2), false),
    /**
     * The car's schedules (desired state). An hour is enough: when it expires unanswered, the next time the
     * car connects a fresh one is sent if the car still does not hold the current version.
     */
    SCHEDULES_SYNC(Duration.ofHours(1), Duration.ofHours(1), false);

    /** The shortest delivery window an owner may ask for. */
    public static final Duration MIN_DELIVERY_WINDOW = Duration.ofSeconds(10);

    private final Duration deliveryWindow;
    private final Duration maxDeliveryWindow;
    private final boolean ownerMayRequest;

    CommandType(Duration deliveryWindow, Duration maxDeliveryWindow, boolean ownerMayRequest) {
        this.deliveryWindow = deliveryWindow;
        this.maxDeliveryWindow = maxDeliveryWindow;
        this.ownerMayRequest = ownerMayRequest;
    }

    /** The default business deadline: after this long without reaching the car, the command expires. */
    public Duration deliveryWindow() {
        return deliveryWindow;
    }

    /** The longest business deadline a request may set. */
    public Duration maxDeliveryWindow() {
        return maxDeliveryWindow;
    }

    public boolean ownerMayRequest() {
        return ownerMayRequest;
    }

    static List<CommandType> ownerTypes() {
        return Arrays.stream(values()).filter(CommandType::ownerMayRequest).toList();
    }
}
