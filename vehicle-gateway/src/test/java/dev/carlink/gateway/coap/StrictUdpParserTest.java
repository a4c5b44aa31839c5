package dev.carlink.gateway.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.CoAPMessageFormatException;
import org.eclipse.californium.core.coap.Request;
import org.junit.jupiter.api.Test;

class StrictUdpParserTest {

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final StrictUdpParser parser = new StrictUdpParser(false, metrics);

    /** CON POST v1/auth with a Block1 option (block 0, more, 16 bytes) and {@code payload} bytes. */
    private static byte[] block1Post(int payload) {
        ByteArrayOutputStream datagram = new ByteArrayOutputStream();
        datagram.writeBytes(new byte[] {0x42, 0x02, 0x10, (byte) 0xf7, 0x05, 0x06});
        datagram.writeBytes(new byte[] {(byte) 0xb2, 'v', '1', 0x04, 'a', 'u', 't', 'h'});
        datagram.writeBytes(new byte[] {(byte) 0xd1, 0x03, 0x08});
        datagram.write(0xff);
        datagram.writeBytes(new byte[payload]);
        return datagram.toByteArray();
    }

    @Test
    void aBlockThatFitsIsParsed() {
        Request request = (Request) parser.parseMessage(block1Post(16));

        assertThat(request.getOptions().getBlock1().getSize()).isEqualTo(16);
        assertThat(request.getPayloadSize()).isEqualTo(16);
    }

    @Test
    void aPayloadLargerThanItsBlockIsABadRequestWithTheReason() {
        assertThatThrownBy(() -> parser.parseMessage(block1Post(40)))
                .isInstanceOfSatisfying(CoAPMessageFormatException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(CoAP.ResponseCode.BAD_REQUEST);
                    assertThat(e.isConfirmable()).isTrue();
                    assertThat(e.getMid()).isEqualTo(0x10f7);
                })
                .hasMessage("Message with 40 bytes payload exceeds the blocksize of 16 bytes!");
        assertThat(metrics.counter("carlink.gateway.coap.refused", "reason", "malformed")
                        .count())
                .isEqualTo(1);
    }
}
