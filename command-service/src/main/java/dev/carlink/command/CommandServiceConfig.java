package dev.carlink.command;

import dev.carlink.command.rules.RulesConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the command-service.
 *
 * @param httpHost interface the HTTP API binds to
 * @param httpPort HTTP port; 0 binds any free port (read it back from the verticle)
 * @param tokenTtl how long a bearer token from login stays valid
 * @param passwordHashIterations PBKDF2 iterations for passwords and vehicle secrets
 * @param deliveryTimeout how long to wait for the gateway to write a command to the car
 * @param resultTimeout how long a sent command may wait for the car's result before TIMED_OUT
 * @param sweepInterval how often deadlines of open commands are checked
 * @param minSterilizationChargePct the cloud refuses sterilization below this state of charge
 * @param minClimateChargePct the cloud refuses remote climate below this charge unless overridden
 * @param bootstrapUsers accounts created at start when absent (the first admin, demo accounts)
 * @param rateLimits how many command requests a car and an owner may make per minute
 * @param signatureValidity how long after signing a car accepts a command's signature (seconds, not minutes)
 * @param schedules how the A/C scheduler runs
 * @param rules the proactive-service rules
 */
public record CommandServiceConfig(
        String httpHost,
        int httpPort,
        Duration tokenTtl,
        int passwordHashIterations,
        Duration deliveryTimeout,
        Duration resultTimeout,
        Duration sweepInterval,
        double minSterilizationChargePct,
        double minClimateChargePct,
        List<BootstrapUser> bootstrapUsers,
        RateLimits rateLimits,
        Duration signatureValidity,
        Schedules schedules,
        RulesConfig rules) {

    public static final String DEFAULT_HTTP_HOST = "0.0.0.0";
    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final Duration DEFAULT_TOKEN_TTL = Duration.ofHours(12);
    /**
     * PBKDF2-HMAC-SHA256 iterations: about 0.1 s of one core here. Vehicle secrets are 256 random bits,
     * so their hash needs no more; owners' passwords would welcome OWASP's 600,000 at six times the cost.
     */
    public static final int DEFAULT_PASSWORD_HASH_ITERATIONS = 210_000;

    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RESULT_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofSeconds(2);
    public static final double DEFAULT_MIN_STERILIZATION_CHARGE_PCT = 30;
    public static final double DEFAULT_MIN_CLIMATE_CHARGE_PCT = 20;
    /** Long enough for a send through a congested gateway, short enough that a captured command is soon useless. */
    public static final Duration DEFAULT_SIGNATURE_VALIDITY = Duration.ofSeconds(30);

    public static final Duration MIN_SIGNATURE_VALIDITY = Duration.ofSeconds(5);
    public static final Duration MAX_SIGNATURE_VALIDITY = Duration.ofSeconds(300);

    public CommandServiceConfig {
        Objects.requireNonNull(httpHost, "httpHost");
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("httpPort must be 0..65535, was " + httpPort);
        }
        requirePositive("tokenTtl", tokenTtl);
        if (passwordHashIterations < 1_000) {
            throw new IllegalArgumentException(
                    "passwordHashIterations must be at least 1000, was " + passwordHashIterations);
        }
        requirePositive("deliveryTimeout", deliveryTimeout);
        requirePositive("resultTimeout", resultTimeout);
        requirePositive("sweepInterval", sweepInterval);
        requirePercent("minSterilizationChargePct", minSterilizationChargePct);
        requirePercent("minClimateChargePct", minClimateChargePct);
        bootstrapUsers = List.copyOf(bootstrapUsers);
        java.util.Objects.requireNonNull(rateLimits, "rateLimits");
        if (signatureValidity == null
                || signatureValidity.compareTo(MIN_SIGNATURE_VALIDITY) < 0
                || signatureValidity.compareTo(MAX_SIGNATURE_VALIDITY) > 0) {
            throw new IllegalArgumentException("signatureValidity must be 5s..300s, was " + signatureValidity);
        }
        java.util.Objects.requireNonNull(schedules, "schedules");
    }

    /**
     * Command requests allowed per minute, per car and per owner; more are answered 429 with Retry-After.
     */
    public record RateLimits(int perVehiclePerMinute, int perOwnerPerMinute) {
        public static final int DEFAULT_PER_VEHICLE_PER_MINUTE = 10;
        public static final int DEFAULT_PER_OWNER_PER_MINUTE = 30;

        public RateLimits {
            if (perVehiclePerMinute < 1 || perVehiclePerMinute > 10_000) {
                throw new IllegalArgumentException(
                        "commands per vehicle per minute must be 1..10000, was " + perVehiclePerMinute);
            }
            if (perOwnerPerMinute < 1 || perOwnerPerMinute > 10_000) {
                throw new IllegalArgumentException(
                        "commands per owner per minute must be 1..10000, was " + perOwnerPerMinute);
            }
        }

        public static RateLimits defaults() {
            return new RateLimits(DEFAULT_PER_VEHICLE_PER_MINUTE, DEFAULT_PER_OWNER_PER_MINUTE);
        }
    }

    /**
     * The A/C scheduler: how often it looks for due occurrences, how late a start may still run, and how
     * many occurrences one instance claims at a time and for how long before another may take them over.
     */
    public record Schedules(Duration interval, Duration gracePeriod, int batchSize, Duration claimLease) {
        /** A tick costs one indexed claim query; a quarter second keeps a start's lateness well under 1 s. */
        public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(250);
        /** A start up to 10 minutes late (a restart, a slow round) still cools the cabin for most of the way. */
        public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofMinutes(10);

        public static final int DEFAULT_BATCH_SIZE = 200;
        /** Longer than a round ever takes; after it another instance may decide the claimed occurrences. */
        public static final Duration DEFAULT_CLAIM_LEASE = Duration.ofSeconds(30);

        public Schedules {
            if (interval == null
                    || interval.compareTo(Duration.ofMillis(10)) < 0
                    || interval.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("schedules.interval must be 10ms..1m, was " + interval);
            }
            if (gracePeriod == null
                    || gracePeriod.compareTo(Duration.ofSeconds(1)) < 0
                    || gracePeriod.compareTo(Duration.ofHours(24)) > 0) {
                throw new IllegalArgumentException("schedules.grace-period must be 1s..24h, was " + gracePeriod);
            }
            if (batchSize < 1 || batchSize > 10_000) {
                throw new IllegalArgumentException("schedules batch size must be 1..10000, was " + batchSize);
            }
            if (claimLease == null || claimLease.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("schedules claim lease must be at least 1s, was " + claimLease);
            }
        }

        public static Schedules defaults() {
            return new Schedules(DEFAULT_INTERVAL, DEFAULT_GRACE_PERIOD, DEFAULT_BATCH_SIZE, DEFAULT_CLAIM_LEASE);
        }
    }

    /** Defaults with no bootstrap accounts. */
    public static CommandServiceConfig defaults() {
        return new CommandServiceConfig(
                DEFAULT_HTTP_HOST,
                DEFAULT_HTTP_PORT,
                DEFAULT_TOKEN_TTL,
                DEFAULT_PASSWORD_HASH_ITERATIONS,
                DEFAULT_DELIVERY_TIMEOUT,
                DEFAULT_RESULT_TIMEOUT,
                DEFAULT_SWEEP_INTERVAL,
                DEFAULT_MIN_STERILIZATION_CHARGE_PCT,
                DEFAULT_MIN_CLIMATE_CHARGE_PCT,
                List.of(),
                RateLimits.defaults(),
                DEFAULT_SIGNATURE_VALIDITY,
                Schedules.defaults(),
                RulesConfig.defaults());
    }

    public CommandServiceConfig withHttp(String host, int port) {
        return new CommandServiceConfig(
                host,
                port,
                tokenTtl,
                passwordHashIterations,
                deliveryTimeout,
                resultTimeout,
                sweepInterval,
                minSterilizationChargePct,
                minClimateChargePct,
                bootstrapUsers,
                rateLimits,
                signatureValidity,
                schedules,
                rules);
    }

    public CommandServiceConfig withPasswordHashIterations(int iterations) {
        return new CommandServiceConfig(
                httpHost,
                httpPort,
                tokenTtl,
                iterations,
                deliveryTimeout,
                resultTimeout,
                sweepInterval,
                minSterilizationChargePct,
                minClimateChargePct,
                bootstrapUsers,
                rateLimits,
                signatureValidity,
                schedules,
                rules);
    }

    public CommandServiceConfig withTokenTtl(Duration ttl) {
        return new CommandServiceConfig(
                httpHost,
                httpPort,
                ttl,
                passwordHashIterations,
                deliveryTimeout,
                resultTimeout,
                sweepInterval,
                minSterilizationChargePct,
                minClimateChargePct,
                bootstrapUsers,
                rateLimits,
                signatureValidity,
                schedules,
                rules);
    }

    public CommandServiceConfig withResultTimeout(Duration timeout) {
        return new CommandServiceConfig(
                httpHost,
                httpPort,
                tokenTtl,
                passwordHashIterations,
                deliveryTimeout,
                timeout,
                sweepInterval,
                minSterilizationChargePct,
                minClimateChargePct,
                bootstrapUsers,
                rateLimits,
                signatureValidity,
                schedules,
                rules);
    }

    public CommandServiceConfig withBootstrapUsers(List<BootstrapUser> users) {
        return new CommandServiceConfig(
                httpHost,
                httpPort,
                tokenTtl,
                passwordHashIterations,
                deliveryTimeout,
                resultTimeout,
                sweepInterval,
                minSterilizationChargePct,
                minClimateChargePct,
                users,
                rateLimits,
                signatureValidity,
                schedules,
                rules);
    }

    public CommandServiceConfig withRateLimits(RateLimits limits) {
        return new CommandServiceConfig(
                httpHost,
                httpPort,
                tokenTtl,
                passwordHashIterations,
                deliveryTimeout,
                resultTimeout,
                sweepInterval,
                minSterilizationChargePct,
                minClimateChargePct,
                bootstrapUsers,
                limits,
                signatureValidity,
                schedules,
                rules);
    }

    public CommandServiceConfig withSchedules(Schedules settings) {
        return new CommandServiceConfig(
                httpHost,
                httpPort,
                tokenTtl,
                passwordHashIterations,
                deliveryTimeout,
                resultTimeout,
                sweepInterval,
                minSterilizationChargePct,
                minClimateChargePct,
                bootstrapUsers,
                rateLimits,
                signatureValidity,
                settings,
                rules);
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be a positive duration, was " + value);
        }
    }

    private static void requirePercent(String name, double value) {
        if (!(value >= 0 && value <= 100)) {
            throw new IllegalArgumentException(name + " must be 0..100, was " + value);
        }
    }

    /**
     * An account to create at start if its username is free.
     *
     * @param role OWNER, STAFF or ADMIN
     */
    public CommandServiceConfig withRules(RulesConfig settings) {
        return new CommandServiceConfig(
                httpHost,
                httpPort,
                tokenTtl,
                passwordHashIterations,
                deliveryTimeout,
                resultTimeout,
                sweepInterval,
                minSterilizationChargePct,
                minClimateChargePct,
                bootstrapUsers,
                rateLimits,
                signatureValidity,
                schedules,
                settings);
    }

    public record BootstrapUser(String username, String password, String role, String displayName) {
        public BootstrapUser {
            if (username == null || !username.matches("[a-z][a-z0-9._-]{1,31}")) {
                throw new IllegalArgumentException(
                        "username must be 2..32 of [a-z0-9._-] starting with a letter, was " + username);
            }
            if (password == null || password.length() < 8) {
                throw new IllegalArgumentException("password of " + username + " must be at least 8 characters");
            }
            if (!List.of("OWNER", "STAFF", "ADMIN").contains(role)) {
                throw new IllegalArgumentException(
                        "role of " + username + " must be OWNER, STAFF or ADMIN, was " + role);
            }
            displayName = displayName == null || displayName.isBlank() ? username : displayName;
        }

        @Override
        public String toString() {
            return "BootstrapUser[" + username + ", " + role + ", password=****]";
        }
    }
}
