-- Owners delete their data through the API (issue 9, dev.carlink.command.privacy).
--
-- Foreign keys stay without ON DELETE CASCADE: the erasure deletes each table's rows itself, in one transaction,
-- and a table it forgot makes the transaction fail (and erase nothing) instead of being emptied by a cascade
-- nobody reviewed.

-- The audit trail stays append-only, with one exception: the rows of the commands an owner's erasure deletes, in
-- the transaction that declares itself one (SET LOCAL carlink.erasure = 'owner-request'). Updates and TRUNCATE are
-- refused as before, and every erasure leaves a row in account_erasures.
CREATE OR REPLACE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('carlink.erasure', true) = 'owner-request' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'command_transitions is an append-only audit trail; % is refused', TG_OP;
END
$$;

-- Service tasks outlive an erased owner as the service team's anonymous record (type, priority, SLA, status,
-- assignee, outcome, stars): the car is no longer named, and the timeline, the notes and the owner's comment are
-- deleted. owner_erased_at says when.
ALTER TABLE tasks ALTER COLUMN vin DROP NOT NULL;
ALTER TABLE tasks ADD COLUMN owner_erased_at timestamptz;
ALTER TABLE tasks ADD CONSTRAINT tasks_vin_unless_erased CHECK ((vin IS NULL) = (owner_erased_at IS NOT NULL));

-- One row per account deletion, without anything that names the person: when, how many cars. The cars' VINs are
-- kept only until the telemetry module confirmed their data is gone (a job retries until it has), then emptied.
CREATE TABLE account_erasures (
    id                  bigserial   PRIMARY KEY,
    requested_at        timestamptz NOT NULL,
    vehicles            integer     NOT NULL CHECK (vehicles >= 0),
    pending_vins        text[]      NOT NULL,
    telemetry_erased_at timestamptz,
    attempts            integer     NOT NULL DEFAULT 0,
    CHECK ((telemetry_erased_at IS NULL) = (cardinality(pending_vins) > 0))
);
CREATE INDEX account_erasures_pending ON account_erasures (id) WHERE telemetry_erased_at IS NULL;
