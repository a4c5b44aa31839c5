package dev.carlink.app;

import dev.carlink.command.CommandServiceConfig;
import dev.carlink.command.CommandServiceConfig.BootstrapUser;
import dev.carlink.command.rules.RulesConfig;
import dev.carlink.command.secrets.KeyEncryptionKey;
import dev.carlink.command.secrets.KeyRing;
import dev.carlink.gateway.GatewayConfig;
import dev.carlink.gateway.MqttTlsConfig;
import dev.carlink.gateway.coap.CoapConfig;
import dev.carlink.gateway.mqtt.MqttLimits;
import dev.carlink.telemetry.TelemetryConfig;
import dev.carlink.telemetry.series.SeriesConfig;
import dev.carlink.telemetry.series.SignalGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Builds {@link AppConfig} from, lowest first: defaults, a properties file, environment variables
 * ({@code CARLINK_HTTP_PORT} for {@code http.port}) and system properties ({@code -Dcarlink.http.port}).
 * Every bad or unknown key is collected, and start-up fails listing them all; nothing is clamped.
 */
public final class ConfigLoader {

    /** Demo accounts, created when the demo is enabled. */
    public static final List<BootstrapUser> DEMO_USERS = List.of(
            new BootstrapUser("admin", "admin-demo-pass", "ADMIN", "Administrator"),
            new BootstrapUser("staff", "staff-demo-pass", "STAFF", "Sam Service"),
            new BootstrapUser("alice", "alice-demo-pass", "OWNER", "Alice Owner"),
            new BootstrapUser("bob", "bob-demo-pass", "OWNER", "Bob Owner"));

    /** Every key, its default, and what it sets: the README's configuration table is this map. */
    static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("data-dir", DatabaseConfig.DEFAULT_DATA_DIR.toString());
        d.put("db.url", "");
        d.put("db.user", "postgres");
        d.put("db.password", "");
        d.put("db.pool-size", String.valueOf(DatabaseConfig.DEFAULT_POOL_SIZE));
        d.put("db.embedded-port", "0");
        d.put("http.host", CommandServiceConfig.DEFAULT_HTTP_HOST);
        d.put("http.port", String.valueOf(CommandServiceConfig.DEFAULT_HTTP_PORT));
        d.put("mqtt.host", GatewayConfig.DEFAULT_HOST);
        d.put("mqtt.port", String.valueOf(GatewayConfig.DEFAULT_MQTT_PORT));
        d.put("mqtt.max-message-size", String.valueOf(GatewayConfig.DEFAULT_MAX_MESSAGE_SIZE));
        d.put("mqtt.max-connections", String.valueOf(MqttLimits.DEFAULT_MAX_CONNECTIONS));
        d.put("mqtt.receive-maximum", String.valueOf(MqttLimits.DEFAULT_RECEIVE_MAXIMUM));
        d.put("mqtt.topic-alias-maximum", String.valueOf(MqttLimits.DEFAULT_TOPIC_ALIAS_MAXIMUM));
        d.put("mqtt.session-expiry-max", MqttLimits.DEFAULT_SESSION_EXPIRY_MAX.toString());
        d.put("mqtt.vehicle-messages-per-second", String.valueOf(MqttLimits.DEFAULT_MESSAGES_PER_SECOND));
        d.put("mqtt.vehicle-message-burst", String.valueOf(MqttLimits.DEFAULT_MESSAGE_BURST));
        d.put("mqtt.failed-logins-per-minute", String.valueOf(MqttLimits.DEFAULT_FAILED_LOGINS_PER_MINUTE));
        d.put("mqtt.login-block", MqttLimits.DEFAULT_LOGIN_BLOCK.toString());
        d.put("mqtt.tls.enabled", "true");
        d.put("mqtt.tls.port", String.valueOf(MqttTlsConfig.DEFAULT_PORT));
        d.put("mqtt.tls.certificate", "");
        d.put("mqtt.tls.private-key", "");
        d.put("mqtt.tls.client-ca", "");
        d.put("cluster.enabled", "false");
        d.put("cluster.role", "ALL");
        d.put("cluster.host", "127.0.0.1");
        d.put("cluster.port", String.valueOf(ClusterConfig.DEFAULT_PORT));
        d.put("cluster.members", "");
        d.put("cluster.name", "carlink");
        d.put("cluster.advertise", "");
        d.put("cluster.bus-port", "0");
        d.put("cluster.bus-advertise", "");
        d.put("mqtt.gateway-id", GatewayConfig.DEFAULT_GATEWAY_ID);
        d.put("coap.enabled", "true");
        d.put("coap.port", String.valueOf(CoapConfig.DEFAULT_PORT));
        d.put("coap.dtls-enabled", "true");
        d.put("coap.dtls-port", String.valueOf(CoapConfig.DEFAULT_DTLS_PORT));
        d.put("coap.dedup-capacity", String.valueOf(CoapConfig.DEFAULT_DEDUP_CAPACITY));
        d.put("telemetry.batch-max-size", String.valueOf(TelemetryConfig.DEFAULT_BATCH_MAX_SIZE));
        d.put("telemetry.batch-max-delay", TelemetryConfig.DEFAULT_BATCH_MAX_DELAY.toMillis() + "ms");
        d.put("telemetry.max-pending", String.valueOf(TelemetryConfig.DEFAULT_MAX_PENDING));
        SeriesConfig series = SeriesConfig.defaults();
        d.put("telemetry.retention.raw", series.rawRetention().toDays() + "d");
        d.put("telemetry.retention.minutes", series.minuteRetention().toDays() + "d");
        d.put("telemetry.retention.hours", series.hourRetention().toDays() + "d");
        // per signal group: empty = the tier's own retention
        for (SignalGroup group : SignalGroup.values()) {
            d.put("telemetry.retention." + group.key(), "");
            if (!group.rolled().isEmpty()) {
                d.put("telemetry.retention." + group.key() + ".minutes", "");
                d.put("telemetry.retention." + group.key() + ".hours", "");
            }
        }
        d.put(
                "telemetry.retention.driver-monitoring",
                series.retentionOf(SignalGroup.DRIVER_MONITORING).toDays() + "d");
        d.put("telemetry.rollup.refresh-interval", series.refreshInterval().toSeconds() + "s");
        d.put("telemetry.rollup.lag", series.refreshLag().toSeconds() + "s");
        d.put("telemetry.maintenance-interval", series.maintenanceInterval().toMinutes() + "m");
        d.put("telemetry.expected-rows-per-second", String.valueOf(series.expectedRowsPerSecond()));
        d.put("auth.token-ttl", CommandServiceConfig.DEFAULT_TOKEN_TTL.toHours() + "h");
        d.put("auth.hash-iterations", String.valueOf(CommandServiceConfig.DEFAULT_PASSWORD_HASH_ITERATIONS));
        d.put("auth.admin-password", "");
        // key-encryption keys of the secrets in the database: empty = generated in the data directory (embedded)
        d.put("secrets.kek", "");
        d.put("secrets.kek-file", "");
        d.put("secrets.previous-keks", "");
        d.put("secrets.previous-kek-files", "");
        d.put("commands.result-timeout", CommandServiceConfig.DEFAULT_RESULT_TIMEOUT.toSeconds() + "s");
        d.put(
                "commands.per-vehicle-per-minute",
                String.valueOf(CommandServiceConfig.RateLimits.DEFAULT_PER_VEHICLE_PER_MINUTE));
        d.put(
                "commands.per-owner-per-minute",
                String.valueOf(CommandServiceConfig.RateLimits.DEFAULT_PER_OWNER_PER_MINUTE));
        d.put("commands.signature-validity", CommandServiceConfig.DEFAULT_SIGNATURE_VALIDITY.toSeconds() + "s");
        d.put("schedules.interval", CommandServiceConfig.Schedules.DEFAULT_INTERVAL.toMillis() + "ms");
        d.put("schedules.grace-period", CommandServiceConfig.Schedules.DEFAULT_GRACE_PERIOD.toMinutes() + "m");
        RulesConfig rules = RulesConfig.defaults();
        d.put("rules.fatigue.enabled", String.valueOf(rules.fatigue().enabled()));
        d.put("rules.fatigue.repeat-window", rules.fatigue().repeatWindow().toMinutes() + "m");
        d.put(
                "rules.fatigue.acknowledge-timeout",
                rules.fatigue().acknowledgeTimeout().toSeconds() + "s");
        d.put("rules.fatigue.parked-reset", rules.fatigue().parkedReset().toMinutes() + "m");
        d.put("rules.fatigue.event-retention", rules.fatigue().eventRetention().toHours() + "h");
        d.put("rules.hot-cabin.enabled", String.valueOf(rules.hotCabin().enabled()));
        d.put("rules.hot-cabin.threshold-c", String.valueOf(rules.hotCabin().thresholdC()));
        d.put(
                "rules.hot-cabin.cooling-target-c",
                String.valueOf(rules.hotCabin().coolingTargetC()));
        d.put("rules.hot-cabin.cooling-minutes", String.valueOf(rules.hotCabin().coolingMinutes()));
        d.put("rules.hot-cabin.clear-below-c", String.valueOf(rules.hotCabin().clearBelowC()));
        d.put(
                "rules.sterilization.enabled",
                String.valueOf(rules.sterilization().enabled()));
        d.put(
                "rules.sterilization.silent-grace",
                rules.sterilization().silentGrace().toSeconds() + "s");
        d.put(
                "rules.command-failures.enabled",
                String.valueOf(rules.commandFailures().enabled()));
        d.put(
                "rules.command-failures.count",
                String.valueOf(rules.commandFailures().count()));
        d.put("rules.command-failures.window", rules.commandFailures().window().toMinutes() + "m");
        d.put("rules.owner-retries.enabled", String.valueOf(rules.ownerRetries().enabled()));
        d.put("rules.owner-retries.count", String.valueOf(rules.ownerRetries().count()));
        d.put("rules.owner-retries.window", rules.ownerRetries().window().toMinutes() + "m");
        d.put("rules.schedule-not-run.enabled", String.valueOf(rules.scheduleNotRun()));
        d.put("demo.enabled", "true");
        d.put("demo.fleet-size", String.valueOf(DemoConfig.DEFAULT_FLEET_SIZE));
        d.put("demo.telemetry-interval", DemoConfig.DEFAULT_TELEMETRY_INTERVAL.toSeconds() + "s");
        d.put("demo.fatigue-time-scale", String.valueOf((int) DemoConfig.DEFAULT_FATIGUE_TIME_SCALE));
        return d;
    }

    private ConfigLoader() {}

    /** Thrown with every problem found, one per line. */
    public static final class ConfigException extends RuntimeException {
        ConfigException(List<String> problems) {
            super("invalid configuration:\n  " + String.join("\n  ", problems));
        }
    }

    /** Loads from the file (if any), this process's environment and system properties. */
    public static AppConfig load(Optional<Path> file) {
        return load(file, System.getenv(), System.getProperties());
    }

    public static AppConfig load(Optional<Path> file, Map<String, String> env, Properties system) {
        List<String> problems = new ArrayList<>();
        Map<String, String> values = new TreeMap<>(DEFAULTS);
        file.ifPresent(path -> readFile(path, values, problems));
        env.forEach((name, value) -> {
            if (name.startsWith("CARLINK_") && !name.equals("CARLINK_CONFIG")) {
                String key = envToKey(name);
                putKnown(values, key, value, "environment variable " + name, problems);
            }
        });
        system.stringPropertyNames().forEach(name -> {
            if (name.startsWith("carlink.")) {
                putKnown(
                        values,
                        name.substring("carlink.".length()),
                        system.getProperty(name),
                        "system property " + name,
                        problems);
            }
        });
        Reader r = new Reader(values, problems);
        AppConfig config = r.build();
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    /** {@code CARLINK_DEMO_FLEET_SIZE} names {@code demo.fleet-size}: matched against the known keys. */
    static String envToKey(String name) {
        String wanted = name.substring("CARLINK_".length());
        for (String key : DEFAULTS.keySet()) {
            if (key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_').equals(wanted)) {
                return key;
            }
        }
        return wanted.toLowerCase(Locale.ROOT);
    }

    private static void readFile(Path path, Map<String, String> values, List<String> problems) {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(path)) {
            p.load(in);
        } catch (IOException e) {
            problems.add("config file " + path + " cannot be read: " + e.getMessage());
            return;
        }
        p.stringPropertyNames().forEach(key -> putKnown(values, key, p.getProperty(key), "file " + path, problems));
    }

    private static void putKnown(
            Map<String, String> values, String key, String value, String source, List<String> problems) {
        if (!DEFAULTS.containsKey(key)) {
            problems.add(key + " (from " + source + ") is not a known key; known: " + DEFAULTS.keySet());
            return;
        }
        values.put(key, value.trim());
    }

    /** Parses "250ms", "5s", "10m", "12h", "2d" or ISO-8601 ("PT5S"). */
    static Duration parseDuration(String raw) {
        String s = raw.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.startsWith("p")) {
                return Duration.parse(raw.trim().toUpperCase(Locale.ROOT));
            }
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            return switch (s.charAt(s.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException();
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("must be a duration such as 250ms, 5s, 10m, 12h or PT5S, was " + raw);
        }
    }

    /** Reads typed values, noting each problem and carrying on so every one is reported. */
    private static final class Reader {
        private final Map<String, String> values;
        private final List<String> problems;

        Reader(Map<String, String> values, List<String> problems) {
            this.values = values;
            this.problems = problems;
        }

        AppConfig build() {
            String url = values.get("db.url");
            DatabaseConfig database = section(
                    "db",
                    () -> new DatabaseConfig(
                            url.isEmpty() ? Optional.empty() : Optional.of(url),
                            values.get("db.user"),
                            values.get("db.password"),
                            Path.of(values.get("data-dir")),
                            integer("db.pool-size"),
                            integer("db.embedded-port")));
            GatewayConfig gatewayDefaults = GatewayConfig.defaults();
            MqttLimits limits = section(
                    "mqtt",
                    () -> new MqttLimits(
                            integer("mqtt.max-connections"),
                            integer("mqtt.receive-maximum"),
                            integer("mqtt.topic-alias-maximum"),
                            duration("mqtt.session-expiry-max"),
                            integer("mqtt.vehicle-messages-per-second"),
                            integer("mqtt.vehicle-message-burst"),
                            integer("mqtt.failed-logins-per-minute"),
                            duration("mqtt.login-block")));
            MqttTlsConfig tls = section(
                    "mqtt.tls",
                    () -> new MqttTlsConfig(
                            bool("mqtt.tls.enabled"),
                            integer("mqtt.tls.port"),
                            optionalPath("mqtt.tls.certificate"),
                            optionalPath("mqtt.tls.private-key"),
                            optionalPath("mqtt.tls.client-ca")));
            GatewayConfig gateway = limits == null || tls == null
                    ? null
                    : section(
                            "mqtt",
                            () -> new GatewayConfig(
                                    values.get("mqtt.host"),
                                    integer("mqtt.port"),
                                    integer("mqtt.max-message-size"),
                                    gatewayDefaults.busTimeout(),
                                    values.get("mqtt.gateway-id"),
                                    limits,
                                    tls));
            CoapConfig coapDefaults = CoapConfig.defaults();
            CoapConfig coap = section(
                    "coap",
                    () -> new CoapConfig(
                            bool("coap.enabled"),
                            integer("coap.port"),
                            bool("coap.dtls-enabled"),
                            integer("coap.dtls-port"),
                            coapDefaults.sessionTtl(),
                            coapDefaults.presenceTimeout(),
                            coapDefaults.maxPayload(),
                            integer("coap.dedup-capacity")));
            TelemetryConfig telemetryDefaults = TelemetryConfig.defaults();
            TelemetryConfig telemetry = section(
                    "telemetry",
                    () -> new TelemetryConfig(
                            integer("telemetry.batch-max-size"),
                            duration("telemetry.batch-max-delay"),
                            integer("telemetry.max-pending"),
                            telemetryDefaults.historyMaxLimit(),
                            telemetryDefaults.maxFutureSkew()));
            SeriesConfig telemetryStorage = section("telemetry", () -> {
                Duration raw = duration("telemetry.retention.raw");
                Duration minutes = duration("telemetry.retention.minutes");
                Duration hours = duration("telemetry.retention.hours");
                Map<SignalGroup, SeriesConfig.GroupRetention> groups = new EnumMap<>(SignalGroup.class);
                for (SignalGroup group : SignalGroup.values()) {
                    String key = "telemetry.retention." + group.key();
                    groups.put(
                            group,
                            new SeriesConfig.GroupRetention(
                                    orDefault(key, raw),
                                    orDefault(key + ".minutes", minutes),
                                    orDefault(key + ".hours", hours)));
                }
                return new SeriesConfig(
                        raw,
                        minutes,
                        hours,
                        groups,
                        duration("telemetry.rollup.refresh-interval"),
                        duration("telemetry.rollup.lag"),
                        duration("telemetry.maintenance-interval"),
                        integer("telemetry.expected-rows-per-second"));
            });
            boolean demoEnabled = bool("demo.enabled");
            DemoConfig demo = section(
                    "demo",
                    () -> new DemoConfig(
                            demoEnabled,
                            integer("demo.fleet-size"),
                            duration("demo.telemetry-interval"),
                            number("demo.fatigue-time-scale")));
            List<BootstrapUser> users = new ArrayList<>(demoEnabled ? DEMO_USERS : List.of());
            String adminPassword = values.get("auth.admin-password");
            if (!adminPassword.isEmpty()) {
                users.removeIf(u -> u.username().equals("admin"));
                section("auth", () -> users.add(new BootstrapUser("admin", adminPassword, "ADMIN", "Administrator")));
            }
            CommandServiceConfig defaults = CommandServiceConfig.defaults();
            CommandServiceConfig command = section(
                    "http",
                    () -> new CommandServiceConfig(
                            values.get("http.host"),
                            integer("http.port"),
                            duration("auth.token-ttl"),
                            integer("auth.hash-iterations"),
                            defaults.deliveryTimeout(),
                            duration("commands.result-timeout"),
                            defaults.sweepInterval(),
                            defaults.minSterilizationChargePct(),
                            defaults.minClimateChargePct(),
                            users,
                            new CommandServiceConfig.RateLimits(
                                    integer("commands.per-vehicle-per-minute"),
                                    integer("commands.per-owner-per-minute")),
                            duration("commands.signature-validity"),
                            new CommandServiceConfig.Schedules(
                                    duration("schedules.interval"),
                                    duration("schedules.grace-period"),
                                    defaults.schedules().batchSize(),
                                    defaults.schedules().claimLease()),
                            rules(defaults.rules())));
            ClusterConfig cluster = section(
                    "cluster",
                    () -> new ClusterConfig(
                            bool("cluster.enabled"),
                            role("cluster.role"),
                            values.get("cluster.host"),
                            integer("cluster.port"),
                            list("cluster.members"),
                            values.get("cluster.name"),
                            optional("cluster.advertise"),
                            integer("cluster.bus-port"),
                            optional("cluster.bus-advertise")));
            SecretsConfig secrets = secrets(database, cluster);
            return new AppConfig(database, gateway, coap, telemetry, telemetryStorage, command, demo, cluster, secrets);
        }

        /**
         * The KEKs: each read and checked now, so that a bad one is listed with every other problem. A key's value
         * is never repeated in a problem.
         */
        private SecretsConfig secrets(DatabaseConfig database, ClusterConfig cluster) {
            int problemsBefore = problems.size();
            String inline = values.get("secrets.kek");
            String file = values.get("secrets.kek-file");
            Optional<SecretsConfig.Source> kek = Optional.empty();
            if (!inline.isEmpty() && !file.isEmpty()) {
                problems.add("secrets.kek and secrets.kek-file are both set: give one of them");
            } else if (!inline.isEmpty()) {
                kek = inlineKek("secrets.kek", inline);
            } else if (!file.isEmpty()) {
                kek = fileKek("secrets.kek-file", file);
            } else if (database != null
                    && database.url().isPresent()
                    && (cluster == null || cluster.role() == ClusterConfig.Role.ALL)) {
                problems.add("secrets.kek or secrets.kek-file must be set with an external database (db.url): the"
                        + " command-signing keys and the cars' DTLS keys are stored encrypted under it, and every"
                        + " instance on that database needs the same one. Make one with"
                        + " `openssl rand -base64 32 > kek.key && chmod 600 kek.key`");
            }
            List<SecretsConfig.Source> previous = new ArrayList<>();
            List<String> previousInline = list("secrets.previous-keks");
            for (int i = 0; i < previousInline.size(); i++) {
                inlineKek("secrets.previous-keks (entry " + (i + 1) + ")", previousInline.get(i))
                        .ifPresent(previous::add);
            }
            for (String path : list("secrets.previous-kek-files")) {
                fileKek("secrets.previous-kek-files", path).ifPresent(previous::add);
            }
            if (problems.size() > problemsBefore) {
                return null;
            }
            Optional<SecretsConfig.Source> current = kek;
            return section("secrets", () -> {
                // the same key twice (current and previous, or two previous) is refused by the ring
                current.ifPresent(k -> new KeyRing(
                        k.key(),
                        previous.stream().map(SecretsConfig.Source::key).toList()));
                return new SecretsConfig(current, previous);
            });
        }

        private Optional<SecretsConfig.Source> inlineKek(String key, String value) {
            try {
                return Optional.of(new SecretsConfig.Source(KeyEncryptionKey.fromBase64(value), key, Optional.empty()));
            } catch (IllegalArgumentException e) {
                problems.add(key + " " + e.getMessage());
                return Optional.empty();
            }
        }

        private Optional<SecretsConfig.Source> fileKek(String key, String value) {
            Path path;
            try {
                path = Path.of(value.trim()).toAbsolutePath();
            } catch (java.nio.file.InvalidPathException e) {
                problems.add(key + " must be a file path, was '" + value + "'");
                return Optional.empty();
            }
            try {
                return Optional.of(new SecretsConfig.Source(KekFile.read(path), "file " + path, Optional.of(path)));
            } catch (IllegalArgumentException e) {
                problems.add(key + ": " + path + " " + e.getMessage());
                return Optional.empty();
            }
        }

        private <T> T section(String name, java.util.function.Supplier<T> build) {
            try {
                return build.get();
            } catch (BadValue e) {
                return null;
            } catch (IllegalArgumentException | NullPointerException e) {
                problems.add(name + ": " + e.getMessage());
                return null;
            }
        }

        private RulesConfig rules(RulesConfig defaults) {
            return new RulesConfig(
                    new RulesConfig.Fatigue(
                            bool("rules.fatigue.enabled"),
                            duration("rules.fatigue.repeat-window"),
                            duration("rules.fatigue.acknowledge-timeout"),
                            duration("rules.fatigue.parked-reset"),
                            duration("rules.fatigue.event-retention")),
                    new RulesConfig.HotCabin(
                            bool("rules.hot-cabin.enabled"),
                            number("rules.hot-cabin.threshold-c"),
                            number("rules.hot-cabin.cooling-target-c"),
                            integer("rules.hot-cabin.cooling-minutes"),
                            number("rules.hot-cabin.clear-below-c")),
                    new RulesConfig.Sterilization(
                            bool("rules.sterilization.enabled"), duration("rules.sterilization.silent-grace")),
                    new RulesConfig.Repeats(
                            bool("rules.command-failures.enabled"),
                            integer("rules.command-failures.count"),
                            duration("rules.command-failures.window")),
                    new RulesConfig.Repeats(
                            bool("rules.owner-retries.enabled"),
                            integer("rules.owner-retries.count"),
                            duration("rules.owner-retries.window")),
                    bool("rules.schedule-not-run.enabled"),
                    defaults.interval());
        }

        private int integer(String key) {
            return typed(key, Integer::parseInt, "a whole number");
        }

        private double number(String key) {
            return typed(key, Double::parseDouble, "a number");
        }

        private boolean bool(String key) {
            return typed(
                    key,
                    v -> {
                        if (!v.equals("true") && !v.equals("false")) {
                            throw new IllegalArgumentException();
                        }
                        return Boolean.parseBoolean(v);
                    },
                    "true or false");
        }

        /** The duration under {@code key}, or {@code fallback} when the key is absent or empty. */
        private Duration orDefault(String key, Duration fallback) {
            String raw = values.get(key);
            return raw == null || raw.isBlank() ? fallback : duration(key);
        }

        private ClusterConfig.Role role(String key) {
            return typed(key, v -> ClusterConfig.Role.valueOf(v.trim().toUpperCase(Locale.ROOT)), "ALL or GATEWAY");
        }

        /** A comma-separated list; blank gives an empty list. */
        private List<String> list(String key) {
            String raw = values.get(key);
            List<String> out = new ArrayList<>();
            if (raw != null) {
                for (String part : raw.split(",")) {
                    if (!part.isBlank()) {
                        out.add(part.trim());
                    }
                }
            }
            return out;
        }

        /** The trimmed value, or null when it is absent or blank. */
        private String optional(String key) {
            String raw = values.get(key);
            return raw == null || raw.isBlank() ? null : raw.trim();
        }

        /** A file path, or empty when the value is blank. */
        private Optional<Path> optionalPath(String key) {
            String raw = values.get(key);
            return raw == null || raw.isBlank() ? Optional.empty() : Optional.of(Path.of(raw.trim()));
        }

        private Duration duration(String key) {
            return typed(key, ConfigLoader::parseDuration, "a duration such as 250ms, 5s, 10m or 12h");
        }

        private <T> T typed(String key, Function<String, T> parse, String expected) {
            String raw = values.get(key);
            try {
                return parse.apply(raw);
            } catch (RuntimeException e) {
                problems.add(key + " must be " + expected + ", was '" + raw + "'");
                throw new BadValue();
            }
        }
    }

    /** A value already reported as a problem; stops building its section. */
    private static final class BadValue extends RuntimeException {
        BadValue() {
            super(null, null, false, false);
        }
    }
}
