package dev.carlink.command.http;

import dev.carlink.command.privacy.OwnerDataService;
import dev.carlink.command.state.TelemetryClient;
import dev.carlink.proto.bus.v1.HistoryPage;
import dev.carlink.proto.v1.Telemetry;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an owner's export as one JSON document, chunk by chunk: the account and each car's data from the
 * snapshot, and inside each car its raw telemetry samples, fetched from the telemetry module {@value #PAGE} at a
 * time and written as they come, so a car's whole retention window never sits in memory. The next page is asked
 * for only once the client took the previous one (backpressure). The document ends with {@code "complete": true};
 * when the telemetry module fails midway, the connection is reset, so a client never mistakes a cut document for
 * a whole one.
 */
final class ExportStream {

    /** Samples per request to the telemetry module. */
    static final int PAGE = 5_000;

    /** The format's name and version, first in the document. */
    static final String FORMAT = "carlink-owner-export/1";

    /** Samples up to this far ahead of now are asked for: a car's clock may run ahead. */
    static final Duration FUTURE_MARGIN = Duration.ofDays(1);

    private static final Logger log = LoggerFactory.getLogger(ExportStream.class);

    private final HttpServerResponse response;
    private final TelemetryClient telemetry;
    private final List<JsonObject> vehicles;
    private final JsonObject account;
    private final Instant exportedAt;
    private final Instant to;
    private boolean closed;

    ExportStream(
            HttpServerResponse response, TelemetryClient telemetry, OwnerDataService.Snapshot snapshot, Instant now) {
        this.response = response;
        this.telemetry = telemetry;
        this.vehicles = snapshot.vehicles();
        this.account = snapshot.account();
        this.exportedAt = now;
        this.to = now.plus(FUTURE_MARGIN);
    }

    void start() {
        response.closeHandler(v -> closed = true);
        response.write("{\"format\":\"" + FORMAT + "\",\"exportedAt\":\"" + exportedAt + "\",\"account\":"
                + account.encode() + ",\"vehicles\":[");
        vehicle(0);
    }

    private void vehicle(int index) {
        if (index == vehicles.size()) {
            response.end("],\"complete\":true}");
            return;
        }
        String head = vehicles.get(index).encode();
        // the car's object, left open for its telemetry, which comes last
        response.write((index == 0 ? "" : ",") + head.substring(0, head.length() - 1) + ",\"telemetry\":{\"from\":\""
                + Instant.EPOCH + "\",\"to\":\"" + to + "\",\"samples\":[");
        page(index, 0, 0, true);
    }

    private void page(int index, long afterTsMs, long afterSeq, boolean first) {
        if (closed) {
            return;
        }
        String vin = vehicles.get(index).getString("vin");
        telemetry
                .history(vin, Instant.EPOCH, to, PAGE, afterTsMs, afterSeq)
                .onSuccess(page -> written(index, page, first))
                .onFailure(failure -> {
                    log.warn(
                            "export cut short: telemetry did not answer [vin: {}, cause: {}]", vin, failure.toString());
                    response.reset();
                });
    }

    private void written(int index, HistoryPage page, boolean first) {
        StringBuilder chunk = new StringBuilder();
        boolean comma = !first;
        for (Telemetry sample : page.getSamplesList()) {
            chunk.append(comma ? "," : "").append(TelemetryJson.sample(sample).encode());
            comma = true;
        }
        if (!page.getTruncated() || page.getSamplesCount() == 0) {
            response.write(chunk.append("]}}").toString());
            next(() -> vehicle(index + 1));
            return;
        }
        response.write(chunk.toString());
        Telemetry last = page.getSamples(page.getSamplesCount() - 1);
        next(() -> page(index, last.getTimestampMs(), last.getSeq(), false));
    }

    /** Runs {@code step} now, or once the client has taken what is queued. */
    private void next(Runnable step) {
        if (response.writeQueueFull()) {
            response.drainHandler(v -> step.run());
        } else {
            step.run();
        }
    }
}
