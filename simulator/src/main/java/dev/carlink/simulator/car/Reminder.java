package dev.carlink.simulator.car;

import dev.carlink.proto.v1.FatigueLevel;
import java.time.Instant;

/** A fatigue reminder the car showed to the driver. */
public record Reminder(String commandId, FatigueLevel level, String text, Instant receivedAt) {}
