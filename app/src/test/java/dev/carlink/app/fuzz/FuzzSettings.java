package dev.carlink.app.fuzz;

import java.util.ArrayList;
import java.util.List;

/**
 * The fuzz run's settings, from system properties ({@code -Dfuzz.mqtt.packets=20000}); the defaults make the
 * full run: 1.2 million packets in about four minutes on a 2-core machine.
 *
 * @param seed everything the fuzzers send is drawn from it ({@code fuzz.seed})
 * @param mqttPackets MQTT packets to send in all ({@code fuzz.mqtt.packets})
 * @param mqttConnections connections open at a time, one sending thread each ({@code fuzz.mqtt.connections})
 * @param mqttRate MQTT packets per second across them ({@code fuzz.mqtt.rate}; 0: as fast as possible)
 * @param packetsPerConnection the mean number of packets a connection is given ({@code fuzz.mqtt.perConnection})
 * @param coapMessages CoAP datagrams to send ({@code fuzz.coap.messages})
 * @param coapRate datagrams per second ({@code fuzz.coap.rate}; 0: as fast as possible)
 * @param coapPerSocket datagrams sent from one source port before the next ({@code fuzz.coap.perSocket})
 * @param coapMutationRate share of datagrams mutated; the rest are seeds ({@code fuzz.coap.mutationRate})
 * @param legitIntervalMs how often each legitimate car sends ({@code fuzz.legit.intervalMs})
 * @param heapSlackMb how much the heap after GC may grow from start to end ({@code fuzz.heap.slackMb})
 * @param threadSlack how many more live threads the end may have than the start ({@code fuzz.threads.slack})
 * @param settleSeconds how long to wait after the run, sampling the heap, before the last sample (0: none), to
 *     tell state the gateway keeps for a bounded time from a leak ({@code fuzz.settle.seconds})
 */
record FuzzSettings(
        long seed,
        long mqttPackets,
        int mqttConnections,
        int mqttRate,
        int packetsPerConnection,
        long coapMessages,
        int coapRate,
        int coapPerSocket,
        double coapMutationRate,
        long legitIntervalMs,
        long heapSlackMb,
        int threadSlack,
        long settleSeconds) {

    static final long DEFAULT_SEED = 20_261_201L;
    static final long DEFAULT_MQTT_PACKETS = 600_000;
    static final int DEFAULT_MQTT_CONNECTIONS = 4;
    static final int DEFAULT_MQTT_RATE = 5_000;
    static final int DEFAULT_PACKETS_PER_CONNECTION = 200;
    static final long DEFAULT_COAP_MESSAGES = 600_000;
    static final int DEFAULT_COAP_RATE = 4_000;
    static final int DEFAULT_COAP_PER_SOCKET = 1_000;
    static final double DEFAULT_COAP_MUTATION_RATE = 0.6;
    static final long DEFAULT_LEGIT_INTERVAL_MS = 200;
    static final long DEFAULT_HEAP_SLACK_MB = 64;
    static final int DEFAULT_THREAD_SLACK = 16;
    static final long DEFAULT_SETTLE_SECONDS = 0;

    static FuzzSettings fromSystemProperties() {
        return new FuzzSettings(
                Long.getLong("fuzz.seed", DEFAULT_SEED),
                Long.getLong("fuzz.mqtt.packets", DEFAULT_MQTT_PACKETS),
                Integer.getInteger("fuzz.mqtt.connections", DEFAULT_MQTT_CONNECTIONS),
                Integer.getInteger("fuzz.mqtt.rate", DEFAULT_MQTT_RATE),
                Integer.getInteger("fuzz.mqtt.perConnection", DEFAULT_PACKETS_PER_CONNECTION),
                Long.getLong("fuzz.coap.messages", DEFAULT_COAP_MESSAGES),
                Integer.getInteger("fuzz.coap.rate", DEFAULT_COAP_RATE),
                Integer.getInteger("fuzz.coap.perSocket", DEFAULT_COAP_PER_SOCKET),
                Double.parseDouble(
                        System.getProperty("fuzz.coap.mutationRate", String.valueOf(DEFAULT_COAP_MUTATION_RATE))),
                Long.getLong("fuzz.legit.intervalMs", DEFAULT_LEGIT_INTERVAL_MS),
                Long.getLong("fuzz.heap.slackMb", DEFAULT_HEAP_SLACK_MB),
                Integer.getInteger("fuzz.threads.slack", DEFAULT_THREAD_SLACK),
                Long.getLong("fuzz.settle.seconds", DEFAULT_SETTLE_SECONDS));
    }

    FuzzSettings {
        List<String> problems = new ArrayList<>();
        if (mqttPackets < 0 || coapMessages < 0) {
            problems.add("packet counts must not be negative, were " + mqttPackets + " and " + coapMessages);
        }
        if (mqttConnections < 1) {
            problems.add("fuzz.mqtt.connections must be at least 1, was " + mqttConnections);
        }
        if (packetsPerConnection < 1 || coapPerSocket < 1) {
            problems.add("fuzz.mqtt.perConnection and fuzz.coap.perSocket must be at least 1, were "
                    + packetsPerConnection + " and " + coapPerSocket);
        }
        if (coapMutationRate < 0 || coapMutationRate > 1) {
            problems.add("fuzz.coap.mutationRate must be between 0 and 1, was " + coapMutationRate);
        }
        if (settleSeconds < 0) {
            problems.add("fuzz.settle.seconds must not be negative, was " + settleSeconds);
        }
        if (legitIntervalMs < 10) {
            problems.add("fuzz.legit.intervalMs must be at least 10, was " + legitIntervalMs);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid fuzz settings: " + String.join("; ", problems));
        }
    }
}
