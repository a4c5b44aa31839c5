package dev.carlink.telemetry.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.carlink.proto.v1.Door;
import dev.carlink.proto.v1.Seat;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The compact JSON kept in the {@code doors} and {@code seats} jsonb columns, enum values as their
 * proto numbers: {@code [{"position":1,"is_open":false,"is_locked":true,"window_position_pct":0.0}]}
 * and {@code [{"position":1,"occupancy":2}]}. An empty list is stored as SQL NULL.
 *
 * <p>Numbers are read back from their text, not through a double, so a float comes back bit for bit.
 */
final class CabinJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    private CabinJson() {}

    /** JSON of {@code doors}, or null when there are none. */
    static String doors(List<Door> doors) {
        if (doors.isEmpty()) {
            return null;
        }
        StringWriter out = new StringWriter();
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartArray();
            for (Door door : doors) {
                json.writeStartObject();
                json.writeNumberField("position", door.getPositionValue());
                json.writeBooleanField("is_open", door.getIsOpen());
                json.writeBooleanField("is_locked", door.getIsLocked());
                json.writeNumberField("window_position_pct", door.getWindowPositionPct());
                json.writeEndObject();
            }
            json.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** JSON of {@code seats}, or null when there are none. */
    static String seats(List<Seat> seats) {
        if (seats.isEmpty()) {
            return null;
        }
        StringWriter out = new StringWriter();
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartArray();
            for (Seat seat : seats) {
                json.writeStartObject();
                json.writeNumberField("position", seat.getPositionValue());
                json.writeNumberField("occupancy", seat.getOccupancyValue());
                json.writeEndObject();
            }
            json.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** The doors of a {@code doors} column value; empty for SQL NULL. */
    static List<Door> readDoors(String text) {
        List<Door> doors = new ArrayList<>();
        if (text == null) {
            return doors;
        }
        try (JsonParser json = FACTORY.createParser(text)) {
            expect(json, JsonToken.START_ARRAY, text);
            while (json.nextToken() == JsonToken.START_OBJECT) {
                Door.Builder door = Door.newBuilder();
                while (json.nextToken() == JsonToken.FIELD_NAME) {
                    String field = json.currentName();
                    json.nextToken();
                    switch (field) {
                        case "position" -> door.setPositionValue(json.getIntValue());
                        case "is_open" -> door.setIsOpen(json.getBooleanValue());
                        case "is_locked" -> door.setIsLocked(json.getBooleanValue());
                        case "window_position_pct" -> door.setWindowPositionPct(Float.parseFloat(json.getText()));
                        default -> json.skipChildren();
                    }
                }
                doors.add(door.build());
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("doors column is not the expected JSON: " + text, e);
        }
        return doors;
    }

    /** The seats of a {@code seats} column value; empty for SQL NULL. */
    static List<Seat> readSeats(String text) {
        List<Seat> seats = new ArrayList<>();
        if (text == null) {
            return seats;
        }
        try (JsonParser json = FACTORY.createParser(text)) {
            expect(json, JsonToken.START_ARRAY, text);
            while (json.nextToken() == JsonToken.START_OBJECT) {
                Seat.Builder seat = Seat.newBuilder();
                while (json.nextToken() == JsonToken.FIELD_NAME) {
                    String field = json.currentName();
                    json.nextToken();
                    switch (field) {
                        case "position" -> seat.setPositionValue(json.getIntValue());
                        case "occupancy" -> seat.setOccupancyValue(json.getIntValue());
                        default -> json.skipChildren();
                    }
                }
                seats.add(seat.build());
            }
        } catch (IOException e) {
            throw new IllegalStateException("seats column is not the expected JSON: " + text, e);
        }
        return seats;
    }

    private static void expect(JsonParser json, JsonToken token, String text) throws IOException {
        if (json.nextToken() != token) {
            throw new IllegalStateException("expected " + token + " in " + text);
        }
    }
}
