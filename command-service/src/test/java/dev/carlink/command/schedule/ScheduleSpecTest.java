package dev.carlink.command.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.carlink.command.lifecycle.FieldError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ScheduleSpecTest {

    /** Monday 2026-06-01, 10:00 in Berlin. */
    private static final Instant NOW = Instant.parse("2026-06-01T08:00:00Z");

    private static JsonObject weekdays() {
        return new JsonObject()
                .put("readyBy", "07:40")
                .put("timeZone", "Europe/Berlin")
                .put("weekdays", new JsonArray().add("MONDAY").add("FRIDAY"))
                .put("targetTemperatureC", 21.5);
    }

    private static JsonObject oneTime(String date) {
        return weekdays().copy().put("weekdays", null).put("date", date);
    }

    private static void rejected(JsonObject body, String field, String message) {
        assertThatThrownBy(() -> ScheduleSpec.fromJson(body, NOW))
                .isInstanceOfSatisfying(
                        FieldError.class, e -> assertThat(e.field()).isEqualTo(field))
                .hasMessageContaining(message);
    }

    @Test
    void aWeeklySchedule_isParsed_withDefaults() {
        ScheduleSpec spec = ScheduleSpec.fromJson(weekdays(), NOW);

        assertThat(spec.readyBy()).isEqualTo(LocalTime.of(7, 40));
        assertThat(spec.timeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(spec.recurrence())
                .isEqualTo(new Recurrence.Weekly(java.util.EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.FRIDAY)));
        assertThat(spec.location()).isEmpty();
        assertThat(spec.targetTemperatureC()).isEqualTo(21.5);
        assertThat(spec.enabled()).isTrue();
    }

    @Test
    void aOneTimeSchedule_withALocation_isParsed_andShownAsGiven() {
        JsonObject body = oneTime("2026-06-02")
                .put(
                        "location",
                        new JsonObject()
                                .put("latitude", 52.52)
                                .put("longitude", 13.405)
                                .put("radiusM", 200))
                .put("enabled", false);

        ScheduleSpec spec = ScheduleSpec.fromJson(body, NOW);

        assertThat(spec.recurrence()).isEqualTo(new Recurrence.Once(LocalDate.of(2026, 6, 2)));
        assertThat(spec.location()).contains(new Geofence(52.52, 13.405, 200));
        assertThat(spec.enabled()).isFalse();
        assertThat(spec.toJson().getString("date")).isEqualTo("2026-06-02");
        assertThat(spec.toJson().getJsonObject("location").getDouble("radiusM")).isEqualTo(200);
    }

    @Test
    void weekdays_areShownInWeekOrder() {
        JsonObject body =
                weekdays().put("weekdays", new JsonArray().add("SUNDAY").add("MONDAY"));

        assertThat(ScheduleSpec.fromJson(body, NOW).toJson().getJsonArray("weekdays"))
                .containsExactly("MONDAY", "SUNDAY");
    }

    @Test
    void readyBy_mustBeHhMm() {
        rejected(weekdays().put("readyBy", null), "readyBy", "is required");
        rejected(weekdays().put("readyBy", "7:40"), "readyBy", "HH:mm");
        rejected(weekdays().put("readyBy", "07:40:00"), "readyBy", "HH:mm");
        rejected(weekdays().put("readyBy", 740), "readyBy", "HH:mm");
        rejected(weekdays().put("readyBy", "24:00"), "readyBy", "not a time of day");
        rejected(weekdays().put("readyBy", "07:60"), "readyBy", "not a time of day");
    }

    @Test
    void timeZone_mustBeAKnownIanaId() {
        rejected(weekdays().put("timeZone", null), "timeZone", "is required");
        rejected(weekdays().put("timeZone", "Europe/Berlni"), "timeZone", "unknown time zone Europe/Berlni");
        rejected(weekdays().put("timeZone", "+02:00"), "timeZone", "unknown time zone");
        rejected(weekdays().put("timeZone", 2), "timeZone", "unknown time zone");
    }

    @Test
    void weekdaysAndDate_exactlyOneOfThem() {
        rejected(weekdays().put("date", "2026-06-02"), "date", "not both");
        rejected(weekdays().put("weekdays", null), "weekdays", "give weekdays");
    }

    @Test
    void weekdays_mustBeANonEmptyArrayOfDayNames_withoutRepeats() {
        rejected(weekdays().put("weekdays", new JsonArray()), "weekdays", "at least one day");
        rejected(weekdays().put("weekdays", "MONDAY"), "weekdays", "must be an array");
        rejected(weekdays().put("weekdays", new JsonArray().add("FUNDAY")), "weekdays", "was FUNDAY");
        rejected(weekdays().put("weekdays", new JsonArray().add("monday")), "weekdays", "was monday");
        rejected(weekdays().put("weekdays", new JsonArray().add("MONDAY").add("MONDAY")), "weekdays", "twice");
    }

    @Test
    void date_mustBeAnIsoDate_notInThePast_notTooFarAhead() {
        rejected(oneTime("01.07.2026"), "date", "ISO date");
        rejected(oneTime("2026-02-30"), "date", "ISO date");
        rejected(oneTime("2026-05-31"), "date", "is in the past: today in Europe/Berlin is 2026-06-01");
        rejected(oneTime("2027-06-03"), "date", "at most 366 days ahead");
    }

    @Test
    void aOneTimeToday_whoseTimeHasPassed_isRejected_butOneStillAheadIsNot() {
        rejected(oneTime("2026-06-01"), "readyBy", "has already passed");

        assertThat(ScheduleSpec.fromJson(oneTime("2026-06-01").put("readyBy", "10:30"), NOW)
                        .recurrence())
                .isEqualTo(new Recurrence.Once(LocalDate.of(2026, 6, 1)));
    }

    @Test
    void todayIsTheScheduleZones_notUtcs() {
        // 2026-06-01T23:30Z is already 2 June in Tokyo: 1 June is in the past there.
        Instant lateUtc = Instant.parse("2026-06-01T23:30:00Z");
        JsonObject body = oneTime("2026-06-01").put("timeZone", "Asia/Tokyo").put("readyBy", "23:00");

        assertThatThrownBy(() -> ScheduleSpec.fromJson(body, lateUtc))
                .hasMessageContaining("today in Asia/Tokyo is 2026-06-02");
    }

    @Test
    void location_mustBeComplete_andInRange() {
        JsonObject location =
                new JsonObject().put("latitude", 52.5).put("longitude", 13.4).put("radiusM", 200);
        rejected(weekdays().put("location", "home"), "location", "must be an object");
        rejected(weekdays().put("location", location.copy().put("radiusM", null)), "location.radiusM", "is required");
        rejected(weekdays().put("location", location.copy().put("radiusM", 49)), "location.radiusM", "50..10000");
        rejected(weekdays().put("location", location.copy().put("radiusM", 10_001)), "location.radiusM", "50..10000");
        rejected(weekdays().put("location", location.copy().put("latitude", 91)), "location.latitude", "-90..90");
        rejected(weekdays().put("location", location.copy().put("longitude", -181)), "location.longitude", "-180..180");
        rejected(
                weekdays().put("location", location.copy().put("longitude", "east")),
                "location.longitude",
                "must be a number");
        rejected(
                weekdays().put("location", location.copy().put("altitude", 30)),
                "location.altitude",
                "not a known field");
    }

    @Test
    void targetTemperature_isRequired_16to30() {
        rejected(weekdays().put("targetTemperatureC", null), "targetTemperatureC", "is required");
        rejected(weekdays().put("targetTemperatureC", 15.9), "targetTemperatureC", "16..30");
        rejected(weekdays().put("targetTemperatureC", 31), "targetTemperatureC", "16..30");
        rejected(weekdays().put("targetTemperatureC", "warm"), "targetTemperatureC", "must be a number");
    }

    @Test
    void enabled_mustBeABoolean_andUnknownFieldsAreRejected() {
        rejected(weekdays().put("enabled", "yes"), "enabled", "true or false");
        rejected(weekdays().put("durationMinutes", 20), "durationMinutes", "not a known field");
    }

    @Test
    void weekdayMask_roundTrips() {
        Recurrence.Weekly weekly = new Recurrence.Weekly(java.util.EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.SUNDAY));

        assertThat(weekly.mask()).isEqualTo(1 | 64);
        assertThat(Recurrence.Weekly.fromMask(weekly.mask())).isEqualTo(weekly);
    }
}
