-- Handovers are counted by the export (scoring: "an account manager changed
-- often"): record them as a flag instead of reading the end reason's text.
ALTER TABLE team_memberships
  ADD COLUMN IF NOT EXISTS ended_by_handover TINYINT NOT NULL DEFAULT 0;
UPDATE team_memberships SET ended_by_handover = 1
  WHERE end_reason LIKE 'handover to %' AND ended_by_handover = 0;
CREATE INDEX IF NOT EXISTS ix_team_handovers
  ON team_memberships (account_id, ended_by_handover, end_time);
CREATE INDEX IF NOT EXISTS ix_churn_events_kind_time
  ON churn_events (account_id, kind, event_time);
