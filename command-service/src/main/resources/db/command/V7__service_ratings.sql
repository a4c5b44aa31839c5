-- The owner rates the service once a task about their car is resolved (issue 8); staff see it on the task.
ALTER TABLE tasks ADD COLUMN rating smallint CHECK (rating BETWEEN 1 AND 5);
ALTER TABLE tasks ADD COLUMN rating_comment text;
ALTER TABLE tasks ADD COLUMN rated_at timestamptz;
ALTER TABLE task_entries DROP CONSTRAINT task_entries_kind_check;
ALTER TABLE task_entries ADD CONSTRAINT task_entries_kind_check
    CHECK (kind IN ('TRIGGER', 'STATUS', 'NOTE', 'ESCALATED', 'PRIORITY', 'RATING'));
