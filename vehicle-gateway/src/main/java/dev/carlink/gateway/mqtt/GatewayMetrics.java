package dev.carlink.gateway.mqtt;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The gateway's Micrometer meters, all tagged {@code gateway=<gatewayId>}:
 *
 * <ul>
 *   <li>{@code carlink.gateway.connections}: gauge of connected cars
 *   <li>{@code carlink.gateway.connect.refused} {reason}: CONNECTs refused
 *   <li>{@code carlink.gateway.messages.accepted} {kind}: messages stored downstream
 *   <li>{@code carlink.gateway.messages.rejected} {kind, reason}: messages refused (final)
 *   <li>{@code carlink.gateway.messages.unacknowledged} {kind}: messages not stored downstream
 *       (503, timeout, no handler); QoS 1 ones were not acknowledged and will be retried
 *   <li>{@code carlink.gateway.subscriptions.rejected} {reason}: topic filters refused
 *   <li>{@code carlink.gateway.commands.sent}, {@code .acked}: commands written to / PUBACKed by cars
 *   <li>{@code carlink.gateway.commands.refused}: commands a car's MQTT 5 PUBACK refused
 *   <li>{@code carlink.gateway.protocol.errors}: packets vertx-mqtt refused by throwing (after a close, an
 *       undefined reason code)
 * </ul>
 */
public final class GatewayMetrics {

    /** The {@code kind} tag of messages whose topic was not understood. */
    static final String UNKNOWN_KIND = "unknown";

    private final MeterRegistry registry;
    private final Tags common;
    private final Set<Meter.Id> meters = new HashSet<>();
    private final Map<TopicKind, Counter> accepted = new EnumMap<>(TopicKind.class);
    private final Map<TopicKind, Counter> unacknowledged = new EnumMap<>(TopicKind.class);
    private final Counter commandsSent;
    private final Counter commandsAcked;
    private final Counter commandsRefused;

    public GatewayMetrics(MeterRegistry registry, String gatewayId, SessionRegistry sessions) {
        this.registry = registry;
        this.common = Tags.of("gateway", gatewayId);
        meters.add(Gauge.builder("carlink.gateway.connections", sessions, SessionRegistry::size)
                .description("connected cars")
                .tags(common)
                .strongReference(true)
                .register(registry)
                .getId());
        meters.add(Gauge.builder("carlink.gateway.sessions.kept", sessions, SessionRegistry::savedSessions)
                .description("persistent sessions kept for cars that are away")
                .tags(common)
                .strongReference(true)
                .register(registry)
                .getId());
        for (TopicKind kind : TopicKind.values()) {
            if (kind.carPublishes()) {
                accepted.put(kind, counter("carlink.gateway.messages.accepted", Tags.of("kind", kind.level())));
                unacknowledged.put(
                        kind, counter("carlink.gateway.messages.unacknowledged", Tags.of("kind", kind.level())));
            }
        }
        commandsSent = counter("carlink.gateway.commands.sent", Tags.empty());
        commandsAcked = counter("carlink.gateway.commands.acked", Tags.empty());
        commandsRefused = counter("carlink.gateway.commands.refused", Tags.empty());
    }

    void connectRefused(String reason) {
        counter("carlink.gateway.connect.refused", Tags.of("reason", reason)).increment();
    }

    void accepted(TopicKind kind) {
        accepted.get(kind).increment();
    }

    void rejected(String kind, String reason) {
        counter("carlink.gateway.messages.rejected", Tags.of("kind", kind, "reason", reason))
                .increment();
    }

    void unacknowledged(TopicKind kind) {
        unacknowledged.get(kind).increment();
    }

    void subscriptionRejected(String reason) {
        counter("carlink.gateway.subscriptions.rejected", Tags.of("reason", reason))
                .increment();
    }

    void sessionResumed() {
        counter("carlink.gateway.sessions.resumed", Tags.empty()).increment();
    }

    void willTold() {
        counter("carlink.gateway.wills", Tags.empty()).increment();
    }

    /** A connection closed for a limit: {@code limit} is receive-maximum, message-rate or topic-alias. */
    void limitExceeded(String limit) {
        counter("carlink.gateway.limits.exceeded", Tags.of("limit", limit)).increment();
    }

    /** A packet vertx-mqtt refused by throwing (see GatewayVerticle). */
    public void protocolError() {
        counter("carlink.gateway.protocol.errors", Tags.empty()).increment();
    }

    void commandSent() {
        commandsSent.increment();
    }

    void commandAcked() {
        commandsAcked.increment();
    }

    void commandRefused() {
        commandsRefused.increment();
    }

    /** Removes this gateway's meters from the registry (the gauge would otherwise keep the registry of sessions). */
    public void close() {
        meters.forEach(registry::remove);
        meters.clear();
    }

    private Counter counter(String name, Tags tags) {
        Counter counter = Counter.builder(name).tags(common.and(tags)).register(registry);
        meters.add(counter.getId());
        return counter;
    }
}
