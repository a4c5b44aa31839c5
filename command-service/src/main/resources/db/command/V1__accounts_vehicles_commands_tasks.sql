-- Owned by the command-service. Schema "command" (created by Flyway).

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    username      text        NOT NULL UNIQUE,
    password_hash text        NOT NULL,
    role          text        NOT NULL CHECK (role IN ('OWNER', 'STAFF', 'ADMIN')),
    display_name  text        NOT NULL,
    created_at    timestamptz NOT NULL
);

-- Bearer tokens are random; only their SHA-256 is stored, so a database leak gives no usable token.
CREATE TABLE sessions (
    token_sha256 text        PRIMARY KEY,
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE vehicles (
    vin              text        PRIMARY KEY,
    owner_id         bigint      NOT NULL REFERENCES users (id),
    name             text        NOT NULL,
    secret_hash      text        NOT NULL,
    enrolled_at      timestamptz NOT NULL,
    online           boolean     NOT NULL DEFAULT false,
    last_seen_at     timestamptz,
    protocol         text,
    presence_changed timestamptz
);
CREATE INDEX vehicles_owner ON vehicles (owner_id);

CREATE TABLE commands (
    id            uuid        PRIMARY KEY,
    vin           text        NOT NULL REFERENCES vehicles (vin),
    type          text        NOT NULL,
    params        jsonb       NOT NULL,
    status        text        NOT NULL,
    reason_code   text,
    detail        text,
    requested_by  text        NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    -- when the current non-terminal state gives up (EXPIRED from QUEUED, TIMED_OUT after it)
    deadline_at   timestamptz NOT NULL
);
CREATE INDEX commands_vin_created ON commands (vin, created_at DESC);
CREATE INDEX commands_open_deadline ON commands (deadline_at)
    WHERE status IN ('QUEUED', 'SENT', 'DELIVERED', 'IN_PROGRESS');

-- Append-only history of every status change, with its time and cause.
CREATE TABLE command_transitions (
    id          bigserial   PRIMARY KEY,
    command_id  uuid        NOT NULL REFERENCES commands (id),
    from_status text,
    to_status   text        NOT NULL,
    at          timestamptz NOT NULL,
    cause       text        NOT NULL
);
CREATE INDEX command_transitions_command ON command_transitions (command_id, id);

-- Events as the car sent them; (vin, seq) makes a redelivered event a no-op.
CREATE TABLE vehicle_events (
    vin         text        NOT NULL,
    seq         bigint      NOT NULL,
    ts          timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    kind        text        NOT NULL,
    payload     bytea       NOT NULL,
    PRIMARY KEY (vin, seq)
);

CREATE TABLE tasks (
    id          bigserial   PRIMARY KEY,
    vin         text        NOT NULL REFERENCES vehicles (vin),
    type        text        NOT NULL,
    priority    text        NOT NULL CHECK (priority IN ('LOW', 'NORMAL', 'HIGH', 'URGENT')),
    status      text        NOT NULL CHECK (status IN ('OPEN', 'CLAIMED', 'IN_PROGRESS', 'RESOLVED', 'DISMISSED')),
    assignee    text,
    outcome     text,
    occurrences integer     NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    sla_due_at  timestamptz NOT NULL
);
-- One open task per car and type, enforced by the database: concurrent triggers append instead.
CREATE UNIQUE INDEX tasks_one_open_per_vin_type ON tasks (vin, type)
    WHERE status IN ('OPEN', 'CLAIMED', 'IN_PROGRESS');
CREATE INDEX tasks_status ON tasks (status, created_at);

CREATE TABLE task_entries (
    id      bigserial   PRIMARY KEY,
    task_id bigint      NOT NULL REFERENCES tasks (id),
    at      timestamptz NOT NULL,
    kind    text        NOT NULL CHECK (kind IN ('TRIGGER', 'STATUS', 'NOTE')),
    author  text        NOT NULL,
    text    text        NOT NULL
);
CREATE INDEX task_entries_task ON task_entries (task_id, id);
