package dev.carlink.simulator.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A load run.
 *
 * @param mqtt the gateway, {@code tcp://host:port}
 * @param rate messages per second across the fleet, sent open-loop at fixed intended times
 * @param duration how long to send and measure, once every car is connected and the warm-up is over
 * @param warmup how long to send before measuring (sent and checked for loss, but not in the latency figures)
 * @param drain how long to wait for outstanding acknowledgements after sending stops
 * @param qos 0 or 1; with 1 the PUBACK means "committed", so latency is publish-to-commit
 * @param connectRate new connections per second while the fleet connects
 * @param maxConnecting CONNECTs waiting for their CONNACK at most, across the fleet
 * @param maxInFlight unacknowledged messages per car before further ones wait (backlog)
 * @param sourceAddresses local addresses to bind, round-robin
 * @param reportDir where {@code report.json} and {@code report.html} are written
 * @param stormAt when measured sending has run this long, a reconnect storm hits (null: none)
 * @param stormFraction the share of cars, 0..1, that drop their connections and reconnect at once
 */
public record LoadConfig(
        URI mqtt,
        double rate,
        Duration duration,
        Duration warmup,
        Duration drain,
        int qos,
        double connectRate,
        int maxConnecting,
        int maxInFlight,
        List<String> sourceAddresses,
        Path reportDir,
        Duration stormAt,
        double stormFraction) {

    public static final double DEFAULT_CONNECT_RATE = 200;
    public static final int DEFAULT_MAX_CONNECTING = 100;
    public static final int DEFAULT_MAX_IN_FLIGHT = 20;

    public LoadConfig {
        Objects.requireNonNull(mqtt, "mqtt");
        List<String> problems = new ArrayList<>();
        if (!(rate > 0 && rate <= 1_000_000)) {
            problems.add("rate must be 0 < rate <= 1000000 messages/s, was " + rate);
        }
        if (duration == null || duration.isNegative() || duration.isZero()) {
            problems.add("duration must be positive, was " + duration);
        }
        if (warmup == null || warmup.isNegative()) {
            problems.add("warmup must be zero or more, was " + warmup);
        }
        if (drain == null || drain.isNegative()) {
            problems.add("drain must be zero or more, was " + drain);
        }
        if (qos != 0 && qos != 1) {
            problems.add("qos must be 0 or 1, was " + qos);
        }
        if (!(connectRate > 0 && connectRate <= 100_000)) {
            problems.add("connect rate must be 0 < rate <= 100000 connects/s, was " + connectRate);
        }
        if (maxConnecting < 1) {
            problems.add("max connecting must be at least 1, was " + maxConnecting);
        }
        if (maxInFlight < 1 || maxInFlight > 65_535) {
            problems.add("max in flight must be 1..65535, was " + maxInFlight);
        }
        if (sourceAddresses == null || sourceAddresses.isEmpty()) {
            problems.add("at least one source address is needed");
        }
        if (reportDir == null) {
            problems.add("report dir is needed");
        }
        if (stormAt != null
                && (stormAt.isNegative() || stormAt.compareTo(duration == null ? Duration.ZERO : duration) >= 0)) {
            problems.add("reconnect storm must come within the duration, was at " + stormAt);
        }
        if (!(stormFraction >= 0 && stormFraction <= 1)) {
            problems.add("reconnect storm fraction must be 0..1, was " + stormFraction);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        sourceAddresses = List.copyOf(sourceAddresses);
    }

    /** The settings as the report shows them (no secrets: a load config holds none). */
    public JsonObject toJson() {
        return new JsonObject()
                .put("mqtt", mqtt.toString())
                .put("rate", rate)
                .put("durationSeconds", duration.toMillis() / 1000.0)
                .put("warmupSeconds", warmup.toMillis() / 1000.0)
                .put("drainSeconds", drain.toMillis() / 1000.0)
                .put("qos", qos)
                .put("connectRate", connectRate)
                .put("maxConnecting", maxConnecting)
                .put("maxInFlight", maxInFlight)
                .put("sourceAddresses", new JsonArray(sourceAddresses))
                .put("reconnectStormAtSeconds", stormAt == null ? null : stormAt.toMillis() / 1000.0)
                .put("reconnectStormFraction", stormAt == null ? null : stormFraction);
    }
}
