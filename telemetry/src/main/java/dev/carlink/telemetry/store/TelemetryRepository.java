package dev.carlink.telemetry.store;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.v1.Hvac;
import dev.carlink.proto.v1.Location;
import dev.carlink.proto.v1.Telemetry;
import dev.carlink.telemetry.SampleKey;
import dev.carlink.telemetry.TelemetrySample;
import dev.carlink.telemetry.series.LateSamples;
import dev.carlink.telemetry.series.SeriesDialect;
import dev.carlink.telemetry.series.SeriesStorage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * All SQL of the telemetry module: the raw samples in {@code telemetry.telemetry} (typed columns, one
 * per signal) and the latest state per car in {@code telemetry.latest_state}. Every method blocks: call
 * it from a worker thread, never from an event loop.
 *
 * <p>Times cross JDBC as ISO-8601 UTC text cast to {@code timestamptz} and come back as epoch
 * milliseconds computed in SQL: exact, and independent of the session's time zone.
 */
public final class TelemetryRepository {

    /**
     * One statement for the whole batch: the columns travel as one array each and {@code unnest}
     * turns them into rows. A sample already stored (same vin, seq, ts) is skipped; RETURNING names
     * the ones that were new.
     */
    private static final String INSERT_SAMPLES =
            """
            INSERT INTO telemetry.telemetry (
                vin, seq, ts, received_at,
                cabin_temperature_c, exterior_temperature_c, state_of_charge_pct, speed_kmh,
                latitude, longitude, selected_gear, low_voltage_system_state,
                doors, trunk_is_open, seats, child_presence,
                hvac_mode, hvac_ac_active, hvac_target_c, hvac_auto_off_at,
                sterilization_phase, fatigue_level, is_eyes_on_road,
                odometer_km, range_km, low_voltage_battery_v, is_charging)
            SELECT * FROM unnest(
                ?::text[], ?::int8[], ?::timestamptz[], ?::timestamptz[],
                ?::float4[], ?::float4[], ?::float4[], ?::float4[],
                ?::float8[], ?::float8[], ?::int2[], ?::int2[],
                ?::jsonb[], ?::bool[], ?::jsonb[], ?::int2[],
                ?::int2[], ?::bool[], ?::float4[], ?::timestamptz[],
                ?::int2[], ?::int2[], ?::bool[],
                ?::float4[], ?::float4[], ?::float4[], ?::bool[])
            ON CONFLICT (vin, seq, ts) DO NOTHING
            RETURNING vin, seq, (extract(epoch FROM ts) * 1000)::int8 AS ts_ms
            """;

    /**
     * Latest state moves only forward: an existing row is replaced only by a sample newer by (ts, seq).
     * RETURNING names the cars whose row was inserted or replaced. One row per VIN in the input.
     */
    private static final String UPSERT_LATEST =
            """
            INSERT INTO telemetry.latest_state AS latest (vin, ts, seq, received_at, sample, %s)
            SELECT * FROM unnest(?::text[], ?::timestamptz[], ?::int8[], ?::timestamptz[], ?::bytea[], %s)
            ON CONFLICT (vin) DO UPDATE
                SET ts = excluded.ts,
                    seq = excluded.seq,
                    received_at = excluded.received_at,
                    sample = excluded.sample,
                    updated_at = now(),
                    %s
                WHERE (latest.ts, latest.seq) < (excluded.ts, excluded.seq)
            RETURNING vin
            """
                    .formatted(FleetFactsSql.COLUMNS, FleetFactsSql.ARRAY_PARAMS, FleetFactsSql.ASSIGN_FROM_EXCLUDED);

    private static final String SELECT_LATEST =
            """
            SELECT sample, (extract(epoch FROM received_at) * 1000)::int8 AS received_at_ms
            FROM telemetry.latest_state
            WHERE vin = ?
            """;

    private static final String SELECT_HISTORY =
            """
            SELECT (extract(epoch FROM ts) * 1000)::int8 AS ts_ms, seq,
                   cabin_temperature_c, exterior_temperature_c, state_of_charge_pct, speed_kmh,
                   latitude, longitude, selected_gear, low_voltage_system_state,
                   doors::text AS doors, trunk_is_open, seats::text AS seats, child_presence,
                   hvac_mode, hvac_ac_active, hvac_target_c,
                   (extract(epoch FROM hvac_auto_off_at) * 1000)::int8 AS hvac_auto_off_at_ms,
                   sterilization_phase, fatigue_level, is_eyes_on_road,
                   odometer_km, range_km, low_voltage_battery_v, is_charging
            FROM telemetry.telemetry
            WHERE vin = ? AND ts >= ?::timestamptz AND ts < ?::timestamptz
              AND (ts, seq) > (?::timestamptz, ?::int8)
            ORDER BY ts, seq
            LIMIT ?
            """;

    private static final String SELECT_STORAGE_LAYOUT =
            "SELECT telemetry.storage_layout() AS layout, telemetry.timescaledb_status() AS timescaledb";

    /** PostgreSQL's "no partition of relation found for row" (a check violation). */
    private static final String CHECK_VIOLATION = "23514";

    private final DataSource dataSource;
    private final SeriesDialect dialect;

    /**
     * @param dataSource a pool that resets a connection's auto-commit when it is returned (HikariCP
     *     does)
     * @param dialect the storage layout (see {@link SeriesStorage#detect}): with plain partitions the writer
     *     records late samples for the rollups and creates a missing partition on demand
     */
    public TelemetryRepository(DataSource dataSource, SeriesDialect dialect) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.dialect = Objects.requireNonNull(dialect, "dialect");
    }

    /**
     * Stores a batch in one transaction: inserts the samples that are new and advances the latest state
     * of each car whose candidate is newer than the stored one. Nothing is visible before the commit;
     * on any failure nothing is stored.
     *
     * @param samples distinct samples (no two with one key)
     * @param latestCandidates at most one sample per VIN: the newest of the batch for that car
     */
    public StoreResult store(List<TelemetrySample> samples, List<TelemetrySample> latestCandidates)
            throws SQLException {
        try {
            return storeCreatingPartitions(samples, latestCandidates, true);
        } catch (SQLException e) {
            if (!SampleCopy.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            // a redelivered sample: COPY cannot skip it, so the batch goes again the idempotent way
            return storeCreatingPartitions(samples, latestCandidates, false);
        }
    }

    private StoreResult storeCreatingPartitions(
            List<TelemetrySample> samples, List<TelemetrySample> latestCandidates, boolean copy) throws SQLException {
        try {
            return storeOnce(samples, latestCandidates, copy);
        } catch (SQLException e) {
            if (!CHECK_VIOLATION.equals(e.getSQLState()) || !dialect.refreshedByModule() || samples.isEmpty()) {
                throw e;
            }
            // a sample in a day no partition covers yet (maintenance has not run since midnight): create, retry
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                LateSamples.ensurePartitions(connection, oldest(samples), newest(samples));
            }
            return storeOnce(samples, latestCandidates, copy);
        }
    }

    /**
     * One transaction: the samples (by COPY, or by an insert that skips stored ones), the late ones recorded
     * for the rollups, the latest states advanced.
     */
    private StoreResult storeOnce(List<TelemetrySample> samples, List<TelemetrySample> latestCandidates, boolean copy)
            throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Instant pending = dialect.refreshedByModule() ? LateSamples.lockPending(connection) : null;
                Set<SampleKey> inserted = copy && !samples.isEmpty()
                        ? SampleCopy.copy(connection, samples)
                        : insertSamples(connection, samples);
                if (pending != null) {
                    LateSamples.record(connection, inserted, pending);
                }
                Set<String> advanced = upsertLatest(connection, latestCandidates);
                connection.commit();
                return new StoreResult(inserted, advanced);
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            }
        }
    }

    /** The stored latest state of {@code vin}, or empty when the car never sent a sample. */
    public Optional<StoredState> latest(String vin) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(SELECT_LATEST)) {
            statement.setString(1, vin);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                Telemetry telemetry = parseSample(row.getBytes("sample"), vin);
                return Optional.of(new StoredState(telemetry, Instant.ofEpochMilli(row.getLong("received_at_ms"))));
            }
        }
    }

    /**
     * Samples of {@code vin} with a time in [from, to) and after ({@code afterTs}, {@code afterSeq}), oldest
     * first (by time, then seq), at most {@code maxRows}. Pass {@code from} and 0 to start at {@code from}.
     */
    public List<Telemetry> history(String vin, Instant from, Instant to, Instant afterTs, long afterSeq, int maxRows)
            throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(SELECT_HISTORY)) {
            statement.setString(1, vin);
            statement.setString(2, from.toString());
            statement.setString(3, to.toString());
            statement.setString(4, afterTs.toString());
            statement.setLong(5, afterSeq);
            statement.setInt(6, maxRows);
            statement.setFetchSize(Math.min(maxRows, 1_000));
            List<Telemetry> samples = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    samples.add(readSample(row));
                }
            }
            return samples;
        }
    }

    private static Instant oldest(List<TelemetrySample> samples) {
        return Instant.ofEpochMilli(samples.stream()
                .mapToLong(s -> s.telemetry().getTimestampMs())
                .min()
                .orElseThrow());
    }

    private static Instant newest(List<TelemetrySample> samples) {
        return Instant.ofEpochMilli(samples.stream()
                .mapToLong(s -> s.telemetry().getTimestampMs())
                .max()
                .orElseThrow());
    }

    /** Whether the migrations made {@code telemetry.telemetry} a hypertable, and why (see V2). */
    public static StorageLayout storageLayout(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(SELECT_STORAGE_LAYOUT);
                ResultSet row = statement.executeQuery()) {
            row.next();
            return new StorageLayout(row.getString("layout"), row.getString("timescaledb"));
        }
    }

    private static Set<SampleKey> insertSamples(Connection connection, List<TelemetrySample> samples)
            throws SQLException {
        Set<SampleKey> inserted = new HashSet<>();
        if (samples.isEmpty()) {
            return inserted;
        }
        int n = samples.size();
        String[] vin = new String[n];
        Long[] seq = new Long[n];
        String[] ts = new String[n];
        String[] receivedAt = new String[n];
        Float[] cabin = new Float[n];
        Float[] exterior = new Float[n];
        Float[] stateOfCharge = new Float[n];
        Float[] speed = new Float[n];
        Double[] latitude = new Double[n];
        Double[] longitude = new Double[n];
        Short[] gear = new Short[n];
        Short[] lowVoltageState = new Short[n];
        String[] doors = new String[n];
        Boolean[] trunkOpen = new Boolean[n];
        String[] seats = new String[n];
        Short[] childPresence = new Short[n];
        Short[] hvacMode = new Short[n];
        Boolean[] hvacAc = new Boolean[n];
        Float[] hvacTarget = new Float[n];
        String[] hvacAutoOff = new String[n];
        Short[] sterilization = new Short[n];
        Short[] fatigue = new Short[n];
        Boolean[] eyesOnRoad = new Boolean[n];
        Float[] odometer = new Float[n];
        Float[] range = new Float[n];
        Float[] lowVoltageBattery = new Float[n];
        Boolean[] charging = new Boolean[n];
        for (int i = 0; i < n; i++) {
            TelemetrySample sample = samples.get(i);
            Telemetry t = sample.telemetry();
            vin[i] = sample.vin().value();
            seq[i] = t.getSeq();
            ts[i] = Instant.ofEpochMilli(t.getTimestampMs()).toString();
            receivedAt[i] = sample.receivedAt().toString();
            cabin[i] = t.hasCabinTemperatureC() ? t.getCabinTemperatureC() : null;
            exterior[i] = t.hasExteriorTemperatureC() ? t.getExteriorTemperatureC() : null;
            stateOfCharge[i] = t.hasStateOfChargePct() ? t.getStateOfChargePct() : null;
            speed[i] = t.hasSpeedKmh() ? t.getSpeedKmh() : null;
            latitude[i] = t.hasLocation() ? t.getLocation().getLatitude() : null;
            longitude[i] = t.hasLocation() ? t.getLocation().getLongitude() : null;
            gear[i] = t.hasSelectedGear() ? (short) t.getSelectedGear() : null;
            lowVoltageState[i] = t.hasLowVoltageSystemState() ? (short) t.getLowVoltageSystemStateValue() : null;
            doors[i] = CabinJson.doors(t.getDoorsList());
            trunkOpen[i] = t.hasTrunkIsOpen() ? t.getTrunkIsOpen() : null;
            seats[i] = CabinJson.seats(t.getSeatsList());
            childPresence[i] = t.hasChildPresence() ? (short) t.getChildPresenceValue() : null;
            if (t.hasHvac()) {
                Hvac hvac = t.getHvac();
                hvacMode[i] = (short) hvac.getModeValue();
                hvacAc[i] = hvac.getIsAirConditioningActive();
                hvacTarget[i] = hvac.getTargetTemperatureC();
                hvacAutoOff[i] = hvac.getAutoOffAtMs() == 0
                        ? null
                        : Instant.ofEpochMilli(hvac.getAutoOffAtMs()).toString();
            }
            sterilization[i] = t.hasSterilizationPhase() ? (short) t.getSterilizationPhaseValue() : null;
            fatigue[i] = t.hasFatigueLevel() ? (short) t.getFatigueLevelValue() : null;
            eyesOnRoad[i] = t.hasIsEyesOnRoad() ? t.getIsEyesOnRoad() : null;
            odometer[i] = t.hasOdometerKm() ? t.getOdometerKm() : null;
            range[i] = t.hasRangeKm() ? t.getRangeKm() : null;
            lowVoltageBattery[i] = t.hasLowVoltageBatteryV() ? t.getLowVoltageBatteryV() : null;
            charging[i] = t.hasIsCharging() ? t.getIsCharging() : null;
        }
        try (PreparedStatement statement = connection.prepareStatement(INSERT_SAMPLES)) {
            int p = 1;
            statement.setArray(p++, connection.createArrayOf("text", vin));
            statement.setArray(p++, connection.createArrayOf("int8", seq));
            statement.setArray(p++, connection.createArrayOf("text", ts));
            statement.setArray(p++, connection.createArrayOf("text", receivedAt));
            statement.setArray(p++, connection.createArrayOf("float4", cabin));
            statement.setArray(p++, connection.createArrayOf("float4", exterior));
            statement.setArray(p++, connection.createArrayOf("float4", stateOfCharge));
            statement.setArray(p++, connection.createArrayOf("float4", speed));
            statement.setArray(p++, connection.createArrayOf("float8", latitude));
            statement.setArray(p++, connection.createArrayOf("float8", longitude));
            statement.setArray(p++, connection.createArrayOf("int2", gear));
            statement.setArray(p++, connection.createArrayOf("int2", lowVoltageState));
            statement.setArray(p++, connection.createArrayOf("text", doors));
            statement.setArray(p++, connection.createArrayOf("bool", trunkOpen));
            statement.setArray(p++, connection.createArrayOf("text", seats));
            statement.setArray(p++, connection.createArrayOf("int2", childPresence));
            statement.setArray(p++, connection.createArrayOf("int2", hvacMode));
            statement.setArray(p++, connection.createArrayOf("bool", hvacAc));
            statement.setArray(p++, connection.createArrayOf("float4", hvacTarget));
            statement.setArray(p++, connection.createArrayOf("text", hvacAutoOff));
            statement.setArray(p++, connection.createArrayOf("int2", sterilization));
            statement.setArray(p++, connection.createArrayOf("int2", fatigue));
            statement.setArray(p++, connection.createArrayOf("bool", eyesOnRoad));
            statement.setArray(p++, connection.createArrayOf("float4", odometer));
            statement.setArray(p++, connection.createArrayOf("float4", range));
            statement.setArray(p++, connection.createArrayOf("float4", lowVoltageBattery));
            statement.setArray(p, connection.createArrayOf("bool", charging));
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    inserted.add(new SampleKey(row.getString("vin"), row.getLong("seq"), row.getLong("ts_ms")));
                }
            }
        }
        return inserted;
    }

    private static Set<String> upsertLatest(Connection connection, List<TelemetrySample> candidates)
            throws SQLException {
        Set<String> advanced = new HashSet<>();
        if (candidates.isEmpty()) {
            return advanced;
        }
        int n = candidates.size();
        String[] vin = new String[n];
        String[] ts = new String[n];
        Long[] seq = new Long[n];
        String[] receivedAt = new String[n];
        byte[][] sample = new byte[n][];
        List<FleetFacts> facts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            TelemetrySample candidate = candidates.get(i);
            vin[i] = candidate.vin().value();
            ts[i] = Instant.ofEpochMilli(candidate.telemetry().getTimestampMs()).toString();
            seq[i] = candidate.telemetry().getSeq();
            receivedAt[i] = candidate.receivedAt().toString();
            sample[i] = candidate.telemetry().toByteArray();
            facts.add(FleetFacts.of(candidate.telemetry()));
        }
        try (PreparedStatement statement = connection.prepareStatement(UPSERT_LATEST)) {
            statement.setArray(1, connection.createArrayOf("text", vin));
            statement.setArray(2, connection.createArrayOf("text", ts));
            statement.setArray(3, connection.createArrayOf("int8", seq));
            statement.setArray(4, connection.createArrayOf("text", receivedAt));
            statement.setArray(5, connection.createArrayOf("bytea", sample));
            FleetFactsSql.bind(connection, statement, 6, facts);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    advanced.add(row.getString("vin"));
                }
            }
        }
        return advanced;
    }

    private static Telemetry readSample(ResultSet row) throws SQLException {
        Telemetry.Builder t =
                Telemetry.newBuilder().setTimestampMs(row.getLong("ts_ms")).setSeq(row.getLong("seq"));
        Float value = nullableFloat(row, "cabin_temperature_c");
        if (value != null) {
            t.setCabinTemperatureC(value);
        }
        value = nullableFloat(row, "exterior_temperature_c");
        if (value != null) {
            t.setExteriorTemperatureC(value);
        }
        value = nullableFloat(row, "state_of_charge_pct");
        if (value != null) {
            t.setStateOfChargePct(value);
        }
        value = nullableFloat(row, "speed_kmh");
        if (value != null) {
            t.setSpeedKmh(value);
        }
        double latitude = row.getDouble("latitude");
        if (!row.wasNull()) {
            t.setLocation(Location.newBuilder().setLatitude(latitude).setLongitude(row.getDouble("longitude")));
        }
        Short number = nullableShort(row, "selected_gear");
        if (number != null) {
            t.setSelectedGear(number);
        }
        number = nullableShort(row, "low_voltage_system_state");
        if (number != null) {
            t.setLowVoltageSystemStateValue(number);
        }
        t.addAllDoors(CabinJson.readDoors(row.getString("doors")));
        Boolean flag = nullableBoolean(row, "trunk_is_open");
        if (flag != null) {
            t.setTrunkIsOpen(flag);
        }
        t.addAllSeats(CabinJson.readSeats(row.getString("seats")));
        number = nullableShort(row, "child_presence");
        if (number != null) {
            t.setChildPresenceValue(number);
        }
        number = nullableShort(row, "hvac_mode");
        if (number != null) {
            long autoOffAt = row.getLong("hvac_auto_off_at_ms");
            t.setHvac(Hvac.newBuilder()
                    .setModeValue(number)
                    .setIsAirConditioningActive(row.getBoolean("hvac_ac_active"))
                    .setTargetTemperatureC(row.getFloat("hvac_target_c"))
                    .setAutoOffAtMs(autoOffAt));
        }
        number = nullableShort(row, "sterilization_phase");
        if (number != null) {
            t.setSterilizationPhaseValue(number);
        }
        number = nullableShort(row, "fatigue_level");
        if (number != null) {
            t.setFatigueLevelValue(number);
        }
        flag = nullableBoolean(row, "is_eyes_on_road");
        if (flag != null) {
            t.setIsEyesOnRoad(flag);
        }
        value = nullableFloat(row, "odometer_km");
        if (value != null) {
            t.setOdometerKm(value);
        }
        value = nullableFloat(row, "range_km");
        if (value != null) {
            t.setRangeKm(value);
        }
        value = nullableFloat(row, "low_voltage_battery_v");
        if (value != null) {
            t.setLowVoltageBatteryV(value);
        }
        flag = nullableBoolean(row, "is_charging");
        if (flag != null) {
            t.setIsCharging(flag);
        }
        return t.build();
    }

    static Telemetry parseSample(byte[] bytes, String vin) throws SQLException {
        try {
            return Telemetry.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new SQLException("latest_state.sample of " + vin + " is not a vehicle.v1.Telemetry", e);
        }
    }

    private static Float nullableFloat(ResultSet row, String column) throws SQLException {
        float value = row.getFloat(column);
        return row.wasNull() ? null : value;
    }

    private static Short nullableShort(ResultSet row, String column) throws SQLException {
        short value = row.getShort(column);
        return row.wasNull() ? null : value;
    }

    private static Boolean nullableBoolean(ResultSet row, String column) throws SQLException {
        boolean value = row.getBoolean(column);
        return row.wasNull() ? null : value;
    }
}
