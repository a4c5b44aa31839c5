-- Proactive service (issue 7): owners' contact for staff, the fatigue service opt-in, the rules' state,
-- task escalation, owner alerts.

ALTER TABLE users ADD COLUMN phone text;
ALTER TABLE users ADD COLUMN email text;

-- Driver monitoring is personal data: the cloud fatigue service runs only for cars whose owner opted in.
ALTER TABLE vehicles ADD COLUMN fatigue_opt_in boolean NOT NULL DEFAULT false;

-- When a task passed its SLA and was escalated (once); a repeat may also have raised its priority.
ALTER TABLE tasks ADD COLUMN escalated_at timestamptz;
ALTER TABLE task_entries DROP CONSTRAINT task_entries_kind_check;
ALTER TABLE task_entries ADD CONSTRAINT task_entries_kind_check
    CHECK (kind IN ('TRIGGER', 'STATUS', 'NOTE', 'ESCALATED', 'PRIORITY'));
CREATE INDEX tasks_open_sla ON tasks (sla_due_at)
    WHERE status IN ('OPEN', 'CLAIMED', 'IN_PROGRESS') AND escalated_at IS NULL;
CREATE INDEX tasks_vin ON tasks (vin, created_at DESC);

-- What each rule remembers about a car between messages, so that a restart forgets nothing. due_at is the
-- next moment the rule must look again on its own (an unacknowledged warning, a car parked long enough).
CREATE TABLE rule_state (
    vin        text        NOT NULL REFERENCES vehicles (vin),
    rule       text        NOT NULL,
    state      jsonb       NOT NULL,
    due_at     timestamptz,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (vin, rule)
);
CREATE INDEX rule_state_due ON rule_state (due_at) WHERE due_at IS NOT NULL;

-- Alerts meant for a car's owner (hot cabin with someone inside, critical fatigue), newest first.
CREATE TABLE owner_alerts (
    id         bigserial   PRIMARY KEY,
    vin        text        NOT NULL REFERENCES vehicles (vin),
    kind       text        NOT NULL,
    text       text        NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX owner_alerts_vin ON owner_alerts (vin, created_at DESC);
