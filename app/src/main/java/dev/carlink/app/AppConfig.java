package dev.carlink.app;

import dev.carlink.command.CommandServiceConfig;
import dev.carlink.gateway.GatewayConfig;
import dev.carlink.gateway.coap.CoapConfig;
import dev.carlink.telemetry.TelemetryConfig;
import dev.carlink.telemetry.series.SeriesConfig;

/** The all-in-one server's configuration: one record per module, validated when built. */
public record AppConfig(
        DatabaseConfig database,
        GatewayConfig gateway,
        CoapConfig coap,
        TelemetryConfig telemetry,
        SeriesConfig telemetryStorage,
        CommandServiceConfig command,
        DemoConfig demo,
        ClusterConfig cluster) {}
