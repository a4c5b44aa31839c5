package dev.carlink.command.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeliveryTest {

    @Test
    void withoutFields_theTypesDefaultWindowAndWaiting() {
        JsonObject body = new JsonObject().put("type", "CLIMATE_STOP");
        Delivery delivery = Delivery.takeFrom(body, CommandType.CLIMATE_STOP);

        assertThat(delivery).isEqualTo(new Delivery(Duration.ofMinutes(5), false));
        assertThat(body.fieldNames()).containsExactly("type");
    }

    @Test
    void theFieldsAreReadAndRemoved() {
        JsonObject body = new JsonObject().put("deliverWithinSeconds", 600).put("ifOffline", "FAIL");

        assertThat(Delivery.takeFrom(body, CommandType.STERILIZATION_START))
                .isEqualTo(new Delivery(Duration.ofMinutes(10), true));
        assertThat(body.isEmpty()).isTrue();
    }

    @Test
    void aWindowOutsideTheTypesLimits_orNotWholeSeconds_isRefusedNamingTheField() {
        assertThatThrownBy(() ->
                        Delivery.takeFrom(new JsonObject().put("deliverWithinSeconds", 9), CommandType.CLIMATE_START))
                .isInstanceOf(FieldError.class)
                .hasMessageContaining("10..1800");
        assertThatThrownBy(() -> Delivery.takeFrom(
                        new JsonObject().put("deliverWithinSeconds", 1801), CommandType.CLIMATE_START))
                .hasMessageContaining("was 1801");
        assertThatThrownBy(() -> Delivery.takeFrom(
                        new JsonObject().put("deliverWithinSeconds", 12.5), CommandType.CLIMATE_START))
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> Delivery.takeFrom(
                        new JsonObject().put("deliverWithinSeconds", "60"), CommandType.CLIMATE_START))
                .hasMessageContaining("whole number");
    }

    @Test
    void ifOffline_isWaitOrFail() {
        assertThat(Delivery.takeFrom(new JsonObject().put("ifOffline", "WAIT"), CommandType.CLIMATE_STOP)
                        .failIfOffline())
                .isFalse();
        assertThatThrownBy(() -> Delivery.takeFrom(new JsonObject().put("ifOffline", "fail"), CommandType.CLIMATE_STOP))
                .isInstanceOf(FieldError.class)
                .hasMessageContaining("WAIT or FAIL");
    }
}
