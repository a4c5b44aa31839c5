package dev.carlink.simulator;

import java.net.URI;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --mqtt}: the gateway the cars connect to; the default is the locally started system's. */
final class MqttOptions {

    @Option(
            names = "--mqtt",
            defaultValue = "tcp://localhost:1883",
            paramLabel = "URL",
            description = "MQTT endpoint, tcp://host:port (default: ${DEFAULT-VALUE})")
    String mqtt;

    URI uri(List<String> problems) {
        return CliChecks.mqttUri("--mqtt", mqtt, problems);
    }
}
