package dev.carlink.gateway.coap;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.VinFormat;
import dev.carlink.proto.bus.v1.DtlsPskReply;
import dev.carlink.proto.bus.v1.DtlsPskRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.net.InetSocketAddress;
import javax.crypto.SecretKey;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.PskPublicInformation;
import org.eclipse.californium.scandium.dtls.PskSecretResult;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedPskStore;
import org.eclipse.californium.scandium.util.SecretUtil;
import org.eclipse.californium.scandium.util.ServerNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DTLS keys of cars, asked of the command-service ({@link BusAddress#VEHICLE_DTLS_PSK}) during each
 * handshake, asynchronously: Scandium's threads never wait on the bus. The PSK identity is the VIN; an identity
 * that is not a VIN, an unknown car, a car without a key or an unanswered request fails the handshake (the car
 * sees a handshake failure alert), and each is counted ({@code carlink.gateway.dtls.psk{outcome}}).
 */
final class VehiclePskStore implements AdvancedPskStore {

    private static final Logger log = LoggerFactory.getLogger(VehiclePskStore.class);

    private final EventBus bus;
    private final DeliveryOptions busOptions;
    private final MeterRegistry metrics;
    private volatile HandshakeResultHandler results;

    VehiclePskStore(EventBus bus, DeliveryOptions busOptions, MeterRegistry metrics) {
        this.bus = bus;
        this.busOptions = busOptions;
        this.metrics = metrics;
    }

    @Override
    public boolean hasEcdhePskSupported() {
        return true;
    }

    @Override
    public PskSecretResult requestPskSecretResult(
            ConnectionId cid,
            ServerNames serverName,
            PskPublicInformation identity,
            String hmacAlgorithm,
            SecretKey otherSecret,
            byte[] seed,
            boolean useExtendedMasterSecret) {
        String vin = identity.getPublicInfoAsString();
        if (!VinFormat.isValid(vin)) {
            count("not-a-vin");
            log.debug("dtls identity is not a vin [identity: {}]", vin);
            return new PskSecretResult(cid, identity, null);
        }
        DtlsPskRequest request = DtlsPskRequest.newBuilder().setVin(vin).build();
        bus.<Buffer>request(BusAddress.VEHICLE_DTLS_PSK, Buffer.buffer(request.toByteArray()), busOptions)
                .onComplete(answer -> results.apply(new PskSecretResult(cid, identity, key(vin, answer))));
        return null;
    }

    private SecretKey key(String vin, io.vertx.core.AsyncResult<io.vertx.core.eventbus.Message<Buffer>> answer) {
        if (answer.failed()) {
            count("unavailable");
            log.warn(
                    "dtls key lookup unavailable [vin: {}, error: {}]",
                    vin,
                    answer.cause().getMessage());
            return null;
        }
        DtlsPskReply reply;
        try {
            reply = DtlsPskReply.parseFrom(answer.result().body().getBytes());
        } catch (InvalidProtocolBufferException e) {
            count("unavailable");
            log.warn("dtls key lookup unavailable [vin: {}, error: reply is not a DtlsPskReply]", vin);
            return null;
        }
        if (!reply.getFound() || reply.getPsk().isEmpty()) {
            count("unknown");
            log.debug("no dtls key [vin: {}]", vin);
            return null;
        }
        count("found");
        return SecretUtil.create(reply.getPsk().toByteArray(), "PSK");
    }

    private void count(String outcome) {
        metrics.counter("carlink.gateway.dtls.psk", "outcome", outcome).increment();
    }

    /** A server never starts handshakes, so it has no identity of its own. */
    @Override
    public PskPublicInformation getIdentity(InetSocketAddress peerAddress, ServerNames virtualHost) {
        return null;
    }

    @Override
    public void setResultHandler(HandshakeResultHandler resultHandler) {
        this.results = resultHandler;
    }
}
