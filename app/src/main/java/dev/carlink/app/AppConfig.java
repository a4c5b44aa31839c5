package dev.carlink.app;

import dev.carlink.command.CommandServiceConfig;
import dev.carlink.gateway.GatewayConfig;
import dev.carlink.telemetry.TelemetryConfig;

/** The all-in-one server's configuration: one record per module, validated when built. */
public record AppConfig(
        DatabaseConfig database,
        GatewayConfig gateway,
        TelemetryConfig telemetry,
        CommandServiceConfig command,
        DemoConfig demo) {}
