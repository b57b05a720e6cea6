-- What an account manager's appraisal sums beside the roll-up figures
-- (ReportService.ListManagerAppraisals, docs/domain.md §9), kept with each
-- rating so an appraisal is one read of one run: collection cases
-- (payment disputes) opened in the period and follow-ups overdue at its end,
-- as the run read them (AccountFacts). The appraisal groups a run's ratings
-- by owner through ix_ratings_owner (0004_group_rollups.sql).
ALTER TABLE account_ratings
  ADD COLUMN IF NOT EXISTS disputes INT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS overdue_follow_ups INT NOT NULL DEFAULT 0;
