package dev.carlink.app;

import java.util.List;

/** What the run command prints once everything is up: where to look and what to try. */
final class Banner {

    private Banner() {}

    static String text(AppConfig config, CarlinkServer server, DemoFleet fleet) {
        if (config.cluster().role() == ClusterConfig.Role.GATEWAY) {
            return "\n\n  carlink gateway instance is running [gateway: "
                    + config.gateway().gatewayId()
                    + ", cluster: " + config.cluster().name() + "]\n\n  MQTT         tcp://localhost:"
                    + server.mqttPort()
                    + "\n  (the HTTP API, the database and the demo run on the cluster's ALL instance)\n";
        }
        String api = "http://localhost:" + server.httpPort();
        StringBuilder b = new StringBuilder("\n\n  carlink is running\n\n");
        b.append("  owner app    ").append(api).append("/app/  (log in as alice / alice-demo-pass)\n");
        b.append("  console      ").append(api).append("/console/  (log in as staff / staff-demo-pass)\n");
        b.append("  HTTP API     ").append(api).append("/api/v1\n");
        b.append("  health       ").append(api).append("/health\n");
        b.append("  metrics      ").append(api).append("/metrics\n");
        b.append("  MQTT         tcp://localhost:")
                .append(server.mqttPort())
                .append("  (vehicle contract: docs/vehicle-contract.md)\n");
        if (server.mqttTlsPort() > 0) {
            b.append("  MQTT/TLS     ssl://localhost:")
                    .append(server.mqttTlsPort())
                    .append(
                            config.gateway().tls().certificate().isPresent()
                                    ? "\n"
                                    : "  (self-signed certificate, made at start-up)\n");
        }
        if (server.coapPort() > 0) {
            b.append("  CoAP         coap://localhost:")
                    .append(server.coapPort())
                    .append("  (UDP)\n");
        }
        if (server.coapDtlsPort() > 0) {
            b.append("  CoAP/DTLS    coaps://localhost:")
                    .append(server.coapDtlsPort())
                    .append("  (UDP; PSK identity = VIN)\n");
        }
        b.append("  database     ").append(server.databaseDescription()).append('\n');
        if (!config.demo().enabled()) {
            return b.append("\n  demo disabled: no accounts or cars were created\n")
                    .toString();
        }
        b.append("\n  demo accounts (username / password / role)\n");
        ConfigLoader.DEMO_USERS.forEach(u -> b.append("    ")
                .append(String.format("%-6s / %-16s / %s", u.username(), u.password(), u.role()))
                .append('\n'));
        b.append("\n  simulated fleet: ").append(fleet.size()).append(" cars");
        List<String> alices = fleet.vinsOf("alice");
        if (alices.isEmpty()) {
            return b.append("\n").toString();
        }
        String vin = alices.get(0);
        b.append("; alice owns ")
                .append(alices.size())
                .append(", e.g. ")
                .append(vin)
                .append("\n\n");
        b.append("  try it:\n");
        b.append("    TOKEN=$(curl -s -X POST ")
                .append(api)
                .append("/api/v1/auth/login -H 'Content-Type: application/json' \\\n")
                .append(
                        "      -d '{\"username\":\"alice\",\"password\":\"alice-demo-pass\"}' | sed -E 's/.*\"token\":\"([^\"]+)\".*/\\1/')\n");
        b.append("    curl -s -H \"Authorization: Bearer $TOKEN\" ").append(api).append("/api/v1/vehicles\n");
        b.append("    curl -s -H \"Authorization: Bearer $TOKEN\" ")
                .append(api)
                .append("/api/v1/vehicles/")
                .append(vin)
                .append("/state\n");
        b.append("    curl -s -X POST -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' \\\n")
                .append("      -d '{\"type\":\"CLIMATE_START\",\"targetTemperatureC\":22}' ")
                .append(api)
                .append("/api/v1/vehicles/")
                .append(vin)
                .append("/commands\n");
        b.append("    curl -s -H \"Authorization: Bearer $TOKEN\" ")
                .append(api)
                .append("/api/v1/vehicles/")
                .append(vin)
                .append("/commands            # watch QUEUED -> SENT -> DELIVERED -> SUCCEEDED\n");
        b.append("    curl -s -H \"Authorization: Bearer $TOKEN\" '")
                .append(api)
                .append("/api/v1/vehicles/")
                .append(vin)
                .append("/telemetry?limit=20'   # the cabin cooling, sample by sample\n");
        b.append("    curl -N -H \"Authorization: Bearer $TOKEN\" ")
                .append(api)
                .append("/api/v1/vehicles/")
                .append(vin)
                .append("/stream             # live state and command updates\n");
        b.append("    # staff: the console at ")
                .append(api)
                .append("/console/ shows the service tasks live (or GET ")
                .append(api)
                .append("/api/v1/tasks)\n");
        return b.toString();
    }
}
