package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.carlink.proto.VehicleKeys;
import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.CommandAcks;
import dev.carlink.proto.v1.CommandBatch;
import dev.carlink.proto.v1.CommandOutcome;
import dev.carlink.proto.v1.CommandResult;
import dev.carlink.proto.v1.PublishError;
import dev.carlink.proto.v1.SignedCommand;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.proto.v1.TripChanged;
import dev.carlink.proto.v1.VehicleEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.awaitility.core.ConditionTimeoutException;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every topic and resource of the vehicle contract, used by a car for its own VIN and for another car's, over MQTT
 * 5, MQTT 3.1.1, plain CoAP and CoAP over DTLS, against the whole system. Its own: accepted and stored. The other
 * car's: refused with the contract's code, counted, and nothing stored for either car.
 */
class TopicAuthorizationIT {

    private static final Logger log = LoggerFactory.getLogger(TopicAuthorizationIT.class);

    /** Alice's car, the one that speaks. */
    private static final String OWN = "TPCAR000000000011";
    /** Bob's car, whose topics and resources it tries. */
    private static final String OTHER = "TPCAR000000000012";

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    /** How long a refused message must leave no trace. */
    private static final Duration NEVER = Duration.ofSeconds(1);

    private static final AtomicLong SEQ = new AtomicLong(System.currentTimeMillis());
    /** Every counter a refused car message or subscription is counted in. */
    private static final List<String> REFUSAL_COUNTERS = List.of(
            "carlink_gateway_messages_rejected_total",
            "carlink_gateway_subscriptions_rejected_total",
            "carlink_gateway_connect_refused_total",
            "carlink_gateway_coap_refused_total");

    private static TestSystem system;
    private static String secret;
    private static String alice;
    private static String bob;
    /** Bob's command, waiting for his car: what no other car may answer, acknowledge or receive. */
    private static String otherCommand;

    /** The matrix as observed, by protocol, then row, then "own car" / "other car". */
    private static final Map<String, Map<String, Map<String, Outcome>>> observed = new LinkedHashMap<>();

    /** What a car got for one message, what was stored, and how many refusals were counted. */
    record Outcome(String answer, String stored, double counted) {
        @Override
        public String toString() {
            return answer + ", " + stored + ", counted " + (long) counted;
        }
    }

    @BeforeAll
    static void start() {
        system = TestSystem.start();
        secret = system.enrollCar(OWN, "alice", false).secret();
        system.enrollCar(OTHER, "bob", false);
        alice = system.login("alice");
        bob = system.login("bob");
        otherCommand = command(bob, OTHER);
    }

    @AfterAll
    static void stop() {
        StringBuilder out = new StringBuilder();
        observed.forEach((protocol, rows) -> rows.forEach((row, cells) -> out.append(String.format(
                "%-10s %-52s own car: %-40s other car: %s%n",
                protocol, row, cells.getOrDefault("own car", null), cells.getOrDefault("other car", null)))));
        log.info("topic and resource authorization matrix:\n{}", out);
        system.close();
    }

    @Test
    void mqtt5_ownTopicsAreAccepted_otherCarsTopicsAreNotAuthorized_andNothingIsStored() throws Exception {
        String protocol = "MQTT 5";
        org.eclipse.paho.mqttv5.client.MqttAsyncClient car = mqtt5(OWN, null);
        try {
            String ownCommand = command(alice, OWN);

            own(protocol, "publish telemetry", () -> pubAck5(car, OWN, "telemetry", telemetry()), grows(TELEMETRY));
            other(protocol, "publish telemetry", () -> pubAck5(car, OTHER, "telemetry", telemetry()));
            own(protocol, "publish events", () -> pubAck5(car, OWN, "events", event()), grows(EVENTS));
            other(protocol, "publish events", () -> pubAck5(car, OTHER, "events", event()));
            own(
                    protocol,
                    "publish command-results",
                    () -> pubAck5(car, OWN, "command-results", result(ownCommand)),
                    succeeded(ownCommand));
            other(
                    protocol,
                    "publish command-results",
                    () -> pubAck5(car, OTHER, "command-results", result(otherCommand)));
            other(
                    protocol,
                    "publish command-results: own topic, other car's command",
                    () -> pubAck5(car, OWN, "command-results", result(otherCommand)));
            own(protocol, "subscribe errors", () -> subAck5(car, OWN, "errors"), null);
            other(protocol, "subscribe errors", () -> subAck5(car, OTHER, "errors"));
            other(protocol, "subscribe commands", () -> subAck5(car, OTHER, "commands"));
            own(protocol, "subscribe commands", () -> subAck5(car, OWN, "commands"), () -> online(OWN));
        } finally {
            car.disconnect().waitForCompletion(10_000);
            car.close();
        }
        own(protocol, "will on status", () -> will5(OWN), null);
        other(protocol, "will on status", () -> will5(OTHER));

        assertRow(protocol, "publish telemetry", "PUBACK 0x00", "PUBACK 0x87");
        assertRow(protocol, "publish events", "PUBACK 0x00", "PUBACK 0x87");
        assertRow(protocol, "publish command-results", "PUBACK 0x00", "PUBACK 0x87");
        assertRow(protocol, "publish command-results: own topic, other car's command", null, "PUBACK 0x83");
        assertRow(protocol, "subscribe errors", "SUBACK 0x01", "SUBACK 0x87");
        assertRow(protocol, "subscribe commands", "SUBACK 0x01", "SUBACK 0x87");
        assertRow(protocol, "will on status", "CONNACK 0x00", "CONNACK 0x90");
    }

    @Test
    void mqtt311_ownTopicsAreAccepted_otherCarsTopicsAreExplainedOnTheErrorsTopic_andNothingIsStored()
            throws Exception {
        String protocol = "MQTT 3.1.1";
        List<PublishError> errors = new CopyOnWriteArrayList<>();
        MqttAsyncClient car = mqtt311(OWN, null);
        try {
            String ownCommand = command(alice, OWN);

            own(protocol, "subscribe errors", () -> subAck311(car, OWN, "errors", errors), null);
            other(protocol, "subscribe errors", () -> subAck311(car, OTHER, "errors", errors));
            own(
                    protocol,
                    "publish telemetry",
                    () -> pubAck311(car, OWN, "telemetry", telemetry(), errors),
                    grows(TELEMETRY));
            other(protocol, "publish telemetry", () -> pubAck311(car, OTHER, "telemetry", telemetry(), errors));
            own(protocol, "publish events", () -> pubAck311(car, OWN, "events", event(), errors), grows(EVENTS));
            other(protocol, "publish events", () -> pubAck311(car, OTHER, "events", event(), errors));
            own(
                    protocol,
                    "publish command-results",
                    () -> pubAck311(car, OWN, "command-results", result(ownCommand), errors),
                    succeeded(ownCommand));
            other(
                    protocol,
                    "publish command-results",
                    () -> pubAck311(car, OTHER, "command-results", result(otherCommand), errors));
            other(
                    protocol,
                    "publish command-results: own topic, other car's command",
                    () -> pubAck311(car, OWN, "command-results", result(otherCommand), errors));
            other(protocol, "subscribe commands", () -> subAck311(car, OTHER, "commands", errors));
            own(protocol, "subscribe commands", () -> subAck311(car, OWN, "commands", errors), () -> online(OWN));
        } finally {
            car.disconnect().waitForCompletion(10_000);
            car.close();
        }
        own(protocol, "will on status", () -> will311(OWN), null);
        other(protocol, "will on status", () -> will311(OTHER));

        assertRow(protocol, "subscribe errors", "SUBACK 0x01", "SUBACK 0x80");
        assertRow(protocol, "publish telemetry", "PUBACK", "PUBACK, then errors: TOPIC_NOT_AUTHORIZED");
        assertRow(protocol, "publish events", "PUBACK", "PUBACK, then errors: TOPIC_NOT_AUTHORIZED");
        assertRow(protocol, "publish command-results", "PUBACK", "PUBACK, then errors: TOPIC_NOT_AUTHORIZED");
        assertRow(
                protocol,
                "publish command-results: own topic, other car's command",
                null,
                "PUBACK, then errors: INVALID_VALUE");
        assertRow(protocol, "subscribe commands", "SUBACK 0x01", "SUBACK 0x80");
        assertRow(protocol, "will on status", "CONNACK 0", "CONNACK 5");
    }

    @Test
    void coap_ownResourcesAreServed_otherCarsResourcesAreForbidden_andNothingIsStored() throws Exception {
        String token = CoapCalls.login(system.coapPort(), OWN, secret);
        CoapClient car = CoapCalls.client("coap://127.0.0.1:" + system.coapPort());
        coapMatrix("CoAP", car, (vin, kind) -> CoapCalls.uri(system.coapPort(), vin, kind, token));
    }

    @Test
    void coapOverDtls_ownResourcesAreServed_otherCarsResourcesAreForbidden_andNothingIsStored() throws Exception {
        int port = system.server.coapDtlsPort();
        CoapClient car = CoapCalls.dtlsClient("coaps://127.0.0.1:" + port, OWN, VehicleKeys.dtlsPsk(secret));
        coapMatrix("CoAP DTLS", car, (vin, kind) -> "coaps://127.0.0.1:" + port + "/v1/vehicles/" + vin + "/" + kind);
    }

    /** The CoAP rows; {@code uri} makes the URI of a car's resource (with the session token, on plain CoAP). */
    private static void coapMatrix(String protocol, CoapClient car, BiFunction<String, String, String> uri)
            throws Exception {
        try {
            String ownCommand = command(alice, OWN);
            // the other car's commands first: the own car's observation would make it online
            other(protocol, "GET commands", () -> code(get(car, uri.apply(OTHER, "commands"))));
            other(protocol, "GET commands (observe)", () -> observe(car, uri.apply(OTHER, "commands")));
            own(
                    protocol,
                    "POST telemetry",
                    () -> code(post(car, uri.apply(OWN, "telemetry"), telemetry())),
                    grows(TELEMETRY));
            other(protocol, "POST telemetry", () -> code(post(car, uri.apply(OTHER, "telemetry"), telemetry())));
            own(protocol, "POST events", () -> code(post(car, uri.apply(OWN, "events"), event())), grows(EVENTS));
            other(protocol, "POST events", () -> code(post(car, uri.apply(OTHER, "events"), event())));
            other(
                    protocol,
                    "POST command-acks",
                    () -> code(post(car, uri.apply(OTHER, "command-acks"), acks(otherCommand))));
            own(protocol, "GET commands (observe)", () -> observe(car, uri.apply(OWN, "commands")), () -> online(OWN));
            own(
                    protocol,
                    "GET commands",
                    () -> {
                        // the car is online for commands now: its batch holds the waiting command
                        await().atMost(PATIENCE).until(() -> holds(get(car, uri.apply(OWN, "commands")), ownCommand));
                        return code(get(car, uri.apply(OWN, "commands")));
                    },
                    null);
            own(
                    protocol,
                    "POST command-acks",
                    () -> code(post(car, uri.apply(OWN, "command-acks"), acks(ownCommand))),
                    () -> !List.of("QUEUED", "SENT").contains(status(ownCommand)));
            own(
                    protocol,
                    "POST command-results",
                    () -> code(post(car, uri.apply(OWN, "command-results"), result(ownCommand))),
                    succeeded(ownCommand));
            other(
                    protocol,
                    "POST command-results",
                    () -> code(post(car, uri.apply(OTHER, "command-results"), result(otherCommand))));
            other(
                    protocol,
                    "POST command-results: own path, other car's command",
                    () -> code(post(car, uri.apply(OWN, "command-results"), result(otherCommand))));
        } finally {
            car.shutdown();
        }

        assertRow(protocol, "POST telemetry", "2.04", "4.03");
        assertRow(protocol, "POST events", "2.04", "4.03");
        assertRow(protocol, "POST command-results", "2.04", "4.03");
        assertRow(protocol, "POST command-results: own path, other car's command", null, "4.00");
        assertRow(protocol, "GET commands", "2.05", "4.03");
        assertRow(protocol, "GET commands (observe)", "2.05", "4.03");
        assertRow(protocol, "POST command-acks", "2.04", "4.03");
    }

    // --- cells -----------------------------------------------------------------------------------------------

    /** What the car sends in one cell; returns the answer it got. */
    private interface Cell {
        String run() throws Exception;
    }

    /**
     * A cell of the own car: its answer, and whether what it sent is stored ({@code stored} becomes true within a
     * few seconds; null where nothing is to be stored, as for a subscription to the errors topic).
     */
    private static void own(String protocol, String row, Cell cell, Callable<Boolean> stored) throws Exception {
        double before = refusals();
        String answer = cell.run();
        String kept = stored == null ? "nothing to store" : within(stored) ? "stored" : "NOT STORED";
        record(protocol, row, "own car", new Outcome(answer, kept, refusals() - before));
    }

    /**
     * A cell of the other car: its answer; then nothing may change for either car ({@link #trace}) for {@link
     * #NEVER}, and the refusal must be counted.
     */
    private static void other(String protocol, String row, Cell cell) throws Exception {
        double before = refusals();
        String traceBefore = trace();
        String answer = cell.run();
        String kept;
        try {
            await().during(NEVER).atMost(NEVER.plusSeconds(5)).until(() -> trace().equals(traceBefore));
            kept = "nothing stored";
        } catch (ConditionTimeoutException e) {
            kept = "STORED: " + traceBefore + " -> " + trace();
        }
        within(() -> refusals() > before);
        record(protocol, row, "other car", new Outcome(answer, kept, refusals() - before));
    }

    private static void record(String protocol, String row, String target, Outcome outcome) {
        observed.computeIfAbsent(protocol, p -> new LinkedHashMap<>())
                .computeIfAbsent(row, r -> new LinkedHashMap<>())
                .put(target, outcome);
    }

    /** Own car: {@code ownAnswer}, stored, not counted; other car: {@code otherAnswer}, nothing stored, counted once. */
    private static void assertRow(String protocol, String row, String ownAnswer, String otherAnswer) {
        Map<String, Outcome> cells = observed.get(protocol).get(row);
        if (ownAnswer != null) {
            Outcome own = cells.get("own car");
            assertThat(own.answer()).as("%s %s by the own car", protocol, row).isEqualTo(ownAnswer);
            assertThat(own.stored()).as("%s %s by the own car", protocol, row).isIn("stored", "nothing to store");
            assertThat(own.counted())
                    .as("%s %s by the own car: refusals counted", protocol, row)
                    .isZero();
        }
        assertThat(cells.get("other car"))
                .as("%s %s for the other car", protocol, row)
                .isEqualTo(new Outcome(otherAnswer, "nothing stored", 1));
    }

    /**
     * Everything a refused message could change: both cars' telemetry and events, the other car's presence, and
     * its waiting command's status and history.
     */
    private static String trace() {
        return system.count("SELECT count(*) FROM telemetry.telemetry WHERE vin IN (?, ?)", OWN, OTHER) + "/"
                + system.count("SELECT count(*) FROM command.vehicle_events WHERE vin IN (?, ?)", OWN, OTHER) + "/"
                + online(OTHER) + "/" + status(otherCommand) + "/"
                + system.count(
                        "SELECT count(*) FROM command.command_transitions WHERE command_id = ?::uuid", otherCommand);
    }

    private static double refusals() {
        return REFUSAL_COUNTERS.stream().mapToDouble(system::metric).sum();
    }

    private static final String TELEMETRY = "SELECT count(*) FROM telemetry.telemetry WHERE vin = '" + OWN + "'";
    private static final String EVENTS = "SELECT count(*) FROM command.vehicle_events WHERE vin = '" + OWN + "'";

    /** True once the count of {@code sql} is above what it is now. */
    private static Callable<Boolean> grows(String sql) {
        long now = system.count(sql);
        return () -> system.count(sql) > now;
    }

    private static Callable<Boolean> succeeded(String command) {
        return () -> status(command).equals("SUCCEEDED");
    }

    // --- MQTT 5 ----------------------------------------------------------------------------------------------

    private static org.eclipse.paho.mqttv5.client.MqttAsyncClient mqtt5(String vin, String willVin)
            throws MqttException {
        org.eclipse.paho.mqttv5.client.MqttAsyncClient client = new org.eclipse.paho.mqttv5.client.MqttAsyncClient(
                system.mqttUri(), vin, new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(vin);
        options.setPassword(secret.getBytes(StandardCharsets.UTF_8));
        options.setCleanStart(true);
        options.setConnectionTimeout(10);
        if (willVin != null) {
            options.setWill(topic(willVin, "status"), new MqttMessage("ignition off".getBytes(StandardCharsets.UTF_8)));
        }
        client.connect(options).waitForCompletion(10_000);
        return client;
    }

    private static String pubAck5(
            org.eclipse.paho.mqttv5.client.MqttAsyncClient car, String vin, String kind, byte[] payload)
            throws MqttException {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(1);
        org.eclipse.paho.mqttv5.client.IMqttToken token = car.publish(topic(vin, kind), message);
        token.waitForCompletion(10_000);
        return String.format("PUBACK 0x%02X", token.getReasonCodes()[0]);
    }

    private static String subAck5(org.eclipse.paho.mqttv5.client.MqttAsyncClient car, String vin, String kind)
            throws MqttException {
        org.eclipse.paho.mqttv5.client.IMqttToken token = car.subscribe(topic(vin, kind), 1);
        token.waitForCompletion(10_000);
        return String.format("SUBACK 0x%02X", token.getReasonCodes()[0]);
    }

    /** The own car connects with a will on {@code willVin}'s status topic. */
    private static String will5(String willVin) {
        try {
            org.eclipse.paho.mqttv5.client.MqttAsyncClient car = mqtt5(OWN, willVin);
            car.disconnect().waitForCompletion(10_000);
            car.close();
            return "CONNACK 0x00";
        } catch (MqttException e) {
            return String.format("CONNACK 0x%02X", e.getReasonCode());
        }
    }

    // --- MQTT 3.1.1 ------------------------------------------------------------------------------------------

    private static MqttAsyncClient mqtt311(String vin, String willVin) throws Exception {
        MqttAsyncClient client = new MqttAsyncClient(system.mqttUri(), vin, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName(vin);
        options.setPassword(secret.toCharArray());
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        if (willVin != null) {
            options.setWill(topic(willVin, "status"), "ignition off".getBytes(StandardCharsets.UTF_8), 1, false);
        }
        client.connect(options).waitForCompletion(10_000);
        return client;
    }

    /** The PUBACK, then the PublishError that explains a refusal on the car's errors topic, if one comes. */
    private static String pubAck311(
            MqttAsyncClient car, String vin, String kind, byte[] payload, List<PublishError> errors) throws Exception {
        int before = errors.size();
        car.publish(topic(vin, kind), payload, 1, false).waitForCompletion(10_000);
        if (!within(() -> errors.size() > before)) {
            return "PUBACK";
        }
        return "PUBACK, then errors: " + errors.get(before).getCode().name().replace("ERROR_CODE_", "");
    }

    private static String subAck311(MqttAsyncClient car, String vin, String kind, List<PublishError> errors)
            throws Exception {
        IMqttToken token = car.subscribe(topic(vin, kind), 1, (topic, message) -> {
            if (topic.endsWith("/errors")) {
                errors.add(PublishError.parseFrom(message.getPayload()));
            }
        });
        try {
            token.waitForCompletion(10_000);
            return String.format("SUBACK 0x%02X", token.getGrantedQos()[0]);
        } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
            return String.format("SUBACK 0x%02X", e.getReasonCode());
        }
    }

    private static String will311(String willVin) throws Exception {
        try {
            MqttAsyncClient car = mqtt311(OWN, willVin);
            car.disconnect().waitForCompletion(10_000);
            car.close();
            return "CONNACK 0";
        } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
            return "CONNACK " + e.getReasonCode();
        }
    }

    // --- CoAP ------------------------------------------------------------------------------------------------

    private static CoapResponse post(CoapClient car, String uri, byte[] body) throws Exception {
        car.setURI(uri);
        return car.post(body, MediaTypeRegistry.APPLICATION_OCTET_STREAM);
    }

    private static CoapResponse get(CoapClient car, String uri) throws Exception {
        car.setURI(uri);
        return car.get();
    }

    /** A GET with Observe: registers an observation when it is allowed; the first answer. */
    private static String observe(CoapClient car, String uri) throws Exception {
        Request request = Request.newGet();
        request.setURI(uri);
        request.setObserve();
        CoapResponse first = car.advanced(request);
        if (first != null && first.isSuccess()) {
            assertThat(first.getOptions().hasObserve()).as("an observed answer").isTrue();
            await().atMost(PATIENCE).until(() -> online(OWN));
        }
        return code(first);
    }

    private static boolean holds(CoapResponse batch, String command) throws Exception {
        if (batch == null || !batch.isSuccess()) {
            return false;
        }
        for (SignedCommand signed : CommandBatch.parseFrom(batch.getPayload()).getCommandsList()) {
            if (Command.parseFrom(signed.getCommand()).getId().equals(command)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] acks(String command) {
        return CommandAcks.newBuilder().addCommandIds(command).build().toByteArray();
    }

    private static String code(CoapResponse answer) {
        return answer == null ? "no answer" : answer.getCode().toString();
    }

    // --- the system's side -----------------------------------------------------------------------------------

    /** A CLIMATE_STOP for the car, waiting up to 30 min for it; its id. */
    private static String command(String owner, String vin) {
        String path = system.requestCommand(owner, vin, "{\"type\":\"CLIMATE_STOP\",\"deliverWithinSeconds\":1800}");
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static String status(String command) {
        boolean others = command.equals(otherCommand);
        return system.get(others ? bob : alice, "/api/v1/vehicles/" + (others ? OTHER : OWN) + "/commands/" + command)
                .json()
                .getString("status");
    }

    private static boolean online(String vin) {
        return system.get(vin.equals(OWN) ? alice : bob, "/api/v1/vehicles/" + vin)
                .json()
                .getBoolean("online", false);
    }

    /** Whether {@code condition} becomes true within a few seconds. */
    private static boolean within(Callable<Boolean> condition) {
        try {
            await().atMost(Duration.ofSeconds(5)).until(condition);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    private static String topic(String vin, String kind) {
        return "v1/vehicles/" + vin + "/" + kind;
    }

    private static byte[] telemetry() {
        return Telemetry.newBuilder()
                .setTimestampMs(Instant.now().toEpochMilli())
                .setSeq(SEQ.incrementAndGet())
                .setCabinTemperatureC(24)
                .setStateOfChargePct(70)
                .build()
                .toByteArray();
    }

    private static byte[] event() {
        return VehicleEvent.newBuilder()
                .setTimestampMs(Instant.now().toEpochMilli())
                .setSeq(SEQ.incrementAndGet())
                .setTripChanged(TripChanged.newBuilder().setStarted(true))
                .build()
                .toByteArray();
    }

    private static byte[] result(String command) {
        return CommandResult.newBuilder()
                .setCommandId(command)
                .setStatus(CommandOutcome.COMMAND_OUTCOME_SUCCEEDED)
                .setTimestampMs(Instant.now().toEpochMilli())
                .build()
                .toByteArray();
    }
}
