-- The agreement figures of a rating (rules/account_rating.h:
-- AgreementNoticeOf), which AGREEMENT_ENDING compares between two runs
-- (rules/alerts.h): the account's agreement ending soonest as the run found
-- it. Times are Unix microseconds (0: none).
ALTER TABLE account_ratings
  ADD COLUMN IF NOT EXISTS agreement_id BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS agreement_end_us BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS agreement_notice_us BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS agreement_notice_due TINYINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS agreement_days_left INT NOT NULL DEFAULT 0;
