package dev.carlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.carlink.proto.bus.v1.AuthRequest;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** CONNECT: authentication and each CONNACK refusal on MQTT 3.1.1 and MQTT 5. */
class MqttConnectIT {

    private static GatewayHarness gateway;

    @BeforeAll
    static void startGateway() {
        gateway = GatewayHarness.start();
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    @AfterEach
    void resetStandIns() {
        gateway.reset();
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.connections() == 0);
    }

    @Test
    void connect_mqtt311_withVinAndSecret_isAcceptedAfterAuthentication() throws Exception {
        String vin = gateway.newCar();

        try (Car311 car = Car311.connect(gateway, vin)) {

            assertThat(car.isConnected()).isTrue();
            assertThat(gateway.connections()).isEqualTo(1);
            AuthRequest request = authRequestOf(vin);
            assertThat(request.getSecret()).isEqualTo(gateway.secret(vin));
            assertThat(request.getRemoteAddress()).startsWith("127.0.0.1:");
        }
    }

    @Test
    void connect_mqtt5_withVinAndSecret_isAcceptedAfterAuthentication() throws Exception {
        String vin = gateway.newCar();

        try (Car5 car = Car5.connect(gateway, vin)) {

            assertThat(car.isConnected()).isTrue();
            assertThat(gateway.connections()).isEqualTo(1);
            assertThat(authRequestOf(vin).getSecret()).isEqualTo(gateway.secret(vin));
        }
    }

    @Test
    void connect_accepted_isNotOnlineBeforeSubscribingToCommands() throws Exception {
        String vin = gateway.newCar();

        try (Car5 car = Car5.connect(gateway, vin)) {

            assertThat(car.isConnected()).isTrue();
            assertThat(gateway.presenceOf(vin)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Refusal.class)
    void connect_mqtt311_refused_answersTheReturnCodeAndOpensNoSession(Refusal refusal) {
        String vin = refusal.prepare(gateway);
        double refusedBefore = gateway.counter("carlink.gateway.connect.refused", "reason", refusal.metricReason);

        org.eclipse.paho.client.mqttv3.MqttException error =
                catchThrowableOfType(org.eclipse.paho.client.mqttv3.MqttException.class, () -> Car311.connect(
                                gateway, refusal.clientId(vin), refusal.username(vin), refusal.password(gateway, vin))
                        .close());

        assertThat(error).as("connect must be refused").isNotNull();
        assertThat(error.getReasonCode()).isEqualTo(refusal.mqtt311Code);
        assertRefused(refusal, vin, refusedBefore);
    }

    @ParameterizedTest
    @EnumSource(Refusal.class)
    void connect_mqtt5_refused_answersTheReasonCodeAndOpensNoSession(Refusal refusal) {
        String vin = refusal.prepare(gateway);
        double refusedBefore = gateway.counter("carlink.gateway.connect.refused", "reason", refusal.metricReason);

        org.eclipse.paho.mqttv5.common.MqttException error =
                catchThrowableOfType(org.eclipse.paho.mqttv5.common.MqttException.class, () -> Car5.connect(
                                gateway, refusal.clientId(vin), refusal.username(vin), refusal.password(gateway, vin))
                        .close());

        assertThat(error).as("connect must be refused").isNotNull();
        assertThat(error.getReasonCode()).isEqualTo(refusal.mqtt5Code);
        assertRefused(refusal, vin, refusedBefore);
    }

    private static void assertRefused(Refusal refusal, String vin, double refusedBefore) {
        assertThat(gateway.counter("carlink.gateway.connect.refused", "reason", refusal.metricReason))
                .isEqualTo(refusedBefore + 1);
        assertThat(gateway.connections()).isZero();
        assertThat(gateway.presenceOf(vin)).isEmpty();
        boolean authAsked =
                gateway.authRequests.stream().anyMatch(r -> r.getVin().equals(vin));
        assertThat(authAsked).as("authentication asked").isEqualTo(refusal.asksAuthentication);
    }

    private static AuthRequest authRequestOf(String vin) {
        return gateway.authRequests.stream()
                .filter(r -> r.getVin().equals(vin))
                .findFirst()
                .orElseThrow();
    }

    /** Each refusal, how to provoke it, and the CONNACK codes it must produce. */
    enum Refusal {
        CLIENT_ID_NOT_A_VIN(0x02, 0x85, "invalid-client-id", false) {
            @Override
            String clientId(String vin) {
                return vin.toLowerCase();
            }

            @Override
            String username(String vin) {
                return clientId(vin);
            }
        },
        CLIENT_ID_TOO_LONG(0x02, 0x85, "invalid-client-id", false) {
            @Override
            String clientId(String vin) {
                return vin + "-HEAD-UNIT-2";
            }

            @Override
            String username(String vin) {
                return clientId(vin);
            }
        },
        USERNAME_NOT_THE_CLIENT_ID(0x02, 0x85, "username-mismatch", false) {
            @Override
            String username(String vin) {
                return GatewayHarness.newVin();
            }
        },
        PASSWORD_MISSING(0x04, 0x86, "missing-credentials", false) {
            @Override
            String password(GatewayHarness gateway, String vin) {
                return null;
            }
        },
        USERNAME_AND_PASSWORD_MISSING(0x04, 0x86, "missing-credentials", false) {
            @Override
            String username(String vin) {
                return null;
            }

            @Override
            String password(GatewayHarness gateway, String vin) {
                return null;
            }
        },
        WRONG_SECRET(0x04, 0x86, "bad-secret", true) {
            @Override
            String password(GatewayHarness gateway, String vin) {
                return "not-" + gateway.secret(vin);
            }
        },
        UNKNOWN_VIN(0x05, 0x87, "unknown-vin", true) {
            @Override
            String prepare(GatewayHarness gateway) {
                return GatewayHarness.newVin();
            }

            @Override
            String password(GatewayHarness gateway, String vin) {
                return "whatever";
            }
        },
        AUTHENTICATION_FAILS(0x03, 0x88, "auth-unavailable", true) {
            @Override
            String prepare(GatewayHarness gateway) {
                gateway.auth(GatewayHarness.Auth.FAIL);
                return super.prepare(gateway);
            }
        },
        AUTHENTICATION_TIMES_OUT(0x03, 0x88, "auth-unavailable", true) {
            @Override
            String prepare(GatewayHarness gateway) {
                gateway.auth(GatewayHarness.Auth.SILENT);
                return super.prepare(gateway);
            }
        },
        AUTHENTICATION_NOT_DEPLOYED(0x03, 0x88, "auth-unavailable", false) {
            @Override
            String prepare(GatewayHarness gateway) {
                gateway.auth(GatewayHarness.Auth.ABSENT);
                return super.prepare(gateway);
            }
        };

        final int mqtt311Code;
        final int mqtt5Code;
        final String metricReason;
        /** Whether the request reaches the stand-in (false: refused at the edge, or nobody listens). */
        final boolean asksAuthentication;

        Refusal(int mqtt311Code, int mqtt5Code, String metricReason, boolean asksAuthentication) {
            this.mqtt311Code = mqtt311Code;
            this.mqtt5Code = mqtt5Code;
            this.metricReason = metricReason;
            this.asksAuthentication = asksAuthentication;
        }

        /** Sets the stand-ins up and returns the car's VIN. */
        String prepare(GatewayHarness gateway) {
            return gateway.newCar();
        }

        String clientId(String vin) {
            return vin;
        }

        String username(String vin) {
            return vin;
        }

        String password(GatewayHarness gateway, String vin) {
            return gateway.secret(vin);
        }
    }
}
