-- Schedules held by the car (dev.carlink.command.schedule.ScheduleSync): the car runs the occurrences of
-- the schedule version it acknowledged, online or not, and reports each one.

-- The newest schedule_version the car confirmed it holds (its answer to a SCHEDULES_SYNC command).
ALTER TABLE vehicles ADD COLUMN schedule_acked_version bigint NOT NULL DEFAULT 0;

-- A third outcome: CAR, the car decides the occurrence itself. It carries the occurrence's command id (the
-- id the car runs it under) and, once the car reported, a reason when the car skipped it.
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = 'schedule_fires'::regclass AND contype = 'c' LOOP
        EXECUTE format('ALTER TABLE schedule_fires DROP CONSTRAINT %I', c.conname);
    END LOOP;
END $$;

ALTER TABLE schedule_fires
    -- when the car's report of this occurrence arrived
    ADD COLUMN car_reported_at timestamptz,
    ADD CONSTRAINT schedule_fires_outcome CHECK (outcome IN ('FIRED', 'SKIPPED', 'CAR')),
    ADD CONSTRAINT schedule_fires_reason CHECK (reason IN
        ('NOT_AT_LOCATION', 'SOC_TOO_LOW', 'DRIVING', 'VEHICLE_OFFLINE', 'MISSED', 'REFUSED_BY_CAR')),
    ADD CONSTRAINT schedule_fires_command CHECK ((outcome IN ('FIRED', 'CAR')) = (command_id IS NOT NULL)),
    ADD CONSTRAINT schedule_fires_reason_by_outcome CHECK (CASE outcome
        WHEN 'FIRED' THEN reason IS NULL
        WHEN 'SKIPPED' THEN reason IS NOT NULL
        ELSE true END);
