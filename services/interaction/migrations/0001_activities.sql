-- The activity area of the interaction service (schema kam_interaction):
-- activities, contact records, the quiet-hours policy and the visit cadence.
-- Times are UTC DATETIME(6). Every statement can run again (IF NOT EXISTS,
-- INSERT IGNORE): see common/db/migrator.h.
-- A database migrated before comments and layout stopped counting holds
-- previous checksum: 6606d245e5587b5d

-- One row per activity (activities/{id}). Other areas may read it: the cost
-- to serve of an account is SUM(cost_minor) over its rows with
-- delete_time IS NULL (cost_currency is the account's credit currency).
CREATE TABLE IF NOT EXISTS activities (
  id BIGINT NOT NULL PRIMARY KEY,
  account_id BIGINT NOT NULL,
  -- kam.interaction.v1.ActivityKind / ActivityLevel / ActivityStatus numbers
  kind TINYINT NOT NULL,
  subject VARCHAR(200) NOT NULL,
  level TINYINT NOT NULL,
  status TINYINT NOT NULL,
  planned_time DATETIME(6) NULL,
  actual_time DATETIME(6) NULL,
  outcome TEXT NULL,
  next_follow_up_time DATETIME(6) NULL,
  cost_minor BIGINT NULL,
  cost_currency CHAR(3) CHARACTER SET ascii NOT NULL DEFAULT '',
  -- The participants as read back (contact ids separated by ',', user ids
  -- separated by newlines); activity_contacts and activity_team_members hold
  -- the same for filtering.
  contact_ids_text TEXT CHARACTER SET ascii NULL,
  team_members_text TEXT NULL,
  creator VARCHAR(256) NOT NULL DEFAULT '',
  version BIGINT NOT NULL DEFAULT 1, create_time DATETIME(6) NOT NULL, update_time DATETIME(6) NOT NULL,
  delete_time DATETIME(6) NULL,
  create_request_id VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL, create_request_hash CHAR(16) CHARACTER SET ascii NULL,
  UNIQUE KEY uk_activities_create_request (create_request_id),
  KEY ix_activities_account (account_id, id),
  -- the overdue report: latest DONE times per account, follow-ups due
  KEY ix_activities_account_status_actual (account_id, status, actual_time),
  KEY ix_activities_account_follow_up (account_id, next_follow_up_time),
  KEY ix_activities_planned_time (planned_time),
  KEY ix_activities_actual_time (actual_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

CREATE TABLE IF NOT EXISTS activity_contacts (
  activity_id BIGINT NOT NULL,
  contact_id BIGINT NOT NULL,
  PRIMARY KEY (activity_id, contact_id),
  KEY ix_activity_contacts_contact (contact_id, activity_id)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS activity_team_members (
  activity_id BIGINT NOT NULL,
  user_id VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  PRIMARY KEY (activity_id, user_id),
  KEY ix_activity_team_members_user (user_id, activity_id)
) ENGINE=InnoDB;

-- One contact record per account (contactRecords/{id}). A row with
-- entry_count = 0 is a placeholder made so that concurrent first entries
-- serialise on its row lock; it is not a record until its first entry.
CREATE TABLE IF NOT EXISTS contact_records (
  id BIGINT NOT NULL PRIMARY KEY,
  account_id BIGINT NOT NULL,
  opened_by VARCHAR(256) NULL,
  open_time DATETIME(6) NULL,
  entry_count INT NOT NULL DEFAULT 0,
  last_entry_by VARCHAR(256) NULL,
  update_time DATETIME(6) NULL,
  UNIQUE KEY uk_contact_records_account (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- Entries are append-only; seq is 1, 2, ... per record, in writing order.
CREATE TABLE IF NOT EXISTS contact_record_entries (
  record_id BIGINT NOT NULL,
  seq INT NOT NULL,
  author VARCHAR(256) NOT NULL,
  entry_time DATETIME(6) NOT NULL,
  text TEXT NOT NULL,
  create_request_id VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL, create_request_hash CHAR(16) CHARACTER SET ascii NULL,
  PRIMARY KEY (record_id, seq),
  UNIQUE KEY uk_contact_record_entries_request (create_request_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- The quiet-hours policy (docs/domain.md §7): one row, id 1, in the API's text
-- forms ("MM-DD", "HH:MM"); holidays are "YYYY-MM-DD" dates separated by ','.
CREATE TABLE IF NOT EXISTS quiet_hours_policy (
  id TINYINT NOT NULL PRIMARY KEY,
  summer_start CHAR(5) CHARACTER SET ascii NOT NULL,
  summer_end CHAR(5) CHARACTER SET ascii NOT NULL,
  midday_rest_start CHAR(5) CHARACTER SET ascii NOT NULL,
  midday_rest_end CHAR(5) CHARACTER SET ascii NOT NULL,
  winter_earliest_call_time CHAR(5) CHARACTER SET ascii NOT NULL,
  weekend_earliest_call_time CHAR(5) CHARACTER SET ascii NOT NULL,
  holidays TEXT CHARACTER SET ascii NULL,
  version BIGINT NOT NULL DEFAULT 1, update_time DATETIME(6) NOT NULL, updated_by VARCHAR(256) NOT NULL DEFAULT ''
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
INSERT IGNORE INTO quiet_hours_policy
  (id, summer_start, summer_end, midday_rest_start, midday_rest_end,
   winter_earliest_call_time, weekend_earliest_call_time, holidays, version, update_time)
  VALUES (1, '05-01', '09-30', '12:00', '14:30', '08:00', '09:00', NULL, 1, UTC_TIMESTAMP(6));

-- The visit cadence per tier, in days (0 = no requirement): one row, id 1.
CREATE TABLE IF NOT EXISTS visit_cadence_policy (
  id TINYINT NOT NULL PRIMARY KEY,
  tier_a_visit_days INT NOT NULL, tier_a_executive_days INT NOT NULL,
  tier_b_visit_days INT NOT NULL, tier_b_executive_days INT NOT NULL,
  tier_c_visit_days INT NOT NULL, tier_c_executive_days INT NOT NULL,
  tier_d_visit_days INT NOT NULL, tier_d_executive_days INT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1, update_time DATETIME(6) NOT NULL, updated_by VARCHAR(256) NOT NULL DEFAULT ''
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
INSERT IGNORE INTO visit_cadence_policy
  (id, tier_a_visit_days, tier_a_executive_days, tier_b_visit_days, tier_b_executive_days,
   tier_c_visit_days, tier_c_executive_days, tier_d_visit_days, tier_d_executive_days,
   version, update_time)
  VALUES (1, 30, 180, 60, 365, 90, 0, 0, 0, 1, UTC_TIMESTAMP(6));
