package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.carlink.proto.v1.CoapLogin;
import dev.carlink.proto.v1.CoapSession;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.CarConfig;
import dev.carlink.simulator.car.SimulatedCar;
import dev.carlink.simulator.mqtt.MqttCar;
import dev.carlink.simulator.mqtt.MqttCarConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Secrets never reach the logs. The whole system runs with carlink's, Californium's and Vert.x's loggers at
 * DEBUG while every secret goes through it, right and wrong: passwords at login, bearer tokens in headers and in
 * the access_token query of a stream, vehicle secrets at enrollment, at rotation and on MQTT (a wrong one too),
 * a CoAP session token in request URIs, and the key-encryption key generated at the start. Then no line as the log prints it (message and exception with its
 * causes) holds any of them. Californium prints whole CoAP requests at DEBUG, the session token in the URI
 * with them: the log's pattern masks it ({@link SecretMasking}), and this test is what showed it was needed.
 */
class SecretsNeverLoggedIT {

    private static final List<String> VERBOSE = List.of("dev.carlink", "org.eclipse.californium", "io.vertx");

    @Test
    void noSecretAppearsInAnyLogLine_evenAtDebug() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(context);
        captured.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(captured);
        Map<Logger, Level> levels = new LinkedHashMap<>();
        for (String name : VERBOSE) {
            Logger logger = context.getLogger(name);
            levels.put(logger, logger.getLevel());
            logger.setLevel(Level.DEBUG);
            // DEBUG goes to the capture only, not to the build's console
            logger.setAdditive(false);
            logger.addAppender(captured);
        }
        Map<String, String> secrets = new LinkedHashMap<>();
        try (TestSystem system = TestSystem.start()) {
            exercise(system, secrets);
        } finally {
            for (Map.Entry<Logger, Level> entry : levels.entrySet()) {
                entry.getKey().detachAppender(captured);
                entry.getKey().setAdditive(true);
                entry.getKey().setLevel(entry.getValue());
            }
            root.detachAppender(captured);
        }

        List<ILoggingEvent> events = new ArrayList<>(captured.list);
        assertThat(events).as("the run was logged at DEBUG").hasSizeGreaterThan(100);
        assertThat(events)
                .anyMatch(e -> e.getLevel() == Level.DEBUG && e.getLoggerName().startsWith("dev.carlink"));
        SecretMasking.Exception exception = new SecretMasking.Exception();
        exception.setContext(context);
        exception.start();
        List<String> leaks = new ArrayList<>();
        for (ILoggingEvent event : events) {
            String text = printed(event, exception);
            secrets.forEach((what, secret) -> {
                if (text.contains(secret)) {
                    leaks.add(what + " in " + event.getLoggerName() + ": " + text);
                }
            });
        }
        assertThat(leaks).as("log lines holding a secret").isEmpty();
        assertThat(secrets).hasSize(11);
    }

    private static void exercise(TestSystem system, Map<String, String> secrets) throws Exception {
        // generated at the start, which was logged at DEBUG too
        secrets.put(
                "the key-encryption key",
                java.nio.file.Files.readString(system.generatedKekFile()).strip());
        secrets.put("alice's password", "alice-test-pass");
        secrets.put("the admin's password", "admin-test-pass");
        secrets.put("a wrong password", "not-alices-password-42");
        assertThat(system.post(
                                null,
                                "/api/v1/auth/login",
                                "{\"username\":\"alice\",\"password\":\"not-alices-password-42\"}")
                        .status())
                .isEqualTo(401);
        String alice = system.login("alice");
        String admin = system.login("admin");
        secrets.put("alice's token", alice);
        secrets.put("the admin's token", admin);

        // a car enrolled, its secret rotated; the new secret drives a car over MQTT
        String vin = "LGSAFE00000000001";
        VehicleCredentials enrolled = system.enrollCar(vin, "alice");
        secrets.put("the car's first secret", enrolled.secret());
        TestSystem.Reply rotated = system.post(admin, "/api/v1/admin/vehicles/" + vin + "/secret", "");
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String secret = rotated.json().getString("secret");
        secrets.put("the car's secret", secret);
        VehicleCredentials credentials = new VehicleCredentials(vin, secret, enrolled.signingKeys());

        // a wrong secret over MQTT is refused
        String wrong = "wrong-vehicle-secret-0123456789";
        secrets.put("a wrong vehicle secret", wrong);
        MqttClient intruder = new MqttClient(system.mqttUri(), vin, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setUserName(vin);
        options.setPassword(wrong.toCharArray());
        try {
            intruder.connect(options);
            throw new AssertionError("a wrong secret was accepted");
        } catch (MqttException refused) {
            assertThat(refused.getReasonCode()).isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION);
        } finally {
            intruder.close();
        }

        // the owner follows the car on its stream (token in the query) and cools it
        HttpClient.newHttpClient()
                .sendAsync(
                        HttpRequest.newBuilder(URI.create(system.api("/api/v1/vehicles/stream?access_token=" + alice)))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
        SimulatedCar simulated = new SimulatedCar(CarConfig.of(vin), Clock.systemUTC());
        simulated.park();
        try (MqttCar car = new MqttCar(
                credentials,
                simulated,
                MqttCarConfig.of(URI.create(system.mqttUri())).withTelemetryInterval(Duration.ofMillis(300)))) {
            car.connect().get(30, TimeUnit.SECONDS);
            system.awaitState(alice, vin);
            String path = system.requestCommand(alice, vin, "{\"type\":\"CLIMATE_START\",\"targetTemperatureC\":21}");
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            system.get(alice, path).json().getString("status").equals("SUCCEEDED"));
        }

        // a CoAP car logs in and sends with its session token in the URI; a made-up token is refused
        String coapVin = "LGSAFE00000000002";
        VehicleCredentials coapCar = system.enrollCar(coapVin, "alice");
        secrets.put("the CoAP car's secret", coapCar.secret());
        String base = "coap://127.0.0.1:" + system.coapPort();
        CoapClient login = new CoapClient(base + "/v1/auth");
        CoapResponse session = login.post(
                CoapLogin.newBuilder()
                        .setVin(coapVin)
                        .setSecret(coapCar.secret())
                        .build()
                        .toByteArray(),
                MediaTypeRegistry.APPLICATION_OCTET_STREAM);
        login.shutdown();
        assertThat(session.getCode()).isEqualTo(ResponseCode.CREATED);
        String token = CoapSession.parseFrom(session.getPayload()).getToken();
        secrets.put("the CoAP session token", token);
        byte[] sample = Telemetry.newBuilder()
                .setTimestampMs(System.currentTimeMillis())
                .setSeq(1)
                .setCabinTemperatureC(24.5f)
                .build()
                .toByteArray();
        CoapClient post = new CoapClient(base + "/v1/vehicles/" + coapVin + "/telemetry?t=" + token);
        assertThat(post.post(sample, MediaTypeRegistry.APPLICATION_OCTET_STREAM).getCode())
                .isEqualTo(ResponseCode.CHANGED);
        post.shutdown();
        CoapClient forged =
                new CoapClient(base + "/v1/vehicles/" + coapVin + "/telemetry?t=" + token.substring(1) + "x");
        assertThat(forged.post(sample, MediaTypeRegistry.APPLICATION_OCTET_STREAM)
                        .getCode())
                .isEqualTo(ResponseCode.UNAUTHORIZED);
        forged.shutdown();
    }

    /**
     * A log line as the log prints it (the pattern's masked message and exception, see {@link SecretMasking}),
     * so that a secret a library logs is caught unless the log masks it.
     */
    private static String printed(ILoggingEvent event, SecretMasking.Exception exception) {
        return new SecretMasking.Message().convert(event) + " | " + exception.convert(event);
    }
}
