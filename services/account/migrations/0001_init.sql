-- The account service's schema (kam_account). Times are UTC DATETIME(6).
-- Every statement can run again (IF NOT EXISTS): see common/db/migrator.h.
-- A database migrated before comments and layout stopped counting holds
-- previous checksum: 5dfd67ca3c6ddefa

CREATE TABLE IF NOT EXISTS accounts (
  id BIGINT NOT NULL PRIMARY KEY,
  display_name VARCHAR(200) NOT NULL,
  external_id VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  industry VARCHAR(100) NOT NULL DEFAULT '',
  region VARCHAR(100) NOT NULL DEFAULT '',
  category TINYINT NOT NULL DEFAULT 0,
  parent_id BIGINT NULL,
  owner VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  stage TINYINT NOT NULL,
  share_of_wallet TINYINT NOT NULL DEFAULT 0,
  stage_update_time DATETIME(6) NOT NULL,
  tier TINYINT NOT NULL DEFAULT 0,
  tier_rating_run VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  tier_policy_version VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  tier_update_time DATETIME(6) NULL,
  credit_limit_minor BIGINT NULL,
  credit_currency CHAR(3) CHARACTER SET ascii NOT NULL DEFAULT '',
  payment_terms_days SMALLINT NOT NULL DEFAULT 0,
  credit_risk TINYINT NOT NULL DEFAULT 0,
  state TINYINT NOT NULL DEFAULT 1,
  -- "key=value" lines, sorted (keys and values cannot hold '=' or newlines)
  labels_text TEXT NULL,
  contact_count INT NOT NULL DEFAULT 0,
  handover_count INT NOT NULL DEFAULT 0,
  version BIGINT NOT NULL DEFAULT 1, create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  delete_time DATETIME(6) NULL,
  create_request_id VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL, create_request_hash CHAR(16) CHARACTER SET ascii NULL,
  -- external_id is unique among live accounts only: a deleted account's id
  -- can be reused. NULL (deleted, or no external id) never collides.
  external_id_live VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin
    AS (IF(delete_time IS NULL, external_id, NULL)) PERSISTENT,
  UNIQUE KEY uk_accounts_external_id_live (external_id_live),
  UNIQUE KEY uk_accounts_create_request (create_request_id),
  KEY ix_accounts_parent (parent_id),
  KEY ix_accounts_owner (owner),
  KEY ix_accounts_tier (tier),
  KEY ix_accounts_stage (stage),
  KEY ix_accounts_display_name (display_name),
  KEY ix_accounts_create_time (create_time),
  KEY ix_accounts_update_time (update_time),
  KEY ix_accounts_industry (industry),
  KEY ix_accounts_region (region)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- Labels also live here, one row each, so a label filter uses an index.
CREATE TABLE IF NOT EXISTS account_labels (
  account_id BIGINT NOT NULL,
  label_key VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  label_value VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  PRIMARY KEY (account_id, label_key),
  KEY ix_account_labels_key_value (label_key, label_value, account_id)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS contacts (
  id BIGINT NOT NULL PRIMARY KEY,
  account_id BIGINT NOT NULL,
  display_name VARCHAR(200) NOT NULL,
  title VARCHAR(200) NOT NULL DEFAULT '',
  department VARCHAR(200) NOT NULL DEFAULT '',
  buying_role TINYINT NOT NULL DEFAULT 0,
  influence_weight TINYINT NOT NULL DEFAULT 0,
  preferred_channel TINYINT NOT NULL DEFAULT 0,
  phone VARCHAR(16) CHARACTER SET ascii NOT NULL DEFAULT '',
  email VARCHAR(254) NOT NULL DEFAULT '',
  do_not_call TINYINT NOT NULL DEFAULT 0,
  time_zone VARCHAR(64) CHARACTER SET ascii NOT NULL DEFAULT '',
  version BIGINT NOT NULL DEFAULT 1, create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  delete_time DATETIME(6) NULL,
  create_request_id VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL, create_request_hash CHAR(16) CHARACTER SET ascii NULL,
  UNIQUE KEY uk_contacts_create_request (create_request_id),
  KEY ix_contacts_account (account_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

CREATE TABLE IF NOT EXISTS team_memberships (
  id BIGINT NOT NULL PRIMARY KEY,
  account_id BIGINT NOT NULL,
  user_id VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  role TINYINT NOT NULL,
  start_time DATETIME(6) NOT NULL,
  end_time DATETIME(6) NULL,
  end_reason VARCHAR(1000) NOT NULL DEFAULT '',
  actor VARCHAR(256) NOT NULL DEFAULT '',
  create_request_id VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL, create_request_hash CHAR(16) CHARACTER SET ascii NULL,
  UNIQUE KEY uk_team_create_request (create_request_id),
  KEY ix_team_account (account_id, start_time, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

CREATE TABLE IF NOT EXISTS stage_changes (
  id BIGINT NOT NULL PRIMARY KEY,
  account_id BIGINT NOT NULL,
  from_stage TINYINT NOT NULL, to_stage TINYINT NOT NULL,
  share_of_wallet TINYINT NOT NULL,
  interruption_cause TINYINT NOT NULL DEFAULT 0,
  reason VARCHAR(1000) NOT NULL DEFAULT '',
  actor VARCHAR(256) NOT NULL DEFAULT '', change_time DATETIME(6) NOT NULL,
  KEY ix_stage_changes_account (account_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

CREATE TABLE IF NOT EXISTS churn_events (
  id BIGINT NOT NULL PRIMARY KEY,
  account_id BIGINT NOT NULL,
  kind TINYINT NOT NULL,
  reason TINYINT NOT NULL DEFAULT 0,
  -- one product line per line (validated to hold no newline)
  lost_product_lines TEXT NULL,
  note VARCHAR(1000) NOT NULL DEFAULT '',
  actor VARCHAR(256) NOT NULL DEFAULT '', event_time DATETIME(6) NOT NULL,
  KEY ix_churn_events_account (account_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

CREATE TABLE IF NOT EXISTS tier_changes (
  id BIGINT NOT NULL PRIMARY KEY,
  account_id BIGINT NOT NULL,
  from_tier TINYINT NOT NULL, to_tier TINYINT NOT NULL,
  rating_run VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  policy_version VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  reason VARCHAR(1000) NOT NULL DEFAULT '',
  change_time DATETIME(6) NOT NULL,
  KEY ix_tier_changes_account (account_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- One row per named lock; hierarchy moves lock 'hierarchy' FOR UPDATE so two
-- concurrent moves can never build a cycle between them.
CREATE TABLE IF NOT EXISTS kam_locks (
  name VARCHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY
) ENGINE=InnoDB;
INSERT IGNORE INTO kam_locks (name) VALUES ('hierarchy');
