-- The owner rates the service once a task about their car is resolved (issue 8); staff see it on the task.
-- And an index for the fatigue-event retention (issue 7).
ALTER TABLE tasks ADD COLUMN rating smallint CHECK (rating BETWEEN 1 AND 5);
ALTER TABLE tasks ADD COLUMN rating_comment text;
ALTER TABLE tasks ADD COLUMN rated_at timestamptz;
ALTER TABLE task_entries DROP CONSTRAINT task_entries_kind_check;
ALTER TABLE task_entries ADD CONSTRAINT task_entries_kind_check
    CHECK (kind IN ('TRIGGER', 'STATUS', 'NOTE', 'ESCALATED', 'PRIORITY', 'RATING'));

-- The fatigue retention deletes by age every 10 minutes: without this it would scan every car's events.
CREATE INDEX vehicle_events_fatigue_ts ON vehicle_events (ts) WHERE kind = 'fatigue_alert';
