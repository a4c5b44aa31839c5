package dev.carlink.simulator.mqtt;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.v1.CommandResult;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.proto.v1.VehicleEvent;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.MqttServer;
import io.vertx.mqtt.MqttServerOptions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A minimal MQTT 3.1.1 server in the gateway's place: checks user name and password, acknowledges
 * subscriptions and QoS 1 publishes, records what cars publish, and sends them messages.
 */
public final class FakeGateway implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final Map<String, MqttEndpoint> endpoints = new ConcurrentHashMap<>();
    private final Map<String, List<String>> subscriptions = new ConcurrentHashMap<>();
    private final List<Telemetry> telemetry = new CopyOnWriteArrayList<>();
    private final Set<String> vinsWithTelemetry = ConcurrentHashMap.newKeySet();
    private final List<VehicleEvent> events = new CopyOnWriteArrayList<>();
    private final List<CommandResult> results = new CopyOnWriteArrayList<>();
    private final MqttServer server;
    private volatile boolean available = true;

    public FakeGateway() throws Exception {
        server = MqttServer.create(vertx, new MqttServerOptions().setPort(0).setHost("127.0.0.1"));
        server.endpointHandler(this::onConnect);
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public int port() {
        return server.actualPort();
    }

    public void register(String vin, String secret) {
        secrets.put(vin, secret);
    }

    /** While unavailable, connections are refused with "server unavailable" (a retryable refusal). */
    public void setAvailable(boolean value) {
        available = value;
    }

    /** Drops the car's connection without a DISCONNECT, as a network failure would. */
    public void dropConnection(String vin) {
        MqttEndpoint endpoint = endpoints.remove(vin);
        if (endpoint != null) {
            vertx.runOnContext(v -> endpoint.close());
        }
    }

    public boolean isSubscribed(String vin, String topic) {
        return subscriptions.getOrDefault(vin, List.of()).contains(topic);
    }

    public void send(String vin, String topic, byte[] payload, MqttQoS qos) {
        MqttEndpoint endpoint = endpoints.get(vin);
        if (endpoint == null) {
            throw new IllegalStateException(vin + " is not connected");
        }
        vertx.runOnContext(v -> endpoint.publish(topic, Buffer.buffer(payload), qos, false, false));
    }

    public List<Telemetry> telemetry() {
        return List.copyOf(telemetry);
    }

    /** The cars that published at least one telemetry sample. */
    public Set<String> vinsWithTelemetry() {
        return Set.copyOf(vinsWithTelemetry);
    }

    public List<VehicleEvent> events() {
        return List.copyOf(events);
    }

    public List<CommandResult> results() {
        return List.copyOf(results);
    }

    public List<CommandResult> resultsFor(String commandId) {
        return results.stream().filter(r -> r.getCommandId().equals(commandId)).collect(Collectors.toList());
    }

    private void onConnect(MqttEndpoint endpoint) {
        String vin = endpoint.clientIdentifier();
        if (!available) {
            endpoint.reject(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
            return;
        }
        var auth = endpoint.auth();
        String expected = secrets.get(vin);
        if (auth == null
                || expected == null
                || !vin.equals(auth.getUsername())
                || !expected.equals(auth.getPassword())) {
            endpoint.reject(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
            return;
        }
        endpoint.publishAutoAck(true);
        endpoint.subscribeHandler(subscribe -> {
            subscriptions.put(
                    vin,
                    subscribe.topicSubscriptions().stream()
                            .map(s -> s.topicName())
                            .toList());
            endpoint.subscribeAcknowledge(
                    subscribe.messageId(),
                    subscribe.topicSubscriptions().stream()
                            .map(s -> s.qualityOfService())
                            .toList());
        });
        endpoint.publishHandler(
                message -> record(vin, message.topicName(), message.payload().getBytes()));
        endpoint.closeHandler(v -> endpoints.remove(vin, endpoint));
        endpoint.accept(false);
        endpoints.put(vin, endpoint);
    }

    private void record(String vin, String topic, byte[] payload) {
        try {
            if (topic.equals("v1/vehicles/" + vin + "/telemetry")) {
                telemetry.add(Telemetry.parseFrom(payload));
                vinsWithTelemetry.add(vin);
            } else if (topic.equals("v1/vehicles/" + vin + "/events")) {
                events.add(VehicleEvent.parseFrom(payload));
            } else if (topic.equals("v1/vehicles/" + vin + "/command-results")) {
                results.add(CommandResult.parseFrom(payload));
            }
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("car sent an undecodable payload on " + topic, e);
        }
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
