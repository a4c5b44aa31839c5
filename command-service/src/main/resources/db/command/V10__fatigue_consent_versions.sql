-- The fatigue-service choice travels to the telemetry module over the event bus (carlink.fatigue.consent-changed):
-- each choice takes a number from one sequence, so a consent view can tell a newer change from an older one that
-- arrived late, and a snapshot from the changes published around it.
CREATE SEQUENCE fatigue_consent_versions;
ALTER TABLE vehicles ADD COLUMN fatigue_consent_version bigint NOT NULL DEFAULT 0;
UPDATE vehicles SET fatigue_consent_version = nextval('fatigue_consent_versions') WHERE fatigue_opt_in;
