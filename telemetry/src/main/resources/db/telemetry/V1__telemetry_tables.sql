-- Raw telemetry samples and the latest state per car.
-- The schema "telemetry" itself is created by Flyway (TelemetrySchema: schemas("telemetry")).

-- One row per sample: typed columns, one per scalar signal of vehicle.v1.Telemetry, NULL where the
-- optional proto field was absent ("unknown", never zero). Doors and seats are small lists of
-- structs, kept as compact jsonb with enum values as their proto numbers.
-- (vin, seq, ts) identifies a sample: a sample delivered twice is stored once. The key includes the
-- time column so the table can become a TimescaleDB hypertable (V2) without changing it.
CREATE TABLE telemetry.telemetry (
    vin                      text             NOT NULL,
    seq                      bigint           NOT NULL,
    ts                       timestamptz      NOT NULL,
    received_at              timestamptz      NOT NULL,
    cabin_temperature_c      real,
    exterior_temperature_c   real,
    state_of_charge_pct      real,
    speed_kmh                real,
    latitude                 double precision,
    longitude                double precision,
    selected_gear            smallint,
    low_voltage_system_state smallint,
    doors                    jsonb,
    trunk_is_open            boolean,
    seats                    jsonb,
    child_presence           smallint,
    hvac_mode                smallint,
    hvac_ac_active           boolean,
    hvac_target_c            real,
    hvac_auto_off_at         timestamptz,
    sterilization_phase      smallint,
    fatigue_level            smallint,
    is_eyes_on_road          boolean,
    odometer_km              real,
    range_km                 real,
    low_voltage_battery_v    real,
    is_charging              boolean,
    CONSTRAINT telemetry_vin_seq_ts_key UNIQUE (vin, seq, ts),
    CONSTRAINT telemetry_seq_positive CHECK (seq > 0),
    CONSTRAINT telemetry_location_complete CHECK ((latitude IS NULL) = (longitude IS NULL)),
    -- hvac is one optional message: mode, A/C flag and setpoint are there together or not at all;
    -- hvac_auto_off_at is NULL when the proto's auto_off_at_ms is 0 (not running remotely).
    CONSTRAINT telemetry_hvac_complete CHECK (
        (hvac_mode IS NULL) = (hvac_ac_active IS NULL)
        AND (hvac_mode IS NULL) = (hvac_target_c IS NULL)
        AND (hvac_mode IS NOT NULL OR hvac_auto_off_at IS NULL))
);

-- History queries: one car, a time window, oldest first.
CREATE INDEX telemetry_vin_ts_idx ON telemetry.telemetry (vin, ts);

-- The newest sample per car by (ts, seq); an older sample never replaces a newer one.
-- The sample is kept as the protobuf bytes of vehicle.v1.Telemetry rather than typed columns:
-- the row is only ever read whole (latest query, state-changed push), the bytes give back exactly
-- the message that was written, with fields unknown to this version of the backend, and a field
-- added to the contract reaches owners without a migration. The typed, queryable copy of every
-- sample is in telemetry.telemetry.
CREATE TABLE telemetry.latest_state (
    vin         text        PRIMARY KEY,
    ts          timestamptz NOT NULL,
    seq         bigint      NOT NULL,
    received_at timestamptz NOT NULL,
    sample      bytea       NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
