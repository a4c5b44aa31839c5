package dev.carlink.command.lifecycle;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * How a request wants its command delivered: how long it may wait for an offline car (within the type's
 * limits), or whether to fail at once when the car is not connected.
 */
public record Delivery(Duration window, boolean failIfOffline) {

    /** The request fields this record reads; the rest of the body describes the command. */
    public static final String WINDOW_FIELD = "deliverWithinSeconds";

    public static final String OFFLINE_FIELD = "ifOffline";

    public static Delivery defaults(CommandType type) {
        return new Delivery(type.deliveryWindow(), false);
    }

    /**
     * Reads and removes the delivery fields from an owner's request body. {@code ifOffline} is {@code WAIT}
     * (the default: queue until the deadline) or {@code FAIL} (refuse at once if the car is not connected).
     *
     * @throws FieldError naming the bad field
     */
    public static Delivery takeFrom(JsonObject body, CommandType type) {
        Duration window = type.deliveryWindow();
        Object rawWindow = body.remove(WINDOW_FIELD);
        if (rawWindow != null) {
            if (!(rawWindow instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
                throw new FieldError(WINDOW_FIELD, "must be a whole number of seconds");
            }
            long seconds = n.longValue();
            long min = CommandType.MIN_DELIVERY_WINDOW.toSeconds();
            long max = type.maxDeliveryWindow().toSeconds();
            if (seconds < min || seconds > max) {
                throw new FieldError(WINDOW_FIELD, "must be " + min + ".." + max + " for " + type + ", was " + seconds);
            }
            window = Duration.ofSeconds(seconds);
        }
        Object rawOffline = body.remove(OFFLINE_FIELD);
        boolean failIfOffline = false;
        if (rawOffline != null) {
            if ("FAIL".equals(rawOffline)) {
                failIfOffline = true;
            } else if (!"WAIT".equals(rawOffline)) {
                throw new FieldError(OFFLINE_FIELD, "must be WAIT or FAIL, was " + rawOffline);
            }
        }
        return new Delivery(window, failIfOffline);
    }
}
