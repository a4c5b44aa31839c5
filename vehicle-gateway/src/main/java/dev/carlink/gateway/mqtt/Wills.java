package dev.carlink.gateway.mqtt;

import io.vertx.mqtt.MqttWill;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A car's will: what its going away without a DISCONNECT means ("ignition off", "12 V low"), told to the backend
 * as the reason it went offline. The gateway is not a broker: a will is not published to subscribers. Its topic
 * must be {@code v1/vehicles/{vin}/status} and its payload UTF-8 text of at most {@value #MAX_BYTES} bytes.
 */
final class Wills {

    static final int MAX_BYTES = 200;

    private Wills() {}

    /** Why the CONNECT's will cannot be honoured, if it cannot. */
    static Optional<String> problem(MqttWill will, String vin) {
        if (will == null || !will.isWillFlag()) {
            return Optional.empty();
        }
        String expected = "v1/vehicles/" + vin + "/status";
        if (!expected.equals(will.getWillTopic())) {
            return Optional.of("the will topic must be " + expected);
        }
        byte[] payload = will.getWillMessageBytes();
        if (payload == null || payload.length > MAX_BYTES) {
            return Optional.of("the will must be UTF-8 text of at most " + MAX_BYTES + " bytes");
        }
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload));
        } catch (CharacterCodingException e) {
            return Optional.of("the will must be UTF-8 text");
        }
        return Optional.empty();
    }

    /** The will's text, when the CONNECT carried a valid one. */
    static Optional<String> text(MqttWill will) {
        if (will == null || !will.isWillFlag() || will.getWillMessageBytes() == null) {
            return Optional.empty();
        }
        return Optional.of(new String(will.getWillMessageBytes(), StandardCharsets.UTF_8));
    }
}
