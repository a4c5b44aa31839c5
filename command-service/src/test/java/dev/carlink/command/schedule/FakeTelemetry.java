package dev.carlink.command.schedule;

import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.LatestState;
import dev.carlink.proto.bus.v1.StateQuery;
import dev.carlink.proto.v1.Location;
import dev.carlink.proto.v1.Telemetry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stands in for the telemetry module on one Vert.x event bus: answers latest-state queries from what the test
 * set, and 404 (never reported) otherwise.
 */
final class FakeTelemetry {

    /** Where the parked test cars stand: Berlin, Alexanderplatz. */
    static final double LATITUDE = 52.5219;

    static final double LONGITUDE = 13.4132;

    private final Map<String, Telemetry> latest = new ConcurrentHashMap<>();

    static FakeTelemetry on(Vertx vertx) {
        FakeTelemetry fake = new FakeTelemetry();
        vertx.eventBus().<Buffer>consumer(BusAddress.TELEMETRY_QUERY_LATEST, msg -> {
            try {
                String vin = StateQuery.parseFrom(msg.body().getBytes()).getVin();
                Telemetry t = fake.latest.get(vin);
                if (t == null) {
                    msg.fail(404, "no state for " + vin);
                } else {
                    msg.reply(Buffer.buffer(LatestState.newBuilder()
                            .setVin(vin)
                            .setTelemetry(t)
                            .setReceivedAtMs(t.getTimestampMs())
                            .build()
                            .toByteArray()));
                }
            } catch (Exception e) {
                msg.fail(400, e.getMessage());
            }
        });
        return fake;
    }

    void set(String vin, Telemetry telemetry) {
        latest.put(vin, telemetry);
    }

    /** Parked in P, standing, 80 % charged, 35 °C inside and 28 °C outside, at {@link #LATITUDE}/{@link #LONGITUDE}. */
    static Telemetry.Builder parked(Instant at) {
        return Telemetry.newBuilder()
                .setTimestampMs(at.toEpochMilli())
                .setSeq(1)
                .setCabinTemperatureC(35)
                .setExteriorTemperatureC(28)
                .setStateOfChargePct(80)
                .setSpeedKmh(0)
                .setSelectedGear(126)
                .setLocation(Location.newBuilder().setLatitude(LATITUDE).setLongitude(LONGITUDE));
    }
}
