-- Make telemetry.telemetry a TimescaleDB hypertable (1-day chunks on ts) when TimescaleDB can be
-- used; otherwise it stays a plain PostgreSQL table, which works the same for this module.
-- Like every migration this runs once: a database that gains TimescaleDB later keeps its plain
-- table until an operator converts it (create_hypertable(..., migrate_data => true)).
--
-- TimescaleDB can be used only when its extension is installed on the server AND the library is
-- in shared_preload_libraries (without the preload, CREATE EXTENSION fails or misbehaves). The
-- decision is a function so that it can be asked again (tests, operators):
--   'usable', 'not available' (no extension on this server) or 'not preloaded'.
CREATE FUNCTION telemetry.timescaledb_status() RETURNS text
    LANGUAGE sql STABLE
AS $fn$
    SELECT CASE
        WHEN NOT EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = 'timescaledb')
            THEN 'not available'
        WHEN NOT (coalesce(current_setting('shared_preload_libraries', true), '')
                  ~ '(^|,)\s*"?timescaledb"?\s*(,|$)')
            THEN 'not preloaded'
        ELSE 'usable'
    END
$fn$;

-- What telemetry.telemetry is now: 'hypertable' or 'plain table'. TelemetrySchema logs it.
CREATE FUNCTION telemetry.storage_layout() RETURNS text
    LANGUAGE plpgsql STABLE
AS $fn$
DECLARE
    is_hypertable boolean := false;
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'timescaledb') THEN
        -- dynamic: the view exists only when the extension does
        EXECUTE $q$
            SELECT EXISTS (SELECT 1 FROM timescaledb_information.hypertables
                           WHERE hypertable_schema = 'telemetry' AND hypertable_name = 'telemetry')
        $q$ INTO is_hypertable;
    END IF;
    RETURN CASE WHEN is_hypertable THEN 'hypertable' ELSE 'plain table' END;
END
$fn$;

DO $do$
DECLARE
    status text := telemetry.timescaledb_status();
BEGIN
    IF status = 'usable' THEN
        CREATE EXTENSION IF NOT EXISTS timescaledb;
        -- dynamic: create_hypertable exists only once the extension does
        EXECUTE $q$
            SELECT create_hypertable('telemetry.telemetry', 'ts',
                                     chunk_time_interval => interval '1 day',
                                     if_not_exists => true,
                                     migrate_data => true)
        $q$;
        RAISE NOTICE 'telemetry.telemetry is a timescaledb hypertable with 1-day chunks';
    ELSE
        RAISE NOTICE 'telemetry.telemetry stays a plain table [timescaledb: %]', status;
    END IF;
END
$do$;
