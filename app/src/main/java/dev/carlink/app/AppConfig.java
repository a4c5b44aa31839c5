package dev.carlink.app;

import dev.carlink.command.CommandServiceConfig;
import dev.carlink.gateway.GatewayConfig;
import dev.carlink.gateway.coap.CoapConfig;
import dev.carlink.telemetry.TelemetryConfig;
import dev.carlink.telemetry.series.SeriesConfig;

/**
 * The all-in-one server's configuration: one record per module, validated when built.
 *
 * @param secrets the key-encryption keys of the secrets in the database; apart from {@code command}, which is a
 *     plain settings record
 */
public record AppConfig(
        DatabaseConfig database,
        GatewayConfig gateway,
        CoapConfig coap,
        TelemetryConfig telemetry,
        SeriesConfig telemetryStorage,
        CommandServiceConfig command,
        DemoConfig demo,
        ClusterConfig cluster,
        SecretsConfig secrets) {

    /** This configuration with other key-encryption keys. */
    public AppConfig withSecrets(SecretsConfig other) {
        return new AppConfig(database, gateway, coap, telemetry, telemetryStorage, command, demo, cluster, other);
    }
}
