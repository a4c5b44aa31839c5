package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.command.CommandServiceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Too many command requests for one car or from one owner: 429 with Retry-After, and nothing stored. */
class RateLimitIT {

    private static final String CAR_A = "SMCAR000000000601";
    private static final String CAR_B = "SMCAR000000000602";
    private static final String CAR_C = "SMCAR000000000603";
    private static final String STOP = "{\"type\":\"CLIMATE_STOP\"}";
    private static TestSystem system;
    private static String alice;
    private static String bob;

    @BeforeAll
    static void start() {
        system = TestSystem.start(c -> c.withRateLimits(new CommandServiceConfig.RateLimits(3, 5)));
        system.enroll(CAR_A, "alice");
        system.enroll(CAR_B, "alice");
        system.enroll(CAR_C, "bob");
        alice = system.login("alice");
        bob = system.login("bob");
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    private long commands(String vin) {
        return system.count("SELECT count(*) FROM command.commands WHERE vin = ?", vin);
    }

    @Test
    void theFourthRequestForACarInAMinute_is429WithRetryAfter_andNothingStored_whileOtherOwnersCarsGoOn() {
        for (int i = 0; i < 3; i++) {
            assertThat(system.post(alice, "/api/v1/vehicles/" + CAR_A + "/commands", STOP)
                            .status())
                    .isEqualTo(201);
        }

        TestSystem.Reply refused = system.post(alice, "/api/v1/vehicles/" + CAR_A + "/commands", STOP);

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After").map(Integer::parseInt))
                .hasValueSatisfying(seconds -> assertThat(seconds).isBetween(1, 60));
        assertThat(commands(CAR_A)).isEqualTo(3);
        assertThat(system.post(bob, "/api/v1/vehicles/" + CAR_C + "/commands", STOP)
                        .status())
                .isEqualTo(201);

        for (int i = 0; i < 2; i++) {
            assertThat(system.post(alice, "/api/v1/vehicles/" + CAR_B + "/commands", STOP)
                            .status())
                    .isEqualTo(201);
        }
        TestSystem.Reply ownerLimit = system.post(alice, "/api/v1/vehicles/" + CAR_B + "/commands", STOP);
        assertThat(ownerLimit.status()).isEqualTo(429);
        assertThat(ownerLimit.json().getString("detail")).contains("per owner");
        assertThat(commands(CAR_B)).isEqualTo(2);
        assertThat(system.get(null, "/metrics").body()).contains("reason=\"rate_limited\"");
    }
}
