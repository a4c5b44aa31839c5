-- Signed commands: the backend's Ed25519 keys and, per car, the counter and the newest key it trusts.
-- ACTIVE signs for cars that trust it; PREVIOUS still signs for cars that have not yet learned the
-- ACTIVE key (and announces it to them); RETIRED never signs again.
CREATE TABLE signing_keys (
    key_id      text        PRIMARY KEY,
    public_key  bytea       NOT NULL,
    private_key bytea       NOT NULL,
    state       text        NOT NULL CHECK (state IN ('ACTIVE', 'PREVIOUS', 'RETIRED')),
    created_at  timestamptz NOT NULL,
    retired_at  timestamptz
);
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (state) WHERE state = 'ACTIVE';

ALTER TABLE vehicles
    ADD COLUMN command_counter bigint NOT NULL DEFAULT 0,
    ADD COLUMN trusted_key_id  text REFERENCES signing_keys (key_id);

-- The audit trail: who or what caused each transition, and what the car answered.
ALTER TABLE command_transitions
    ADD COLUMN actor       text NOT NULL DEFAULT 'system',
    ADD COLUMN reason_code text,
    ADD COLUMN detail      text;

-- Append-only, enforced by the database: no role that reaches it through the service can edit history.
CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'command_transitions is an append-only audit trail; % is refused', TG_OP;
END
$$;
CREATE TRIGGER command_transitions_append_only
    BEFORE UPDATE OR DELETE ON command_transitions
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER command_transitions_no_truncate
    BEFORE TRUNCATE ON command_transitions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();

-- Restart reconciliation reads the open commands of a car that comes back.
CREATE INDEX commands_vin_open ON commands (vin, created_at)
    WHERE status IN ('QUEUED', 'SENT', 'DELIVERED', 'IN_PROGRESS');
