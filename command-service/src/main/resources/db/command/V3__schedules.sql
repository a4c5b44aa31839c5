-- A/C schedules (dev.carlink.command.schedule). V2 is reserved for other work.

-- Versioned desired state: every owner change to a car's schedules bumps it, so a car can tell whether the
-- schedules it holds are current.
ALTER TABLE vehicles ADD COLUMN schedule_version bigint NOT NULL DEFAULT 0;

CREATE TABLE schedules (
    id                   uuid             PRIMARY KEY,
    vin                  text             NOT NULL REFERENCES vehicles (vin),
    ready_by             time             NOT NULL,
    time_zone            text             NOT NULL,
    -- bit 0 = Monday .. bit 6 = Sunday; exactly one of weekday_mask and one_time_date is set
    weekday_mask         smallint         CHECK (weekday_mask BETWEEN 1 AND 127),
    one_time_date        date,
    latitude             double precision,
    longitude            double precision,
    radius_m             double precision,
    target_temperature_c double precision NOT NULL,
    enabled              boolean          NOT NULL,
    -- the car's schedule_version when this schedule was last changed
    version              bigint           NOT NULL,
    created_by           text             NOT NULL,
    created_at           timestamptz      NOT NULL,
    updated_at           timestamptz      NOT NULL,
    -- the next occurrence (its ready-by instant, which names it) and when the A/C should start for it
    next_ready_by        timestamptz,
    next_run_at          timestamptz,
    -- a scheduler instance works on the due occurrence until then; after it, another may take it over
    claimed_until        timestamptz,
    CHECK ((weekday_mask IS NULL) <> (one_time_date IS NULL)),
    CHECK ((latitude IS NULL) = (longitude IS NULL) AND (latitude IS NULL) = (radius_m IS NULL)),
    CHECK ((next_ready_by IS NULL) = (next_run_at IS NULL)),
    CHECK (NOT enabled OR next_run_at IS NOT NULL)
);
CREATE INDEX schedules_vin ON schedules (vin, created_at);
CREATE INDEX schedules_due ON schedules (next_run_at) WHERE enabled;

-- One row per decided occurrence. The primary key makes a second decision on the same occurrence
-- impossible, whichever scheduler instance tries.
CREATE TABLE schedule_fires (
    schedule_id   uuid        NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    occurrence    timestamptz NOT NULL,
    planned_start timestamptz NOT NULL,
    decided_at    timestamptz NOT NULL,
    outcome       text        NOT NULL CHECK (outcome IN ('FIRED', 'SKIPPED')),
    reason        text        CHECK (reason IN ('NOT_AT_LOCATION', 'SOC_TOO_LOW', 'DRIVING', 'VEHICLE_OFFLINE', 'MISSED')),
    detail        text        NOT NULL,
    -- deterministic (schedule and occurrence); written before the command, so no foreign key
    command_id    uuid,
    PRIMARY KEY (schedule_id, occurrence),
    CHECK ((outcome = 'FIRED') = (command_id IS NOT NULL)),
    CHECK ((outcome = 'SKIPPED') = (reason IS NOT NULL))
);
