package dev.carlink.app;

import dev.carlink.command.CommandSchema;
import dev.carlink.command.CommandServiceVerticle;
import dev.carlink.command.secrets.KeyRing;
import dev.carlink.command.secrets.SecretsAtRestException;
import dev.carlink.gateway.GatewayVerticle;
import dev.carlink.gateway.coap.CoapConfig;
import dev.carlink.gateway.coap.CoapGatewayVerticle;
import dev.carlink.telemetry.TelemetrySchema;
import dev.carlink.telemetry.TelemetryVerticle;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole backend in one process: database, telemetry, command-service and gateway, each a verticle
 * talking to the others only over the event bus. Tests start it on port 0 and read the bound ports.
 */
public final class CarlinkServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CarlinkServer.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Database database;
    private final Vertx vertx;
    private final PrometheusMeterRegistry metrics;
    private final GatewayVerticle gateway;
    private final CoapGatewayVerticle coap;
    private final CoapConfig coapConfig;
    private final CommandServiceVerticle command;
    private final KeyRing keyRing;

    private CarlinkServer(
            Database database,
            Vertx vertx,
            PrometheusMeterRegistry metrics,
            GatewayVerticle gateway,
            CoapGatewayVerticle coap,
            CoapConfig coapConfig,
            CommandServiceVerticle command,
            KeyRing keyRing) {
        this.database = database;
        this.vertx = vertx;
        this.metrics = metrics;
        this.gateway = gateway;
        this.coap = coap;
        this.coapConfig = coapConfig;
        this.command = command;
        this.keyRing = keyRing;
    }

    /**
     * Starts everything this instance runs, in dependency order, and returns once the gateway accepts cars: with
     * role ALL the database, telemetry, command-service and gateway; with role GATEWAY (a clustered instance) the
     * vehicle edges only, which reach the services through the clustered event bus.
     *
     * @throws ConfigLoader.ConfigException when the key-encryption keys are wrong: missing, or not the ones the
     *     database's secrets are encrypted under (nothing was changed)
     */
    public static CarlinkServer start(AppConfig config, Clock clock) {
        boolean services = config.cluster().role() == ClusterConfig.Role.ALL;
        KeyRing keyRing = services ? keyRing(config) : null;
        Database database = services ? Database.open(config.database()) : null;
        Vertx vertx = null;
        try {
            vertx = config.cluster().enabled() ? Clustering.start(config.cluster()) : Vertx.vertx();
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(metrics);
            new JvmThreadMetrics().bindTo(metrics);
            new ProcessorMetrics().bindTo(metrics);
            new JvmGcMetrics().bindTo(metrics);
            FunctionCounter.builder(
                            "carlink.connections.errors",
                            ConnectionErrorFilter.class,
                            c -> ConnectionErrorFilter.filtered())
                    .description("connections that failed before a handler was set (malformed CONNECT, reset)")
                    .register(metrics);

            CommandServiceVerticle command = null;
            Future<String> deployed = Future.succeededFuture("");
            if (services) {
                DataSource ds = database.dataSource();
                TelemetrySchema.migrate(ds);
                CommandSchema.migrate(ds);
                TelemetryVerticle telemetry =
                        new TelemetryVerticle(ds, config.telemetry(), config.telemetryStorage(), metrics, clock);
                command = new CommandServiceVerticle(ds, config.command(), keyRing, metrics, clock);
                CommandServiceVerticle commandVerticle = command;
                Vertx v = vertx;
                deployed = v.deployVerticle(telemetry).compose(id -> v.deployVerticle(commandVerticle));
            }
            GatewayVerticle gateway = new GatewayVerticle(config.gateway(), metrics, clock);
            CoapGatewayVerticle coap = config.coap().enabled() || config.coap().dtlsEnabled()
                    ? new CoapGatewayVerticle(config.gateway(), config.coap(), metrics, clock)
                    : null;
            Vertx v = vertx;
            deployed.compose(id -> v.deployVerticle(gateway))
                    .compose(id -> coap == null ? Future.succeededFuture(id) : v.deployVerticle(coap))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return new CarlinkServer(database, vertx, metrics, gateway, coap, config.coap(), command, keyRing);
        } catch (Exception e) {
            if (vertx != null) {
                try {
                    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                } catch (Exception notClosed) {
                    log.warn("vert.x did not close cleanly [cause: {}]", notClosed.getMessage());
                }
            }
            if (database != null) {
                database.close();
            }
            SecretsAtRestException refused = secretsRefusal(e);
            if (refused != null) {
                throw new ConfigLoader.ConfigException(List.of(explain(refused, config, keyRing)));
            }
            throw new IllegalStateException("carlink did not start: " + e.getMessage(), e);
        }
    }

    /** The KEKs this instance reads and writes the database's secrets with. */
    private static KeyRing keyRing(AppConfig config) {
        SecretsConfig secrets = config.secrets();
        try {
            SecretsConfig.Source current;
            if (secrets.kek().isPresent()) {
                current = secrets.kek().get();
            } else if (config.database().url().isEmpty()) {
                current = KekFile.generatedIn(config.database().dataDir());
            } else {
                throw new IllegalArgumentException(
                        "secrets.kek or secrets.kek-file must be set with an external database (db.url)");
            }
            KeyRing ring = new KeyRing(
                    current.key(),
                    secrets.previous().stream().map(SecretsConfig.Source::key).toList());
            log.info(
                    "key-encryption key of the secrets in the database [kek: {}, previous: {}]",
                    current,
                    secrets.previous());
            return ring;
        } catch (IllegalArgumentException e) {
            throw new ConfigLoader.ConfigException(List.of("secrets: " + e.getMessage()));
        }
    }

    private static SecretsAtRestException secretsRefusal(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SecretsAtRestException refused) {
                return refused;
            }
        }
        return null;
    }

    /** The command-service's refusal, with what the operator can do about it in this configuration's terms. */
    private static String explain(SecretsAtRestException refused, AppConfig config, KeyRing ring) {
        List<String> text = new ArrayList<>();
        text.add("secrets: " + refused.getMessage() + ".");
        if (refused.unknownKekIds().isEmpty()) {
            text.add("Restore the row from a backup; or set the value to NULL and rotate the car's secret (a DTLS"
                    + " key: POST /api/v1/admin/vehicles/{vin}/secret), or retire the signing key.");
            return String.join(" ", text);
        }
        text.add("Start with the KEK they were encrypted under (secrets.kek or secrets.kek-file). To move them to a"
                + " new KEK, give the new one there and the old one in secrets.previous-keks or"
                + " secrets.previous-kek-files.");
        Path generated =
                config.database().dataDir().resolve(KekFile.GENERATED_NAME).toAbsolutePath();
        if (config.secrets().kek().isEmpty()) {
            text.add("No KEK is configured, so this start used the data directory's generated one, " + generated
                    + " (KEK " + ring.current().id() + "; made at this start if it was missing): restore that file"
                    + " from a backup, or configure the KEK the secrets are under.");
        } else if (Files.exists(generated)) {
            try {
                String id = KekFile.read(generated).id();
                if (refused.unknownKekIds().contains(id)) {
                    text.add("The data directory's generated KEK " + generated + " is KEK " + id
                            + ": give that file as secrets.kek-file, or list it in secrets.previous-kek-files to move"
                            + " to the configured KEK.");
                }
            } catch (IllegalArgumentException unreadable) {
                // no hint to give from a file that cannot be read
            }
        }
        return String.join(" ", text);
    }

    /** The HTTP API's port, or -1 on a gateway-only instance. */
    public int httpPort() {
        return command == null ? -1 : command.actualHttpPort();
    }

    public int mqttPort() {
        return gateway.actualMqttPort();
    }

    /** The port of MQTT over TLS, or -1 when it is disabled. */
    public int mqttTlsPort() {
        try {
            return gateway.actualTlsPort();
        } catch (IllegalStateException disabled) {
            return -1;
        }
    }

    /** The CoAP gateway's UDP port, or -1 when CoAP is disabled. */
    public int coapPort() {
        return coap == null || !coapConfig.enabled() ? -1 : coap.actualPort();
    }

    /** The UDP port of CoAP over DTLS, or -1 when it is disabled. */
    public int coapDtlsPort() {
        return coap == null || !coapConfig.dtlsEnabled() ? -1 : coap.actualDtlsPort();
    }

    /** The key-encryption keys of the database's secrets, or null on a gateway-only instance. */
    KeyRing keyRing() {
        return keyRing;
    }

    /** The database, or null on a gateway-only instance. */
    public DataSource dataSource() {
        return database == null ? null : database.dataSource();
    }

    public String databaseDescription() {
        return database == null ? "none (gateway-only instance)" : database.description();
    }

    public Vertx vertx() {
        return vertx;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    /** Stops the gateway first (cars go away), then the services, then the database. */
    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("vert.x did not close cleanly [cause: {}]", e.getMessage());
        }
        if (database != null) {
            database.close();
        }
        metrics.close();
    }
}
