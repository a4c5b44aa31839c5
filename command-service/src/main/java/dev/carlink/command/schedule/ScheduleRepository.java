package dev.carlink.command.schedule;

import dev.carlink.command.lifecycle.CommandStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/** SQL for schedules, their occurrences and the per-car schedule version. */
final class ScheduleRepository {

    private static final String COLUMNS = "s.id, s.vin, s.ready_by, s.time_zone, s.weekday_mask, s.one_time_date, "
            + "s.latitude, s.longitude, s.radius_m, s.target_temperature_c, s.enabled, s.version, s.created_by, "
            + "s.created_at, s.updated_at, s.next_ready_by, s.next_run_at";
    private static final String FIRE_COLUMNS =
            "schedule_id, occurrence, planned_start, decided_at, outcome, reason, detail, command_id, car_reported_at";

    /**
     * A due schedule claimed by this instance, with the car's presence at claim time and the newest schedule
     * version the car confirmed it holds.
     */
    record Claimed(ScheduleView schedule, boolean online, long ackedVersion) {

        /** The car holds this schedule as it is now: it acknowledged a version at least as new. */
        boolean heldByCar() {
            return ackedVersion >= schedule.version();
        }
    }

    /** A car's schedule version and the newest one it confirmed holding. */
    record SyncState(long version, long ackedVersion) {}

    Optional<SyncState> syncState(Connection c, String vin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT schedule_version, schedule_acked_version FROM command.vehicles WHERE vin = ?")) {
            ps.setString(1, vin);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new SyncState(rs.getLong(1), rs.getLong(2))) : Optional.empty();
            }
        }
    }

    /** Whether a SCHEDULES_SYNC command for the car is still on its way (not yet in a final state). */
    boolean hasOpenSync(Connection c, String vin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM command.commands WHERE vin = ? "
                + "AND type = 'SCHEDULES_SYNC' AND status = ANY (?) LIMIT 1")) {
            ps.setString(1, vin);
            ps.setArray(2, c.createArrayOf("text", CommandStatus.activeNames()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Records that the car holds {@code version}; a late answer for an older version changes nothing. */
    boolean acknowledge(Connection c, String vin, long version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE command.vehicles SET schedule_acked_version = ? "
                + "WHERE vin = ? AND schedule_acked_version < ?")) {
            ps.setLong(1, version);
            ps.setString(2, vin);
            ps.setLong(3, version);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Records the car's report of an occurrence it decided itself, as the occurrence's outcome CAR; a FIRED
     * decision stays FIRED (the car answered the cloud's command under the same id, so it ran once), with the
     * report added to its detail. False when the car has no such schedule (deleted since).
     */
    boolean recordCarRun(
            Connection c,
            String vin,
            UUID scheduleId,
            Instant occurrence,
            Instant plannedStart,
            Optional<SkipReason> reason,
            String detail,
            UUID commandId,
            Instant reportedAt)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO command.schedule_fires (" + FIRE_COLUMNS
                + ") SELECT ?, ?, ?, ?, 'CAR', ?, ?, ?, ? WHERE EXISTS "
                + "(SELECT 1 FROM command.schedules WHERE id = ? AND vin = ?) "
                + "ON CONFLICT (schedule_id, occurrence) DO UPDATE SET "
                + "outcome = CASE WHEN schedule_fires.outcome = 'FIRED' THEN 'FIRED' ELSE 'CAR' END, "
                + "reason = CASE WHEN schedule_fires.outcome = 'FIRED' THEN NULL ELSE EXCLUDED.reason END, "
                + "detail = CASE WHEN schedule_fires.outcome = 'FIRED' "
                + "THEN schedule_fires.detail || '; the car reports: ' || EXCLUDED.detail ELSE EXCLUDED.detail END, "
                + "command_id = EXCLUDED.command_id, car_reported_at = EXCLUDED.car_reported_at "
                + "WHERE schedule_fires.car_reported_at IS NULL")) {
            ps.setObject(1, scheduleId);
            ps.setTimestamp(2, Timestamp.from(occurrence));
            ps.setTimestamp(3, Timestamp.from(plannedStart));
            ps.setTimestamp(4, Timestamp.from(reportedAt));
            ps.setString(5, reason.map(Enum::name).orElse(null));
            ps.setString(6, detail);
            ps.setObject(7, commandId);
            ps.setTimestamp(8, Timestamp.from(reportedAt));
            ps.setObject(9, scheduleId);
            ps.setString(10, vin);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM command.schedules WHERE id = ? AND vin = ?")) {
            ps.setObject(1, scheduleId);
            ps.setString(2, vin);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Locks the car's row (serialising its schedule changes) and reads its version; empty if no such car. */
    OptionalLong lockVersion(Connection c, String vin) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT schedule_version FROM command.vehicles WHERE vin = ? FOR UPDATE")) {
            ps.setString(1, vin);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    long version(Connection c, String vin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT schedule_version FROM command.vehicles WHERE vin = ?")) {
            ps.setString(1, vin);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    long bumpVersion(Connection c, String vin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE command.vehicles SET schedule_version = "
                + "schedule_version + 1 WHERE vin = ? RETURNING schedule_version")) {
            ps.setString(1, vin);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    int count(Connection c, String vin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM command.schedules WHERE vin = ?")) {
            ps.setString(1, vin);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    void insert(Connection c, ScheduleView s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO command.schedules (ready_by, time_zone, "
                + "weekday_mask, one_time_date, latitude, longitude, radius_m, target_temperature_c, enabled, "
                + "version, updated_at, next_ready_by, next_run_at, id, vin, created_by, created_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int i = bindChangeable(ps, s);
            ps.setObject(++i, s.id());
            ps.setString(++i, s.vin());
            ps.setString(++i, s.createdBy());
            ps.setTimestamp(++i, Timestamp.from(s.createdAt()));
            ps.executeUpdate();
        }
    }

    /** Replaces the owner's fields and the plan, and drops any claim on the old plan. */
    void update(Connection c, ScheduleView s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE command.schedules SET ready_by = ?, time_zone = ?, "
                + "weekday_mask = ?, one_time_date = ?, latitude = ?, longitude = ?, radius_m = ?, "
                + "target_temperature_c = ?, enabled = ?, version = ?, updated_at = ?, next_ready_by = ?, "
                + "next_run_at = ?, claimed_until = NULL WHERE id = ?")) {
            int i = bindChangeable(ps, s);
            ps.setObject(++i, s.id());
            ps.executeUpdate();
        }
    }

    private static int bindChangeable(PreparedStatement ps, ScheduleView s) throws SQLException {
        ScheduleSpec spec = s.spec();
        int i = 0;
        ps.setObject(++i, spec.readyBy());
        ps.setString(++i, spec.timeZone().getId());
        if (spec.recurrence() instanceof Recurrence.Weekly weekly) {
            ps.setInt(++i, weekly.mask());
            ps.setNull(++i, Types.DATE);
        } else {
            ps.setNull(++i, Types.SMALLINT);
            ps.setObject(++i, ((Recurrence.Once) spec.recurrence()).date());
        }
        if (spec.location().isPresent()) {
            ps.setDouble(++i, spec.location().get().latitude());
            ps.setDouble(++i, spec.location().get().longitude());
            ps.setDouble(++i, spec.location().get().radiusM());
        } else {
            ps.setNull(++i, Types.DOUBLE);
            ps.setNull(++i, Types.DOUBLE);
            ps.setNull(++i, Types.DOUBLE);
        }
        ps.setDouble(++i, spec.targetTemperatureC());
        ps.setBoolean(++i, spec.enabled());
        ps.setLong(++i, s.version());
        ps.setTimestamp(++i, Timestamp.from(s.updatedAt()));
        ps.setTimestamp(++i, timestamp(s.nextReadyBy()));
        ps.setTimestamp(++i, timestamp(s.nextRunAt()));
        return i;
    }

    boolean delete(Connection c, String vin, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM command.schedules WHERE id = ? AND vin = ?")) {
            ps.setObject(1, id);
            ps.setString(2, vin);
            return ps.executeUpdate() == 1;
        }
    }

    Optional<ScheduleView> find(Connection c, String vin, UUID id, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM command.schedules s "
                + "WHERE s.id = ? AND s.vin = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setObject(1, id);
            ps.setString(2, vin);
            return readAll(ps).stream().findFirst();
        }
    }

    /** The schedule, locked against owner changes and other scheduler instances' writes. */
    Optional<ScheduleView> lock(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT " + COLUMNS + " FROM command.schedules s WHERE s.id = ? FOR UPDATE")) {
            ps.setObject(1, id);
            return readAll(ps).stream().findFirst();
        }
    }

    List<ScheduleView> list(Connection c, String vin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM command.schedules s WHERE s.vin = ? ORDER BY s.created_at, s.id")) {
            ps.setString(1, vin);
            return readAll(ps);
        }
    }

    /**
     * Claims up to {@code limit} due schedules until {@code claimedUntil}: enabled, start reached, and not
     * claimed by a live instance. SKIP LOCKED lets concurrent instances claim disjoint sets without waiting.
     */
    List<Claimed> claimDue(Connection c, Instant now, Instant claimedUntil, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE command.schedules s SET claimed_until = ? "
                + "FROM command.vehicles v WHERE v.vin = s.vin AND s.id IN ("
                + "SELECT id FROM command.schedules WHERE enabled AND next_run_at <= ? "
                + "AND (claimed_until IS NULL OR claimed_until <= ?) "
                + "ORDER BY next_run_at LIMIT ? FOR UPDATE SKIP LOCKED) "
                + "RETURNING " + COLUMNS + ", v.online, v.schedule_acked_version")) {
            ps.setTimestamp(1, Timestamp.from(claimedUntil));
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setInt(4, limit);
            List<Claimed> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Claimed(read(rs), rs.getBoolean(18), rs.getLong(19)));
                }
            }
            return out;
        }
    }

    /** Moves a schedule to its next occurrence (or disables it when there is none) and drops the claim. */
    void advance(Connection c, UUID id, Instant nextReadyBy, Instant nextRunAt, boolean enabled) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE command.schedules SET next_ready_by = ?, "
                + "next_run_at = ?, enabled = ?, claimed_until = NULL WHERE id = ?")) {
            ps.setTimestamp(1, timestamp(nextReadyBy));
            ps.setTimestamp(2, timestamp(nextRunAt));
            ps.setBoolean(3, enabled);
            ps.setObject(4, id);
            ps.executeUpdate();
        }
    }

    /** Records a decided occurrence; false when this occurrence was already decided (by anyone). */
    boolean insertFire(Connection c, FireRecord f) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO command.schedule_fires (" + FIRE_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (schedule_id, occurrence) DO NOTHING")) {
            ps.setObject(1, f.scheduleId());
            ps.setTimestamp(2, Timestamp.from(f.occurrence()));
            ps.setTimestamp(3, Timestamp.from(f.plannedStart()));
            ps.setTimestamp(4, Timestamp.from(f.decidedAt()));
            ps.setString(5, f.outcome().name());
            ps.setString(6, f.reason().map(Enum::name).orElse(null));
            ps.setString(7, f.detail());
            ps.setObject(8, f.commandId().orElse(null));
            ps.setTimestamp(9, f.carReportedAt().map(Timestamp::from).orElse(null));
            return ps.executeUpdate() == 1;
        }
    }

    Optional<FireRecord> findFire(Connection c, UUID scheduleId, Instant occurrence) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + FIRE_COLUMNS + " FROM command.schedule_fires WHERE schedule_id = ? AND occurrence = ?")) {
            ps.setObject(1, scheduleId);
            ps.setTimestamp(2, Timestamp.from(occurrence));
            return readFires(ps).stream().findFirst();
        }
    }

    /** Adds to a fire's detail what became of its command (a refusal by the cloud's checks). */
    void appendFireDetail(Connection c, UUID scheduleId, Instant occurrence, String more) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE command.schedule_fires SET detail = detail || ? "
                + "WHERE schedule_id = ? AND occurrence = ? AND position(? in detail) = 0")) {
            ps.setString(1, "; " + more);
            ps.setObject(2, scheduleId);
            ps.setTimestamp(3, Timestamp.from(occurrence));
            ps.setString(4, more);
            ps.executeUpdate();
        }
    }

    /** The latest decided occurrence, so a re-planned schedule never names one again. */
    Optional<Instant> lastOccurrence(Connection c, UUID scheduleId) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT max(occurrence) FROM command.schedule_fires WHERE schedule_id = ?")) {
            ps.setObject(1, scheduleId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Timestamp last = rs.getTimestamp(1);
                return last == null ? Optional.empty() : Optional.of(last.toInstant());
            }
        }
    }

    /** Decided occurrences, latest first. */
    List<FireRecord> fires(Connection c, UUID scheduleId, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + FIRE_COLUMNS
                + " FROM command.schedule_fires WHERE schedule_id = ? ORDER BY occurrence DESC LIMIT ?")) {
            ps.setObject(1, scheduleId);
            ps.setInt(2, limit);
            return readFires(ps);
        }
    }

    private static List<ScheduleView> readAll(PreparedStatement ps) throws SQLException {
        List<ScheduleView> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(read(rs));
            }
        }
        return out;
    }

    private static ScheduleView read(ResultSet rs) throws SQLException {
        int mask = rs.getInt(5);
        Recurrence recurrence =
                rs.wasNull() ? new Recurrence.Once(rs.getObject(6, LocalDate.class)) : Recurrence.Weekly.fromMask(mask);
        double latitude = rs.getDouble(7);
        Optional<Geofence> location =
                rs.wasNull() ? Optional.empty() : Optional.of(new Geofence(latitude, rs.getDouble(8), rs.getDouble(9)));
        ScheduleSpec spec = new ScheduleSpec(
                rs.getObject(3, LocalTime.class),
                ZoneId.of(rs.getString(4)),
                recurrence,
                location,
                rs.getDouble(10),
                rs.getBoolean(11));
        return new ScheduleView(
                rs.getObject(1, UUID.class),
                rs.getString(2),
                spec,
                rs.getLong(12),
                rs.getString(13),
                rs.getTimestamp(14).toInstant(),
                rs.getTimestamp(15).toInstant(),
                instant(rs.getTimestamp(16)),
                instant(rs.getTimestamp(17)));
    }

    private static List<FireRecord> readFires(PreparedStatement ps) throws SQLException {
        List<FireRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String reason = rs.getString(6);
                out.add(new FireRecord(
                        rs.getObject(1, UUID.class),
                        rs.getTimestamp(2).toInstant(),
                        rs.getTimestamp(3).toInstant(),
                        rs.getTimestamp(4).toInstant(),
                        FireOutcome.valueOf(rs.getString(5)),
                        reason == null ? Optional.empty() : Optional.of(SkipReason.valueOf(reason)),
                        rs.getString(7),
                        Optional.ofNullable(rs.getObject(8, UUID.class)),
                        Optional.ofNullable(instant(rs.getTimestamp(9)))));
            }
        }
        return out;
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
