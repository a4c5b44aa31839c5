package dev.carlink.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.MessageLite;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.FatigueConsent;
import dev.carlink.proto.bus.v1.FatigueConsents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Event-bus requests and meter readings for the integration tests (called from the test thread). */
final class BusTestSupport {

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private BusTestSupport() {}

    static Future<Message<Buffer>> request(Vertx vertx, String address, MessageLite body) {
        return request(vertx, address, body.toByteArray());
    }

    static Future<Message<Buffer>> request(Vertx vertx, String address, byte[] body) {
        return vertx.eventBus().request(address, Buffer.buffer(body));
    }

    /** Waits for a successful reply and returns it. */
    static Message<Buffer> awaitReply(Future<Message<Buffer>> reply) {
        awaitCompletion(reply);
        assertThat(reply.cause()).as("failure of the request").isNull();
        return reply.result();
    }

    /** Waits for a failed reply and returns its failure. */
    static ReplyException awaitFailure(Future<Message<Buffer>> reply) {
        awaitCompletion(reply);
        assertThat(reply.succeeded()).as("request succeeded").isFalse();
        assertThat(reply.cause()).isInstanceOf(ReplyException.class);
        return (ReplyException) reply.cause();
    }

    /** Checks at once, then every 5 ms: thousands of replies are awaited one after the other. */
    private static void awaitCompletion(Future<?> future) {
        await().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5))
                .atMost(TIMEOUT)
                .until(future::isComplete);
    }

    static <T> T join(Future<T> future) {
        try {
            return future.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("timed out", e);
        }
    }

    static double counter(MeterRegistry meters, String name) {
        Counter counter = meters.find(name).counter();
        return counter == null ? 0 : counter.count();
    }

    static double rejected(MeterRegistry meters, String reason) {
        Counter counter = meters.find("carlink.telemetry.samples.rejected")
                .tag("reason", reason)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    static double pending(MeterRegistry meters) {
        return meters.get("carlink.telemetry.pending").gauge().value();
    }

    /**
     * Answers the telemetry module's fatigue consent query as the command-service would, with {@code vins} opted in,
     * and waits until the module has loaded it: their driver-monitoring signals are then stored.
     */
    static void consentTo(Vertx vertx, MeterRegistry meters, String... vins) {
        FatigueConsents.Builder consents = FatigueConsents.newBuilder().setAsOfVersion(vins.length);
        for (int i = 0; i < vins.length; i++) {
            consents.addOptedIn(
                    FatigueConsent.newBuilder().setVin(vins[i]).setOptedIn(true).setVersion(i + 1));
        }
        byte[] reply = consents.build().toByteArray();
        join(vertx.eventBus()
                .<Buffer>consumer(BusAddress.FATIGUE_CONSENT_QUERY, message -> message.reply(Buffer.buffer(reply)))
                .completion());
        await().atMost(TIMEOUT)
                .until(() -> meters.get("carlink.telemetry.fatigue-consent.cars")
                                .gauge()
                                .value()
                        == vins.length);
    }
}
