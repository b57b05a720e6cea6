-- The figures a group roll-up sums (ReportService.GetGroupRollup,
-- docs/domain.md), stored with each rating so that a roll-up is one read of
-- one run: the members of a group are found through the run's own parent
-- links (a recursive CTE over ix_ratings_parent), never through the account
-- service's hierarchy of today. Money is in the rating's `currency`, except
-- the group credit limit, which has its own. All are as the run read them
-- (AccountSnapshot and AccountFacts, docs/domain.md).
ALTER TABLE account_ratings
  -- The parent account in the group hierarchy; NULL for a root.
  ADD COLUMN IF NOT EXISTS parent_id BIGINT NULL,
  -- The account manager (for per-manager figures later).
  ADD COLUMN IF NOT EXISTS owner VARCHAR(128) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS revenue_minor BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS gross_profit_minor BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS cost_to_serve_minor BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS activity_count INT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS open_pipeline_minor BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS weighted_pipeline_minor BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS open_cases INT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS csat_count INT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS csat_sum BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS complaints INT NOT NULL DEFAULT 0,
  -- The overdue receivables by days past due (overdue_minor is their sum).
  ADD COLUMN IF NOT EXISTS overdue_1_30_minor BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS overdue_31_60_minor BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS overdue_61_90_minor BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS overdue_90_plus_minor BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS credit_exposure_minor BIGINT NOT NULL DEFAULT 0,
  -- The group credit limit the account sets: NULL for none.
  ADD COLUMN IF NOT EXISTS group_credit_limit_minor BIGINT NULL,
  ADD COLUMN IF NOT EXISTS group_credit_currency CHAR(3) CHARACTER SET ascii NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS handovers INT NOT NULL DEFAULT 0;
-- A group's members, one level at a time (the recursive CTE's join).
CREATE INDEX IF NOT EXISTS ix_ratings_parent ON account_ratings (run_id, parent_id);
-- A manager's accounts in a run.
CREATE INDEX IF NOT EXISTS ix_ratings_owner ON account_ratings (run_id, owner);
