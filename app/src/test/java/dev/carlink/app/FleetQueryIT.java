package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.proto.BusAddress;
import dev.carlink.proto.bus.v1.TelemetryIngest;
import dev.carlink.proto.v1.CabinPosition;
import dev.carlink.proto.v1.ChildPresence;
import dev.carlink.proto.v1.OccupancyStatus;
import dev.carlink.proto.v1.Seat;
import dev.carlink.proto.v1.Telemetry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Staff's fleet view over real latest states: which cars are hot, parked and occupied right now. */
class FleetQueryIT {

    private static final String HOT_PARKED_CHILD = "SMCAR000000000951";
    private static final String HOT_PARKED_EMPTY = "SMCAR000000000952";
    private static final String HOT_DRIVING = "SMCAR000000000953";
    private static final String COOL_PARKED_SEAT = "SMCAR000000000954";

    private static TestSystem system;
    private static String staff;

    @BeforeAll
    static void start() {
        system = TestSystem.start();
        staff = system.login("staff");
        report(
                HOT_PARKED_CHILD,
                1,
                46,
                126,
                0,
                ChildPresence.CHILD_PRESENCE_DETECTED,
                OccupancyStatus.OCCUPANCY_STATUS_EMPTY);
        report(
                HOT_PARKED_EMPTY,
                1,
                44,
                126,
                0,
                ChildPresence.CHILD_PRESENCE_NOT_DETECTED,
                OccupancyStatus.OCCUPANCY_STATUS_EMPTY);
        report(
                HOT_DRIVING,
                1,
                41,
                127,
                50,
                ChildPresence.CHILD_PRESENCE_NOT_DETECTED,
                OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED);
        report(
                COOL_PARKED_SEAT,
                1,
                23,
                126,
                0,
                ChildPresence.CHILD_PRESENCE_NOT_DETECTED,
                OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED);
        // an older sample never moves the latest state (or its facts) backwards
        report(
                COOL_PARKED_SEAT,
                0,
                60,
                126,
                0,
                ChildPresence.CHILD_PRESENCE_NOT_DETECTED,
                OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED);
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    private static void report(
            String vin,
            int secondsAgoOffset,
            float cabin,
            int gear,
            float speed,
            ChildPresence child,
            OccupancyStatus rear) {
        long now = System.currentTimeMillis();
        Telemetry t = Telemetry.newBuilder()
                .setSeq(secondsAgoOffset + 1)
                .setTimestampMs(now - 60_000 + secondsAgoOffset * 1_000L)
                .setCabinTemperatureC(cabin)
                .setSelectedGear(gear)
                .setSpeedKmh(speed)
                .setChildPresence(child)
                .addSeats(Seat.newBuilder()
                        .setPosition(CabinPosition.CABIN_POSITION_ROW2_MIDDLE)
                        .setOccupancy(rear))
                .build();
        TelemetryIngest ingest = TelemetryIngest.newBuilder()
                .setVin(vin)
                .setTelemetry(t)
                .setReceivedAtMs(now)
                .build();
        system.server
                .vertx()
                .eventBus()
                .request(BusAddress.TELEMETRY_INGEST, Buffer.buffer(ingest.toByteArray()))
                .await();
    }

    private static List<String> vins(String query) {
        TestSystem.Reply reply = system.get(staff, "/api/v1/fleet/vehicles?" + query);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().getJsonArray("vehicles").stream()
                .map(v -> ((JsonObject) v).getString("vin"))
                .filter(v -> v.startsWith("SMCAR0000000009"))
                .toList();
    }

    @Test
    void hotParkedAndOccupied_findsOnlyTheCarWithTheChild() {
        assertThat(vins("cabinAboveC=40&parked=true&occupied=true")).containsExactly(HOT_PARKED_CHILD);
        assertThat(vins("cabinAboveC=40&parked=true")).containsExactly(HOT_PARKED_CHILD, HOT_PARKED_EMPTY);
        assertThat(vins("cabinAboveC=40&parked=false")).containsExactly(HOT_DRIVING);
        assertThat(vins("cabinBelowC=30&occupied=true")).containsExactly(COOL_PARKED_SEAT);
        assertThat(vins("childDetected=true&freshWithinSeconds=600")).containsExactly(HOT_PARKED_CHILD);
        assertThat(vins("freshWithinSeconds=5"))
                .as("every sample is a minute old")
                .isEmpty();
    }

    @Test
    void pages_followTheirCursor() {
        TestSystem.Reply first = system.get(staff, "/api/v1/fleet/vehicles?cabinAboveC=40&limit=2");
        assertThat(first.json().getInteger("count")).isEqualTo(2);
        String next = first.json().getString("next");
        TestSystem.Reply second = system.get(staff, "/api/v1/fleet/vehicles?cabinAboveC=40&limit=2&cursor=" + next);

        assertThat(second.json().getJsonArray("vehicles").getJsonObject(0).getString("vin"))
                .isEqualTo(HOT_DRIVING);
        assertThat(second.json().containsKey("next")).isFalse();
    }

    @Test
    void owners_cannotSearchTheFleet_andBadConditionsAreNamed() {
        assertThat(system.get(system.login("alice"), "/api/v1/fleet/vehicles?parked=true")
                        .status())
                .isEqualTo(403);
        TelemetryHistoryAssertions.badField(system.get(staff, "/api/v1/fleet/vehicles?parked=yes"), "parked", "yes");
        TelemetryHistoryAssertions.badField(
                system.get(staff, "/api/v1/fleet/vehicles?cabinAboveC=hot"), "cabinAboveC", "hot");
        TelemetryHistoryAssertions.badField(
                system.get(staff, "/api/v1/fleet/vehicles?speedAbove=3"), "speedAbove", "unknown condition");
        TelemetryHistoryAssertions.badField(system.get(staff, "/api/v1/fleet/vehicles?limit=5000"), "limit", "5000");
        TelemetryHistoryAssertions.badField(system.get(staff, "/api/v1/fleet/vehicles?cursor=x"), "cursor", "'x'");
    }
}
