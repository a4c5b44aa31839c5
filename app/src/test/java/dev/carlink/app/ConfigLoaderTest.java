package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.carlink.command.secrets.KeyEncryptionKey;
import dev.carlink.telemetry.series.SignalGroup;
import dev.carlink.telemetry.series.Tier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static Properties props(String... pairs) {
        Properties p = new Properties();
        for (int i = 0; i < pairs.length; i += 2) {
            p.setProperty(pairs[i], pairs[i + 1]);
        }
        return p;
    }

    @Test
    void nothingGiven_givesTheDocumentedDefaults() {
        AppConfig config = ConfigLoader.load(Optional.empty(), Map.of(), new Properties());

        assertThat(config.command().httpPort()).isEqualTo(8080);
        assertThat(config.gateway().mqttPort()).isEqualTo(1883);
        assertThat(config.database().url()).isEmpty();
        assertThat(config.database().embeddedDirectory()).isEqualTo(Path.of("data", "postgres-17"));
        assertThat(config.demo().fleetSize()).isEqualTo(20);
        assertThat(config.command().bootstrapUsers())
                .extracting(u -> u.username())
                .containsExactly("admin", "staff", "alice", "bob");
    }

    @Test
    void fileThenEnvironmentThenSystemProperties_eachOverridesTheOneBefore(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("carlink.properties");
        Files.writeString(file, "http.port=9000\nmqtt.port=9001\ndemo.fleet-size=3\n");

        AppConfig config = ConfigLoader.load(
                Optional.of(file),
                Map.of("CARLINK_MQTT_PORT", "9101", "CARLINK_DEMO_FLEET_SIZE", "4", "PATH", "/bin"),
                props("carlink.demo.fleet-size", "5"));

        assertThat(config.command().httpPort()).isEqualTo(9000);
        assertThat(config.gateway().mqttPort()).isEqualTo(9101);
        assertThat(config.demo().fleetSize()).isEqualTo(5);
    }

    @Test
    void durations_acceptShortFormsAndIso() {
        AppConfig config = ConfigLoader.load(
                Optional.empty(),
                Map.of(),
                props("carlink.demo.telemetry-interval", "250ms", "carlink.auth.token-ttl", "PT2H"));

        assertThat(config.demo().telemetryInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.command().tokenTtl()).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void everyBadKeyAndValue_isReportedAtOnce_nothingClamped() {
        assertThatThrownBy(() -> ConfigLoader.load(
                        Optional.empty(),
                        Map.of("CARLINK_HTTP_PROT", "80"),
                        props(
                                "carlink.mqtt.port", "70000",
                                "carlink.demo.fleet-size", "many",
                                "carlink.telemetry.batch-max-delay", "soon")))
                .isInstanceOf(ConfigLoader.ConfigException.class)
                .hasMessageContaining("CARLINK_HTTP_PROT")
                .hasMessageContaining("70000")
                .hasMessageContaining("demo.fleet-size must be a whole number, was 'many'")
                .hasMessageContaining("telemetry.batch-max-delay");
    }

    @Test
    void gatewayLimitsTlsAndCluster_haveDefaults_andBadValuesAreNamed() {
        AppConfig defaults = ConfigLoader.load(Optional.empty(), Map.of(), new Properties());
        assertThat(defaults.gateway().limits().maxConnections()).isEqualTo(20_000);
        assertThat(defaults.gateway().limits().sessionExpiryMax()).isEqualTo(Duration.ofHours(1));
        assertThat(defaults.gateway().tls().enabled()).isTrue();
        assertThat(defaults.gateway().tls().port()).isEqualTo(8883);
        assertThat(defaults.gateway().tls().certificate()).isEmpty();
        assertThat(defaults.coap().dtlsPort()).isEqualTo(5684);
        assertThat(defaults.cluster().enabled()).isFalse();

        AppConfig clustered = ConfigLoader.load(
                Optional.empty(),
                Map.of(),
                props(
                        "carlink.cluster.enabled", "true",
                        "carlink.cluster.role", "gateway",
                        "carlink.cluster.members", "10.0.0.1:5701, 10.0.0.2:5701",
                        "carlink.mqtt.gateway-id", "gw-b",
                        "carlink.cluster.advertise", "203.0.113.7:15701",
                        "carlink.cluster.bus-port", "5801",
                        "carlink.cluster.bus-advertise", "203.0.113.7:15801"));
        assertThat(clustered.cluster().role()).isEqualTo(ClusterConfig.Role.GATEWAY);
        assertThat(clustered.cluster().advertise()).isEqualTo("203.0.113.7:15701");
        assertThat(clustered.cluster().busPort()).isEqualTo(5801);
        assertThat(clustered.cluster().busAdvertise()).isEqualTo("203.0.113.7:15801");
        assertThat(defaults.cluster().advertise()).isNull();
        assertThat(defaults.cluster().busPort()).isZero();
        assertThat(clustered.cluster().members()).containsExactly("10.0.0.1:5701", "10.0.0.2:5701");
        assertThat(clustered.gateway().gatewayId()).isEqualTo("gw-b");

        assertThatThrownBy(() -> ConfigLoader.load(
                        Optional.empty(),
                        Map.of(),
                        props(
                                "carlink.mqtt.tls.certificate", "/nowhere/cert.pem",
                                "carlink.cluster.role", "everything",
                                "carlink.mqtt.receive-maximum", "0")))
                .isInstanceOf(ConfigLoader.ConfigException.class)
                .hasMessageContaining("certificate and privateKey go together")
                .hasMessageContaining("cluster.role must be ALL or GATEWAY, was 'everything'")
                .hasMessageContaining("receiveMaximum must be between 1 and 65535, was 0");
        assertThatThrownBy(() -> ConfigLoader.load(
                        Optional.empty(),
                        Map.of(),
                        props(
                                "carlink.cluster.enabled", "true",
                                "carlink.cluster.members", "10.0.0.1:5701",
                                "carlink.cluster.bus-advertise", "nowhere",
                                "carlink.cluster.bus-port", "70000")))
                .isInstanceOf(ConfigLoader.ConfigException.class)
                .hasMessageContaining("bus advertise must be host:port, was 'nowhere'")
                .hasMessageContaining("bus port must be between 0 and 65535, was 70000");
    }

    @Test
    void telemetryRetention_perTierAndSignalGroup_hasDefaults_andCanBeSet() {
        AppConfig defaults = ConfigLoader.load(Optional.empty(), Map.of(), new Properties());
        assertThat(defaults.telemetryStorage().rawRetention()).isEqualTo(Duration.ofDays(30));
        assertThat(defaults.telemetryStorage().retentionOf(SignalGroup.LOCATION))
                .isEqualTo(Duration.ofDays(30));
        assertThat(defaults.telemetryStorage().retentionOf(SignalGroup.DRIVER_MONITORING))
                .isEqualTo(Duration.ofDays(7));

        AppConfig set = ConfigLoader.load(
                Optional.empty(),
                Map.of("CARLINK_TELEMETRY_RETENTION_LOCATION", "3d"),
                props("carlink.telemetry.retention.raw", "90d", "carlink.telemetry.rollup.lag", "30s"));

        assertThat(set.telemetryStorage().rawRetention()).isEqualTo(Duration.ofDays(90));
        assertThat(set.telemetryStorage().minuteRetention()).isEqualTo(Duration.ofDays(180));
        assertThat(set.telemetryStorage().retentionOf(SignalGroup.LOCATION)).isEqualTo(Duration.ofDays(3));
        assertThat(set.telemetryStorage().refreshLag()).isEqualTo(Duration.ofSeconds(30));
        AppConfig downsampled = ConfigLoader.load(
                Optional.empty(),
                Map.of(),
                props(
                        "carlink.telemetry.retention.motion.minutes",
                        "7d",
                        "carlink.telemetry.retention.motion.hours",
                        "0d"));
        assertThat(downsampled.telemetryStorage().retentionOf(SignalGroup.MOTION, Tier.MINUTE))
                .isEqualTo(Duration.ofDays(7));
        assertThat(downsampled.telemetryStorage().retentionOf(SignalGroup.MOTION, Tier.HOUR))
                .as("not kept at the hour tier")
                .isZero();
        assertThat(downsampled.telemetryStorage().retentionOf(SignalGroup.CLIMATE, Tier.HOUR))
                .isEqualTo(Duration.ofDays(1825));
        assertThatThrownBy(() -> ConfigLoader.load(
                        Optional.empty(), Map.of(), props("carlink.telemetry.retention.driver-monitoring", "60d")))
                .hasMessageContaining("retention of driver-monitoring must be PT1H..rawRetention");
    }

    @Test
    void schedulerSettings_haveDocumentedDefaults_andCanBeSet() {
        AppConfig defaults = ConfigLoader.load(Optional.empty(), Map.of(), new Properties());
        assertThat(defaults.command().schedules().interval()).isEqualTo(Duration.ofMillis(250));
        assertThat(defaults.command().schedules().gracePeriod()).isEqualTo(Duration.ofMinutes(10));

        AppConfig set = ConfigLoader.load(
                Optional.empty(),
                Map.of("CARLINK_SCHEDULES_GRACE_PERIOD", "15m"),
                props("carlink.schedules.interval", "2s"));

        assertThat(set.command().schedules().interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(set.command().schedules().gracePeriod()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void badSchedulerSettings_areReported_notClamped() {
        assertThatThrownBy(
                        () -> ConfigLoader.load(Optional.empty(), Map.of(), props("carlink.schedules.interval", "0ms")))
                .isInstanceOf(ConfigLoader.ConfigException.class)
                .hasMessageContaining("schedules.interval must be 10ms..1m, was PT0S");
        assertThatThrownBy(() ->
                        ConfigLoader.load(Optional.empty(), Map.of(), props("carlink.schedules.grace-period", "soon")))
                .hasMessageContaining("schedules.grace-period must be a duration");
    }

    @Test
    void aMissingConfigFile_isReported(@TempDir Path dir) {
        assertThatThrownBy(() ->
                        ConfigLoader.load(Optional.of(dir.resolve("nope.properties")), Map.of(), new Properties()))
                .hasMessageContaining("cannot be read");
    }

    @Test
    void adminPassword_replacesTheDemoAdmin_andWorksWithTheDemoOff() {
        AppConfig config = ConfigLoader.load(
                Optional.empty(),
                Map.of(),
                props("carlink.demo.enabled", "false", "carlink.auth.admin-password", "a-long-admin-secret"));

        assertThat(config.command().bootstrapUsers()).singleElement().satisfies(u -> {
            assertThat(u.username()).isEqualTo("admin");
            assertThat(u.password()).isEqualTo("a-long-admin-secret");
        });
    }

    @Test
    void externalDatabaseUrl_mustBePostgres() {
        assertThatThrownBy(() ->
                        ConfigLoader.load(Optional.empty(), Map.of(), props("carlink.db.url", "jdbc:mysql://x/y")))
                .hasMessageContaining("jdbc:postgresql:");
    }

    @Test
    void secrets_areMaskedWhenTheConfigIsLogged() {
        AppConfig config =
                ConfigLoader.load(Optional.empty(), Map.of(), props("carlink.db.password", "hunter2-hunter2"));

        assertThat(config.toString()).doesNotContain("hunter2").doesNotContain("alice-demo-pass");
    }

    @Test
    void aKek_comesFromTheEnvironmentOrAFile_andIsPrintedAsItsIdOnly(@TempDir Path dir) throws IOException {
        KeyEncryptionKey kek = KeyEncryptionKey.generate(new SecureRandom());
        KeyEncryptionKey old = KeyEncryptionKey.generate(new SecureRandom());
        Path oldFile = dir.resolve("old.key");
        Files.writeString(oldFile, old.toBase64() + "\n");

        AppConfig config = ConfigLoader.load(
                Optional.empty(),
                Map.of("CARLINK_SECRETS_KEK", kek.toBase64()),
                props("carlink.secrets.previous-kek-files", oldFile.toString()));

        assertThat(config.secrets().kek()).hasValueSatisfying(k -> {
            assertThat(k.key().id()).isEqualTo(kek.id());
            assertThat(k.origin()).isEqualTo("secrets.kek");
        });
        assertThat(config.secrets().previous())
                .singleElement()
                .satisfies(k -> assertThat(k.key().id()).isEqualTo(old.id()));
        assertThat(config.toString())
                .contains(kek.id(), old.id())
                .doesNotContain(kek.toBase64())
                .doesNotContain(old.toBase64());
    }

    @Test
    void noKek_withTheEmbeddedDatabase_meansTheGeneratedOne() {
        AppConfig config = ConfigLoader.load(Optional.empty(), Map.of(), new Properties());

        assertThat(config.secrets().kek()).isEmpty();
        assertThat(config.secrets().previous()).isEmpty();
    }

    @Test
    void everyBadKek_isReportedAtOnce_namingTheKeyAndTheProblem_neverTheValue(@TempDir Path dir) throws IOException {
        String tooShort = Base64.getEncoder().encodeToString(new byte[16]);
        Path garbage = dir.resolve("garbage.key");
        Files.writeString(garbage, "this is not base64 at all!");

        assertThatThrownBy(() -> ConfigLoader.load(
                        Optional.empty(),
                        Map.of(),
                        props(
                                "carlink.secrets.kek",
                                tooShort,
                                "carlink.secrets.previous-keks",
                                "not*base64",
                                "carlink.secrets.previous-kek-files",
                                dir.resolve("missing.key") + "," + garbage + "," + dir)))
                .isInstanceOf(ConfigLoader.ConfigException.class)
                .hasMessageContaining("secrets.kek must be the base64 of 32 random bytes")
                .hasMessageContaining("was 16 bytes")
                .hasMessageContaining("secrets.previous-keks (entry 1) must be the base64 of 32 random bytes")
                .hasMessageContaining(dir.resolve("missing.key") + " cannot be read: there is no such file")
                .hasMessageContaining(garbage + " must be the base64 of 32 random bytes")
                .hasMessageContaining(dir + " cannot be read")
                .hasMessageNotContaining(tooShort)
                .hasMessageNotContaining("not*base64")
                .hasMessageNotContaining("this is not base64");
    }

    @Test
    void aKekAndAKekFile_together_areRefused(@TempDir Path dir) throws IOException {
        KeyEncryptionKey kek = KeyEncryptionKey.generate(new SecureRandom());
        Path file = dir.resolve("kek.key");
        Files.writeString(file, kek.toBase64());

        assertThatThrownBy(() -> ConfigLoader.load(
                        Optional.empty(),
                        Map.of("CARLINK_SECRETS_KEK", kek.toBase64()),
                        props("carlink.secrets.kek-file", file.toString())))
                .hasMessageContaining("secrets.kek and secrets.kek-file are both set");
    }

    @Test
    void theCurrentKek_listedAsAPreviousOne_isRefused(@TempDir Path dir) throws IOException {
        KeyEncryptionKey kek = KeyEncryptionKey.generate(new SecureRandom());
        Path file = dir.resolve("kek.key");
        Files.writeString(file, kek.toBase64());

        assertThatThrownBy(() -> ConfigLoader.load(
                        Optional.empty(),
                        Map.of(),
                        props(
                                "carlink.secrets.kek-file",
                                file.toString(),
                                "carlink.secrets.previous-keks",
                                kek.toBase64())))
                .hasMessageContaining("secrets: KEK " + kek.id() + " is the current KEK and listed as a previous one");
    }

    @Test
    void anExternalDatabase_needsAKek_butAGatewayOnlyInstanceDoesNot() {
        assertThatThrownBy(() -> ConfigLoader.load(
                        Optional.empty(), Map.of(), props("carlink.db.url", "jdbc:postgresql://db/carlink")))
                .isInstanceOf(ConfigLoader.ConfigException.class)
                .hasMessageContaining("secrets.kek or secrets.kek-file must be set with an external database")
                .hasMessageContaining("openssl rand -base64 32");

        AppConfig withKek = ConfigLoader.load(
                Optional.empty(),
                Map.of(
                        "CARLINK_SECRETS_KEK",
                        KeyEncryptionKey.generate(new SecureRandom()).toBase64()),
                props("carlink.db.url", "jdbc:postgresql://db/carlink"));
        assertThat(withKek.secrets().kek()).isPresent();

        AppConfig gateway = ConfigLoader.load(
                Optional.empty(),
                Map.of(),
                props(
                        "carlink.db.url",
                        "jdbc:postgresql://db/carlink",
                        "carlink.cluster.enabled",
                        "true",
                        "carlink.cluster.role",
                        "GATEWAY",
                        "carlink.cluster.members",
                        "10.0.0.1:5701"));
        assertThat(gateway.secrets().kek()).isEmpty();
        assertThat(gateway.cluster().role()).isEqualTo(ClusterConfig.Role.GATEWAY);
    }
}
