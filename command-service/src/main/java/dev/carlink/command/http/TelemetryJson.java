package dev.carlink.command.http;

import dev.carlink.proto.SeriesBuckets;
import dev.carlink.proto.bus.v1.SeriesBucket;
import dev.carlink.proto.bus.v1.SeriesPage;
import dev.carlink.proto.bus.v1.SignalSummary;
import dev.carlink.proto.v1.CabinPosition;
import dev.carlink.proto.v1.Door;
import dev.carlink.proto.v1.Seat;
import dev.carlink.proto.v1.Telemetry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;

/** A telemetry sample as JSON signals keyed by their COVESA VSS path; absent readings are left out. */
final class TelemetryJson {

    private TelemetryJson() {}

    static JsonObject signals(Telemetry t) {
        JsonObject s = new JsonObject();
        if (t.hasCabinTemperatureC()) {
            s.put("Vehicle.Cabin.HVAC.AmbientAirTemperature", round(t.getCabinTemperatureC()));
        }
        if (t.hasExteriorTemperatureC()) {
            s.put("Vehicle.Exterior.AirTemperature", round(t.getExteriorTemperatureC()));
        }
        if (t.hasStateOfChargePct()) {
            s.put("Vehicle.Powertrain.TractionBattery.StateOfCharge.Displayed", round(t.getStateOfChargePct()));
        }
        if (t.hasSpeedKmh()) {
            s.put("Vehicle.Speed", round(t.getSpeedKmh()));
        }
        if (t.hasLocation()) {
            s.put("Vehicle.CurrentLocation.Latitude", t.getLocation().getLatitude());
            s.put("Vehicle.CurrentLocation.Longitude", t.getLocation().getLongitude());
        }
        if (t.hasSelectedGear()) {
            s.put("Vehicle.Powertrain.Transmission.SelectedGear", t.getSelectedGear());
        }
        if (t.hasLowVoltageSystemState()) {
            s.put(
                    "Vehicle.LowVoltageSystemState",
                    strip(t.getLowVoltageSystemState().name(), "LOW_VOLTAGE_SYSTEM_STATE_"));
        }
        for (Door door : t.getDoorsList()) {
            String base = "Vehicle.Cabin.Door." + position(door.getPosition()) + ".";
            s.put(base + "IsOpen", door.getIsOpen());
            s.put(base + "IsLocked", door.getIsLocked());
            s.put(base + "Window.Position", round(door.getWindowPositionPct()));
        }
        if (t.hasTrunkIsOpen()) {
            s.put("Vehicle.Body.Trunk.Rear.IsOpen", t.getTrunkIsOpen());
        }
        for (Seat seat : t.getSeatsList()) {
            s.put(
                    "Vehicle.Cabin.Seat." + position(seat.getPosition()) + ".OccupancyStatus",
                    strip(seat.getOccupancy().name(), "OCCUPANCY_STATUS_"));
        }
        if (t.hasChildPresence()) {
            s.put("Vehicle.Cabin.ChildPresence", strip(t.getChildPresence().name(), "CHILD_PRESENCE_"));
        }
        if (t.hasHvac()) {
            s.put("Vehicle.Cabin.HVAC.Mode", strip(t.getHvac().getMode().name(), "HVAC_MODE_"));
            s.put("Vehicle.Cabin.HVAC.IsAirConditioningActive", t.getHvac().getIsAirConditioningActive());
            s.put(
                    "Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature",
                    round(t.getHvac().getTargetTemperatureC()));
            if (t.getHvac().getAutoOffAtMs() > 0) {
                s.put(
                        "Vehicle.Cabin.HVAC.AutoOffAt",
                        Instant.ofEpochMilli(t.getHvac().getAutoOffAtMs()).toString());
            }
        }
        if (t.hasSterilizationPhase()) {
            s.put(
                    "Vehicle.Cabin.Sterilization.Phase",
                    strip(t.getSterilizationPhase().name(), "STERILIZATION_PHASE_"));
        }
        if (t.hasFatigueLevel()) {
            s.put("Vehicle.Driver.FatigueLevel", strip(t.getFatigueLevel().name(), "FATIGUE_LEVEL_"));
        }
        if (t.hasIsEyesOnRoad()) {
            s.put("Vehicle.Driver.IsEyesOnRoad", t.getIsEyesOnRoad());
        }
        if (t.hasOdometerKm()) {
            s.put("Vehicle.TraveledDistance", round(t.getOdometerKm()));
        }
        if (t.hasRangeKm()) {
            s.put("Vehicle.Powertrain.Range", round(t.getRangeKm()));
        }
        if (t.hasLowVoltageBatteryV()) {
            s.put("Vehicle.LowVoltageBattery.CurrentVoltage", round(t.getLowVoltageBatteryV()));
        }
        if (t.hasIsCharging()) {
            s.put("Vehicle.Powertrain.TractionBattery.Charging.IsCharging", t.getIsCharging());
        }
        return s;
    }

    /** One sample with its time and sequence number. */
    static JsonObject sample(Telemetry t) {
        return new JsonObject()
                .put("timestamp", Instant.ofEpochMilli(t.getTimestampMs()).toString())
                .put("seq", t.getSeq())
                .put("signals", signals(t));
    }

    /** A series page: each bucket with min/avg/max/count per signal that had values in it. */
    static JsonObject series(String vin, SeriesPage page) {
        JsonArray buckets = new JsonArray();
        for (SeriesBucket bucket : page.getBucketsList()) {
            JsonObject signals = new JsonObject();
            for (SignalSummary s : bucket.getSignalsList()) {
                signals.put(
                        s.getSignal(),
                        new JsonObject()
                                .put("min", roundTo(s.getMin()))
                                .put("avg", roundTo(s.getAvg()))
                                .put("max", roundTo(s.getMax()))
                                .put("count", s.getCount()));
            }
            buckets.add(new JsonObject()
                    .put("start", Instant.ofEpochMilli(bucket.getStartMs()).toString())
                    .put("samples", bucket.getSamples())
                    .put("signals", signals));
        }
        Duration width = Duration.ofSeconds(page.getBucketS());
        return new JsonObject()
                .put("vin", vin)
                .put("from", Instant.ofEpochMilli(page.getFromMs()).toString())
                .put("to", Instant.ofEpochMilli(page.getToMs()).toString())
                .put("bucket", SeriesBuckets.name(width))
                .put("bucketSeconds", page.getBucketS())
                .put("buckets", buckets);
    }

    private static double roundTo(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }

    private static String position(CabinPosition position) {
        return switch (position) {
            case CABIN_POSITION_ROW1_DRIVER_SIDE -> "Row1.DriverSide";
            case CABIN_POSITION_ROW1_PASSENGER_SIDE -> "Row1.PassengerSide";
            case CABIN_POSITION_ROW2_DRIVER_SIDE -> "Row2.DriverSide";
            case CABIN_POSITION_ROW2_MIDDLE -> "Row2.Middle";
            case CABIN_POSITION_ROW2_PASSENGER_SIDE -> "Row2.PassengerSide";
            default -> "Unknown";
        };
    }

    private static String strip(String name, String prefix) {
        return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
    }

    private static double round(float value) {
        return Math.round(value * 100.0) / 100.0;
    }
}
