package dev.carlink.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class VehicleTopicTest {

    private static final String VIN = "WVWZZZ1JZXW000001";
    private static final String OTHER_VIN = "WVWZZZ1JZXW000002";

    @ParameterizedTest
    @CsvSource({
        "v1/vehicles/WVWZZZ1JZXW000001/telemetry, TELEMETRY",
        "v1/vehicles/WVWZZZ1JZXW000001/events, EVENTS",
        "v1/vehicles/WVWZZZ1JZXW000001/command-results, COMMAND_RESULTS"
    })
    void parsePublish_ofOwnPublishTopic_isValid(String topic, TopicKind kind) {
        Parsed<VehicleTopic> parsed = VehicleTopic.parsePublish(topic, VIN);

        assertThat(parsed).isEqualTo(Parsed.valid(new VehicleTopic(VIN, kind)));
    }

    @Test
    void parsePublish_ofAnotherVehiclesTopic_isRejectedNotAuthorized() {
        Parsed<VehicleTopic> parsed = VehicleTopic.parsePublish("v1/vehicles/" + OTHER_VIN + "/telemetry", VIN);

        assertThat(reason(parsed)).isEqualTo(RejectReason.TOPIC_NOT_AUTHORIZED);
    }

    @Test
    void parsePublish_withMalformedVinLevel_isRejectedNotAuthorized() {
        // the VIN level is not the car's own: whatever it holds, the car may not publish there
        Parsed<VehicleTopic> parsed = VehicleTopic.parsePublish("v1/vehicles/not-a-vin/telemetry", VIN);

        assertThat(reason(parsed)).isEqualTo(RejectReason.TOPIC_NOT_AUTHORIZED);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "v1/vehicles/WVWZZZ1JZXW000001/diagnostics", // unknown kind
                "v1/vehicles/WVWZZZ1JZXW000001/commands", // a car does not publish its commands
                "v1/vehicles/WVWZZZ1JZXW000001/errors", // nor its errors
                "v1/vehicles/WVWZZZ1JZXW000001/telemetry/extra", // extra level
                "v1/vehicles/WVWZZZ1JZXW000001/telemetry/", // trailing empty level
                "/v1/vehicles/WVWZZZ1JZXW000001/telemetry", // leading empty level
                "v1/vehicles/WVWZZZ1JZXW000001", // missing kind
                "v2/vehicles/WVWZZZ1JZXW000001/telemetry", // other version
                "v1/cars/WVWZZZ1JZXW000001/telemetry", // other root
                "v1/vehicles/WVWZZZ1JZXW000001/+", // wildcards are not topic names
                "v1/vehicles/WVWZZZ1JZXW000001/#",
                "v1/vehicles/+/telemetry",
                "#",
                "/"
            })
    void parsePublish_ofUnknownOrMalformedTopic_isRejectedUnknownTopic(String topic) {
        Parsed<VehicleTopic> parsed = VehicleTopic.parsePublish(topic, VIN);

        assertThat(reason(parsed)).isEqualTo(RejectReason.UNKNOWN_TOPIC);
    }

    @ParameterizedTest
    @CsvSource({"v1/vehicles/WVWZZZ1JZXW000001/commands, COMMANDS", "v1/vehicles/WVWZZZ1JZXW000001/errors, ERRORS"})
    void parseSubscription_ofOwnSubscribeTopic_isValid(String filter, TopicKind kind) {
        Parsed<VehicleTopic> parsed = VehicleTopic.parseSubscription(filter, VIN);

        assertThat(parsed).isEqualTo(Parsed.valid(new VehicleTopic(VIN, kind)));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "v1/vehicles/WVWZZZ1JZXW000002/commands", // another car
                "v1/vehicles/+/commands", // wildcards
                "v1/vehicles/WVWZZZ1JZXW000001/#",
                "v1/vehicles/#",
                "#",
                "+/+/+/+",
                "v1/vehicles/WVWZZZ1JZXW000001/telemetry" // a car does not subscribe to its own data
            })
    void parseSubscription_ofForeignOrWildcardFilter_isRejectedNotAuthorized(String filter) {
        Parsed<VehicleTopic> parsed = VehicleTopic.parseSubscription(filter, VIN);

        assertThat(reason(parsed)).isEqualTo(RejectReason.TOPIC_NOT_AUTHORIZED);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"$share/group/v1/vehicles/WVWZZZ1JZXW000001/commands", "v1/vehicles/WVWZZZ1JZXW000001/x"})
    void parseSubscription_ofUnknownFilter_isRejectedUnknownTopic(String filter) {
        Parsed<VehicleTopic> parsed = VehicleTopic.parseSubscription(filter, VIN);

        assertThat(reason(parsed)).isEqualTo(RejectReason.UNKNOWN_TOPIC);
    }

    @Test
    void parsePublish_ofLongBinaryKind_keepsTheLevelOutOfTheDetail() {
        String kind = "\u0001".repeat(100);

        Parsed<VehicleTopic> parsed = VehicleTopic.parsePublish("v1/vehicles/" + VIN + "/" + kind, VIN);

        assertThat(((Parsed.Rejected<VehicleTopic>) parsed).rejection().detail())
                .isEqualTo("unknown topic kind '(100 characters)'");
    }

    @ParameterizedTest
    @EnumSource(TopicKind.class)
    void name_isTheWireTopicThatParsesBack(TopicKind kind) {
        VehicleTopic topic = new VehicleTopic(VIN, kind);

        assertThat(topic.name()).isEqualTo("v1/vehicles/" + VIN + "/" + kind.level());
        Parsed<VehicleTopic> parsed = kind.carPublishes()
                ? VehicleTopic.parsePublish(topic.name(), VIN)
                : VehicleTopic.parseSubscription(topic.name(), VIN);
        assertThat(parsed).isEqualTo(Parsed.valid(topic));
    }

    @Test
    void constructor_withInvalidVin_namesTheProblem() {
        assertThatThrownBy(() -> new VehicleTopic("SHORT", TopicKind.TELEMETRY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vin must be 17 characters, was 5");
    }

    private static RejectReason reason(Parsed<VehicleTopic> parsed) {
        assertThat(parsed).isInstanceOf(Parsed.Rejected.class);
        return ((Parsed.Rejected<VehicleTopic>) parsed).rejection().reason();
    }
}
