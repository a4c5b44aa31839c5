package dev.carlink.command.schedule;

import dev.carlink.command.lifecycle.CommandSpec;
import dev.carlink.command.lifecycle.FieldError;
import dev.carlink.command.lifecycle.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an owner asks for: the cabin ready by a local time in a time zone, on some weekdays or one date,
 * optionally only at a place, at a target temperature.
 */
public record ScheduleSpec(
        LocalTime readyBy,
        ZoneId timeZone,
        Recurrence recurrence,
        Optional<Geofence> location,
        double targetTemperatureC,
        boolean enabled) {

    /** How far ahead a one-time schedule may be set. */
    public static final int MAX_DAYS_AHEAD = 366;

    static final Set<String> FIELDS =
            Set.of("readyBy", "timeZone", "weekdays", "date", "location", "targetTemperatureC", "enabled");
    private static final Set<String> LOCATION_FIELDS = Set.of("latitude", "longitude", "radiusM");
    private static final Pattern HH_MM = Pattern.compile("\\d{2}:\\d{2}");

    public ScheduleSpec {
        Objects.requireNonNull(readyBy, "readyBy");
        Objects.requireNonNull(timeZone, "timeZone");
        Objects.requireNonNull(recurrence, "recurrence");
        Objects.requireNonNull(location, "location");
        if (readyBy.getSecond() != 0 || readyBy.getNano() != 0) {
            throw new IllegalArgumentException("readyBy must be whole minutes, was " + readyBy);
        }
        if (!(targetTemperatureC >= CommandSpec.ClimateStartSpec.MIN_TARGET_C
                && targetTemperatureC <= CommandSpec.ClimateStartSpec.MAX_TARGET_C)) {
            throw new IllegalArgumentException("targetTemperatureC must be 16..30, was " + targetTemperatureC);
        }
    }

    /**
     * Parses and checks an owner's request body; throws {@link FieldError} naming the first bad field. A
     * one-time date must still be ahead at {@code now} in the schedule's own zone.
     */
    public static ScheduleSpec fromJson(JsonObject body, Instant now) {
        Json.onlyFields(body, FIELDS);
        LocalTime readyBy = readyBy(body);
        ZoneId zone = zone(body);
        Recurrence recurrence = recurrence(body, readyBy, zone, now);
        Optional<Geofence> location = location(body);
        double target = Json.requiredNumber(body, "targetTemperatureC");
        if (!(target >= CommandSpec.ClimateStartSpec.MIN_TARGET_C
                && target <= CommandSpec.ClimateStartSpec.MAX_TARGET_C)) {
            throw new FieldError("targetTemperatureC", "must be 16..30, was " + body.getValue("targetTemperatureC"));
        }
        boolean enabled = Json.optionalBoolean(body, "enabled", true);
        return new ScheduleSpec(readyBy, zone, recurrence, location, target, enabled);
    }

    private static LocalTime readyBy(JsonObject body) {
        Object raw = body.getValue("readyBy");
        if (raw == null) {
            throw new FieldError("readyBy", "is required: the local time the cabin should be ready, HH:mm");
        }
        if (!(raw instanceof String s) || !HH_MM.matcher(s).matches()) {
            throw new FieldError("readyBy", "must be a local time HH:mm such as 07:40, was " + raw);
        }
        try {
            return LocalTime.parse(s);
        } catch (DateTimeParseException e) {
            throw new FieldError("readyBy", "is not a time of day (00:00..23:59), was " + s);
        }
    }

    private static ZoneId zone(JsonObject body) {
        Object raw = body.getValue("timeZone");
        if (raw == null) {
            throw new FieldError("timeZone", "is required: an IANA time zone such as Europe/Berlin");
        }
        if (!(raw instanceof String s) || !ZoneId.getAvailableZoneIds().contains(s)) {
            throw new FieldError(
                    "timeZone", "unknown time zone " + raw + "; use an IANA time zone such as Europe/Berlin");
        }
        return ZoneId.of(s);
    }

    private static Recurrence recurrence(JsonObject body, LocalTime readyBy, ZoneId zone, Instant now) {
        boolean weekly = body.getValue("weekdays") != null;
        boolean once = body.getValue("date") != null;
        if (weekly && once) {
            throw new FieldError(
                    "date", "give either weekdays (a repeating schedule) or date (a one-time one), not both");
        }
        if (!weekly && !once) {
            throw new FieldError(
                    "weekdays",
                    "give weekdays (MONDAY..SUNDAY) for a repeating schedule or date (YYYY-MM-DD) for a one-time one");
        }
        return weekly ? weekdays(body) : date(body, readyBy, zone, now);
    }

    private static Recurrence.Weekly weekdays(JsonObject body) {
        if (!(body.getValue("weekdays") instanceof JsonArray array)) {
            throw new FieldError("weekdays", "must be an array of days such as [\"MONDAY\", \"FRIDAY\"]");
        }
        if (array.isEmpty()) {
            throw new FieldError("weekdays", "must name at least one day");
        }
        EnumSet<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (int i = 0; i < array.size(); i++) {
            Object day = array.getValue(i);
            DayOfWeek parsed = Arrays.stream(DayOfWeek.values())
                    .filter(d -> d.name().equals(day))
                    .findFirst()
                    .orElseThrow(() -> new FieldError("weekdays", "must be MONDAY..SUNDAY, was " + day));
            if (!days.add(parsed)) {
                throw new FieldError("weekdays", "names " + parsed + " twice");
            }
        }
        return new Recurrence.Weekly(days);
    }

    private static Recurrence.Once date(JsonObject body, LocalTime readyBy, ZoneId zone, Instant now) {
        Object raw = body.getValue("date");
        LocalDate date;
        try {
            if (!(raw instanceof String s)) {
                throw new DateTimeException("not a string");
            }
            date = LocalDate.parse(s);
        } catch (DateTimeException e) {
            throw new FieldError("date", "must be an ISO date such as 2026-07-01, was " + raw);
        }
        LocalDate today = LocalDate.ofInstant(now, zone);
        if (date.isBefore(today)) {
            throw new FieldError("date", "is in the past: today in " + zone + " is " + today + ", was " + date);
        }
        if (!ZonedDateTime.of(date, readyBy, zone).toInstant().isAfter(now)) {
            throw new FieldError("readyBy", readyBy + " on " + date + " in " + zone + " has already passed");
        }
        if (date.isAfter(today.plusDays(MAX_DAYS_AHEAD))) {
            throw new FieldError("date", "may be at most " + MAX_DAYS_AHEAD + " days ahead, was " + date);
        }
        return new Recurrence.Once(date);
    }

    private static Optional<Geofence> location(JsonObject body) {
        Object raw = body.getValue("location");
        if (raw == null) {
            return Optional.empty();
        }
        if (!(raw instanceof JsonObject location)) {
            throw new FieldError("location", "must be an object {latitude, longitude, radiusM}");
        }
        Set<String> unknown = new java.util.TreeSet<>(location.fieldNames());
        unknown.removeAll(LOCATION_FIELDS);
        if (!unknown.isEmpty()) {
            throw new FieldError(
                    "location." + unknown.iterator().next(),
                    "is not a known field; allowed: " + new java.util.TreeSet<>(LOCATION_FIELDS));
        }
        double latitude = number(location, "latitude");
        double longitude = number(location, "longitude");
        double radius = number(location, "radiusM");
        if (!(latitude >= -90 && latitude <= 90)) {
            throw new FieldError("location.latitude", "must be -90..90, was " + location.getValue("latitude"));
        }
        if (!(longitude >= -180 && longitude <= 180)) {
            throw new FieldError("location.longitude", "must be -180..180, was " + location.getValue("longitude"));
        }
        if (!(radius >= Geofence.MIN_RADIUS_M && radius <= Geofence.MAX_RADIUS_M)) {
            throw new FieldError(
                    "location.radiusM",
                    "must be " + (int) Geofence.MIN_RADIUS_M + ".." + (int) Geofence.MAX_RADIUS_M + " metres, was "
                            + location.getValue("radiusM"));
        }
        return Optional.of(new Geofence(latitude, longitude, radius));
    }

    private static double number(JsonObject object, String field) {
        try {
            return Json.requiredNumber(object, field);
        } catch (FieldError e) {
            throw new FieldError("location." + field, e.getMessage().substring(field.length() + 2));
        }
    }

    /** The representation shown by the API (without the computed parts). */
    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("readyBy", readyBy.toString()).put("timeZone", timeZone.getId());
        if (recurrence instanceof Recurrence.Weekly weekly) {
            JsonArray days = new JsonArray();
            weekly.days().forEach(d -> days.add(d.name()));
            json.put("weekdays", days);
        } else if (recurrence instanceof Recurrence.Once once) {
            json.put("date", once.date().toString());
        }
        location.ifPresent(l -> json.put(
                "location",
                new JsonObject()
                        .put("latitude", l.latitude())
                        .put("longitude", l.longitude())
                        .put("radiusM", l.radiusM())));
        return json.put("targetTemperatureC", targetTemperatureC).put("enabled", enabled);
    }
}
