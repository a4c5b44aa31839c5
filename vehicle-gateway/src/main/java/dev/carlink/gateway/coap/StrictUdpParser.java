package dev.carlink.gateway.coap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.CoAPMessageFormatException;
import org.eclipse.californium.core.coap.Message;
import org.eclipse.californium.core.coap.option.StandardOptionRegistry;
import org.eclipse.californium.core.network.serialization.MessageHeader;
import org.eclipse.californium.core.network.serialization.UdpDataParser;
import org.eclipse.californium.elements.util.DatagramReader;

/**
 * Californium's UDP parser, refusing at the edge what it would otherwise throw past its own error handling. A
 * request whose payload is larger than the Block1 block it declares makes Californium's parser throw an {@code
 * IllegalStateException} (not a format exception), which the endpoint logs at ERROR with a stack trace
 * ("exception in protocol stage thread") and never answers: the fuzz run found 1,350 of them (docs/fuzz.md). Here
 * any such runtime exception while parsing becomes a {@link CoAPMessageFormatException}, so Californium answers a
 * confirmable request with 4.00 and the reason itself, drops anything else, and the refusal is counted as {@code
 * carlink.gateway.coap.refused{reason=malformed}}.
 */
final class StrictUdpParser extends UdpDataParser {

    private final Counter malformed;

    /**
     * @param strictEmptyMessageFormat Californium's STRICT_EMPTY_MESSAGE_FORMAT
     * @param metrics where refusals are counted
     */
    StrictUdpParser(boolean strictEmptyMessageFormat, MeterRegistry metrics) {
        super(strictEmptyMessageFormat, StandardOptionRegistry.getDefaultOptionRegistry());
        this.malformed = metrics.counter("carlink.gateway.coap.refused", "reason", "malformed");
    }

    @Override
    protected Message parseMessage(DatagramReader reader, MessageHeader header, Message target) {
        try {
            return super.parseMessage(reader, header, target);
        } catch (IllegalStateException | IllegalArgumentException e) {
            malformed.increment();
            throw new CoAPMessageFormatException(
                    e.getMessage(),
                    header.getToken(),
                    header.getMID(),
                    header.getCode(),
                    header.getType() == CoAP.Type.CON,
                    CoAP.ResponseCode.BAD_REQUEST);
        }
    }
}
