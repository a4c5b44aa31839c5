-- Online, asleep or offline (issue 8). A car announces its sleep (event sleep_started) before it disconnects
-- and promises to connect again by check_in_by. It counts as asleep while it is away after that announcement
-- (asleep_since later than its last connect) and the promise holds; afterwards it is offline.
ALTER TABLE vehicles ADD COLUMN connected_at timestamptz;
ALTER TABLE vehicles ADD COLUMN asleep_since timestamptz;
ALTER TABLE vehicles ADD COLUMN check_in_by timestamptz;
