-- Key-account designations (designation.proto, docs/domain.md §1): an
-- account is a key account also while a designation of it is active
-- (start_time <= as_of < end_time). Ending one early sets end_time and
-- records who and why; rows are never deleted.
CREATE TABLE IF NOT EXISTS designations (
  id BIGINT NOT NULL PRIMARY KEY,
  reason VARCHAR(1000) NOT NULL,
  account_id BIGINT NOT NULL,
  start_time DATETIME(6) NOT NULL,
  kind TINYINT NOT NULL,
  end_time DATETIME(6) NOT NULL,
  decided_by VARCHAR(256) NOT NULL,
  create_time DATETIME(6) NOT NULL,
  ended_by VARCHAR(256) NOT NULL DEFAULT '',
  end_reason VARCHAR(1000) NOT NULL DEFAULT '',
  create_request_id VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL, create_request_hash CHAR(16) CHARACTER SET ascii NULL,
  UNIQUE KEY uk_designations_create_request (create_request_id),
  -- CreateDesignation's overlap check (and its lock), ListDesignations by
  -- account.
  KEY ix_designations_account (account_id, kind, end_time),
  -- A rating run's one read: those not over by the previous run's as_of.
  KEY ix_designations_end (end_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- Whether the account was on the key-account list before the run (its
-- previous tier a key tier, or designated at the previous run's as_of):
-- ListKeyAccountChanges compares key_account with it, since a designated
-- account is on the list whatever its tier. NULL in ratings written before
-- this migration: there the previous tier decides, as it always did.
ALTER TABLE account_ratings ADD COLUMN IF NOT EXISTS was_key TINYINT NULL;
-- The designations a run reported as lapsed (RatingRun.designations_lapsed).
ALTER TABLE rating_runs ADD COLUMN IF NOT EXISTS designations_lapsed BIGINT NOT NULL DEFAULT 0;
-- The key-list changes by was_key (new runs) or previous_tier (runs before
-- this migration, was_key NULL); its prefix serves the key_account filter.
-- Replaces ix_ratings_key_changes (its prefix but for was_key).
CREATE INDEX IF NOT EXISTS ix_ratings_key_was
  ON account_ratings (run_id, key_account, was_key, previous_tier);
DROP INDEX IF EXISTS ix_ratings_key_changes ON account_ratings;
