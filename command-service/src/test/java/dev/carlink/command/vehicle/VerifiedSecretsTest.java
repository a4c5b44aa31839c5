package dev.carlink.command.vehicle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VerifiedSecretsTest {

    private final AtomicLong nowMs = new AtomicLong(1_000_000);
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(nowMs.get());
        }
    };

    @Test
    void aRememberedSecret_isRecognised_untilItsTimeIsUp_andNoOtherSecretIs() {
        VerifiedSecrets secrets = new VerifiedSecrets(clock);
        secrets.remember("VIN1", "right", secrets.rotations("VIN1"));

        assertThat(secrets.verified("VIN1", "right")).isTrue();
        assertThat(secrets.verified("VIN1", "wrong")).isFalse();
        assertThat(secrets.verified("VIN2", "right")).isFalse();
        nowMs.addAndGet(VerifiedSecrets.TTL.toMillis());
        assertThat(secrets.verified("VIN1", "right")).isFalse();
    }

    @Test
    void aRotation_forgetsTheSecret_andACheckItOvertookIsNotRemembered() {
        VerifiedSecrets secrets = new VerifiedSecrets(clock);
        secrets.remember("VIN1", "old", secrets.rotations("VIN1"));
        long checkStarted = secrets.rotations("VIN1");

        secrets.forget("VIN1"); // the secret is rotated while a check of the old one still runs
        secrets.remember("VIN1", "old", checkStarted);

        assertThat(secrets.verified("VIN1", "old")).isFalse();
    }
}
