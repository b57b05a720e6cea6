-- The scoring service's schema (kam_scoring). Times are UTC DATETIME(6).

CREATE TABLE IF NOT EXISTS policies (
  id BIGINT NOT NULL PRIMARY KEY,
  latest_version INT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  create_request_id VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL, create_request_hash CHAR(16) CHARACTER SET ascii NULL,
  UNIQUE KEY uk_policies_create_request (create_request_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- Each version's settings are the ScoringPolicy message itself (serialized):
-- one place defines them, and a used version is never rewritten.
CREATE TABLE IF NOT EXISTS policy_versions (
  policy_id BIGINT NOT NULL,
  version INT NOT NULL,
  body MEDIUMBLOB NOT NULL,
  used TINYINT NOT NULL DEFAULT 0,
  revision BIGINT NOT NULL DEFAULT 1,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (policy_id, version)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS rating_runs (
  id BIGINT NOT NULL PRIMARY KEY,
  policy_id BIGINT NOT NULL,
  policy_version INT NOT NULL,
  as_of DATETIME(6) NOT NULL,
  period_start DATETIME(6) NOT NULL,
  state TINYINT NOT NULL,
  accounts_total BIGINT NOT NULL DEFAULT 0,
  accounts_processed BIGINT NOT NULL DEFAULT 0,
  tier_a BIGINT NOT NULL DEFAULT 0,
  tier_b BIGINT NOT NULL DEFAULT 0,
  tier_c BIGINT NOT NULL DEFAULT 0,
  tier_d BIGINT NOT NULL DEFAULT 0,
  accounts_published BIGINT NOT NULL DEFAULT 0,
  -- Ratings with account_id <= publish_cursor are published.
  publish_cursor BIGINT NOT NULL DEFAULT 0,
  error VARCHAR(1000) NOT NULL DEFAULT '',
  resumes INT NOT NULL DEFAULT 0,
  cancel_requested TINYINT NOT NULL DEFAULT 0,
  -- The replica working on it and until when (extended while it works).
  lease_owner VARCHAR(128) CHARACTER SET ascii NOT NULL DEFAULT '',
  lease_until DATETIME(6) NULL,
  actor VARCHAR(256) NOT NULL DEFAULT '', create_time DATETIME(6) NOT NULL,
  start_time DATETIME(6) NULL,
  end_time DATETIME(6) NULL,
  create_request_id VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL, create_request_hash CHAR(16) CHARACTER SET ascii NULL,
  UNIQUE KEY uk_runs_create_request (create_request_id),
  KEY ix_runs_state (state, lease_until),
  KEY ix_runs_policy (policy_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- One row per account and run; `details` is the AccountRating message's
-- explanation part (factors), serialized.
CREATE TABLE IF NOT EXISTS account_ratings (
  run_id BIGINT NOT NULL,
  account_id BIGINT NOT NULL,
  currency CHAR(3) CHARACTER SET ascii NOT NULL DEFAULT '',
  value_minor BIGINT NOT NULL,
  value_score INT NOT NULL,
  segment VARCHAR(100) NOT NULL DEFAULT '',
  seg_rank BIGINT NOT NULL,
  tier TINYINT NOT NULL,
  previous_tier TINYINT NOT NULL,
  movement TINYINT NOT NULL,
  key_account TINYINT NOT NULL,
  clv_minor BIGINT NOT NULL,
  churn_risk TINYINT NOT NULL,
  health TINYINT NOT NULL,
  sla_breaches INT NOT NULL DEFAULT 0,
  receivables_minor BIGINT NOT NULL DEFAULT 0,
  overdue_minor BIGINT NOT NULL DEFAULT 0,
  details BLOB NOT NULL,
  PRIMARY KEY (run_id, account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

CREATE TABLE IF NOT EXISTS alerts (
  id BIGINT NOT NULL PRIMARY KEY,
  run_id BIGINT NOT NULL,
  account_id BIGINT NOT NULL,
  kind TINYINT NOT NULL,
  severity TINYINT NOT NULL,
  message VARCHAR(1000) NOT NULL,
  evidence VARCHAR(1000) NOT NULL,
  create_time DATETIME(6) NOT NULL,
  acknowledge_time DATETIME(6) NULL,
  acknowledged_by VARCHAR(256) NOT NULL DEFAULT '',
  version BIGINT NOT NULL DEFAULT 1,
  KEY ix_alerts_time (create_time, id),
  KEY ix_alerts_account (account_id, id),
  KEY ix_alerts_run (run_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
