package dev.carlink.gateway.coap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CoapCarsTest {

    private static final String VIN = "CARLNK00000000001";

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-02T10:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final CoapCars cars = new CoapCars(Duration.ofHours(1), clock);

    @Test
    void aToken_isValidForItsCarUntilItExpires() {
        CoapCars.Session session = cars.open(VIN, vin -> new CoapCar(vin, null));

        assertThat(cars.vinOf(session.token())).hasValue(VIN);
        assertThat(cars.vinOf("not-a-token")).isEmpty();
        assertThat(cars.vinOf(null)).isEmpty();
        now.set(now.get().plus(Duration.ofHours(1)));
        assertThat(cars.vinOf(session.token())).isEmpty();
    }

    @Test
    void anOfflineCar_isForgottenOnlyOnceItsNewestSessionExpired() {
        cars.open(VIN, vin -> new CoapCar(vin, null));
        now.set(now.get().plus(Duration.ofMinutes(30)));
        cars.open(VIN, vin -> new CoapCar(vin, null));
        CoapCar car = cars.car(VIN).orElseThrow();

        now.set(now.get().plus(Duration.ofMinutes(45)));
        cars.expireSessions();
        cars.forgetIdle(car);
        assertThat(cars.car(VIN)).as("the second session still runs").isPresent();

        now.set(now.get().plus(Duration.ofMinutes(30)));
        cars.expireSessions();
        cars.forgetIdle(car);
        assertThat(cars.car(VIN)).isEmpty();
        assertThat(cars.sessions()).isZero();
    }

    @Test
    void aCarLoggingInOverAndOver_keepsOnlyItsNewestSessions() {
        java.util.List<CoapCars.Session> sessions = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            sessions.add(cars.open(VIN, vin -> new CoapCar(vin, null)));
        }

        assertThat(cars.sessions()).isEqualTo(CoapCars.MAX_SESSIONS_PER_CAR);
        assertThat(cars.vinOf(sessions.get(0).token())).as("the oldest ended").isEmpty();
        assertThat(cars.vinOf(sessions.get(99).token())).hasValue(VIN);
    }
}
