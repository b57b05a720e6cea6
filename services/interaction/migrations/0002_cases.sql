-- Service cases, their audit trail, SLA policies and their change history,
-- the routing table, and satisfaction surveys (kam_interaction). Times are
-- UTC DATETIME(6). Every statement can run again (IF NOT EXISTS, INSERT
-- IGNORE): see common/db/migrator.h.
-- A database migrated before comments and layout stopped counting holds
-- previous checksum: f7fc484826aace8b

CREATE TABLE IF NOT EXISTS cases (
  id BIGINT NOT NULL PRIMARY KEY,
  account_id BIGINT NOT NULL,
  contact_id BIGINT NULL,
  case_type TINYINT NOT NULL,
  priority TINYINT NOT NULL,
  title VARCHAR(200) NOT NULL,
  description TEXT NOT NULL,
  status TINYINT NOT NULL,
  level TINYINT NOT NULL,
  assignee VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  account_tier TINYINT NOT NULL,
  -- the targets the case was created (or last re-prioritised) with
  first_response_minutes INT NOT NULL,
  resolution_minutes INT NOT NULL,
  -- the SLA clock (services/interaction/cases/case_sla_clock.h); due times are
  -- create_time + target + paused_micros, kept here for filters and the sweep
  first_response_due_time DATETIME(6) NOT NULL,
  resolution_due_time DATETIME(6) NOT NULL,
  first_response_time DATETIME(6) NULL,
  resolve_time DATETIME(6) NULL,
  close_time DATETIME(6) NULL,
  paused_micros BIGINT NOT NULL DEFAULT 0,
  paused_since DATETIME(6) NULL,
  first_response_breached TINYINT NOT NULL DEFAULT 0,
  resolution_breached TINYINT NOT NULL DEFAULT 0,
  first_response_escalated TINYINT NOT NULL DEFAULT 0,
  resolution_escalated TINYINT NOT NULL DEFAULT 0,
  version BIGINT NOT NULL DEFAULT 1, create_time DATETIME(6) NOT NULL, update_time DATETIME(6) NOT NULL,
  create_request_id VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL, create_request_hash CHAR(16) CHARACTER SET ascii NULL,
  UNIQUE KEY uk_cases_create_request (create_request_id),
  KEY ix_cases_account (account_id),
  KEY ix_cases_contact (contact_id),
  KEY ix_cases_status (status),
  KEY ix_cases_level (level),
  KEY ix_cases_assignee (assignee),
  KEY ix_cases_create_time (create_time),
  KEY ix_cases_update_time (update_time),
  -- the breach sweep: open statuses, due before now
  KEY ix_cases_first_response_due (status, first_response_due_time),
  KEY ix_cases_resolution_due (status, resolution_due_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

CREATE TABLE IF NOT EXISTS case_events (
  id BIGINT NOT NULL PRIMARY KEY,
  case_id BIGINT NOT NULL,
  kind TINYINT NOT NULL,
  from_value VARCHAR(200) NOT NULL DEFAULT '', to_value VARCHAR(200) NOT NULL DEFAULT '',
  reason TEXT NOT NULL,
  actor VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, event_time DATETIME(6) NOT NULL,
  KEY ix_case_events_case (case_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- One row per (priority, tier); tier 0 is the fallback for unrated accounts.
-- The seeded values are the defaults documented in cases/case_sla_policy.h.
CREATE TABLE IF NOT EXISTS sla_policies (
  priority TINYINT NOT NULL,
  tier TINYINT NOT NULL,
  first_response_minutes INT NOT NULL,
  resolution_minutes INT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  update_actor VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (priority, tier)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- priority: 1 CRITICAL, 2 HIGH, 3 MEDIUM, 4 LOW; tier: 0 unrated, 1 A .. 4 D.
INSERT IGNORE INTO sla_policies
  (priority, tier, first_response_minutes, resolution_minutes, update_actor, update_time)
VALUES
  (1, 0, 60, 1440, 'default', UTC_TIMESTAMP(6)),
  (1, 1, 15, 240, 'default', UTC_TIMESTAMP(6)),
  (1, 2, 30, 480, 'default', UTC_TIMESTAMP(6)),
  (1, 3, 60, 1440, 'default', UTC_TIMESTAMP(6)),
  (1, 4, 120, 2880, 'default', UTC_TIMESTAMP(6)),
  (2, 0, 240, 4320, 'default', UTC_TIMESTAMP(6)),
  (2, 1, 60, 1440, 'default', UTC_TIMESTAMP(6)),
  (2, 2, 120, 2880, 'default', UTC_TIMESTAMP(6)),
  (2, 3, 240, 4320, 'default', UTC_TIMESTAMP(6)),
  (2, 4, 480, 5760, 'default', UTC_TIMESTAMP(6)),
  (3, 0, 720, 7200, 'default', UTC_TIMESTAMP(6)),
  (3, 1, 240, 2880, 'default', UTC_TIMESTAMP(6)),
  (3, 2, 480, 4320, 'default', UTC_TIMESTAMP(6)),
  (3, 3, 720, 7200, 'default', UTC_TIMESTAMP(6)),
  (3, 4, 1440, 10080, 'default', UTC_TIMESTAMP(6)),
  (4, 0, 1440, 10080, 'default', UTC_TIMESTAMP(6)),
  (4, 1, 480, 4320, 'default', UTC_TIMESTAMP(6)),
  (4, 2, 720, 7200, 'default', UTC_TIMESTAMP(6)),
  (4, 3, 1440, 10080, 'default', UTC_TIMESTAMP(6)),
  (4, 4, 1440, 14400, 'default', UTC_TIMESTAMP(6));

CREATE TABLE IF NOT EXISTS sla_policy_changes (
  id BIGINT NOT NULL PRIMARY KEY,
  priority TINYINT NOT NULL,
  tier TINYINT NOT NULL,
  from_first_response_minutes INT NOT NULL, to_first_response_minutes INT NOT NULL,
  from_resolution_minutes INT NOT NULL, to_resolution_minutes INT NOT NULL,
  reason TEXT NOT NULL,
  actor VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, change_time DATETIME(6) NOT NULL,
  KEY ix_sla_policy_changes_policy (priority, tier, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- Where each case type starts (docs/domain.md §7). Seeded with the defaults of
-- case_rules.h; ROUTINE_REQUEST (1) always stays at SERVICE_CENTRE (1).
CREATE TABLE IF NOT EXISTS case_routes (
  case_type TINYINT NOT NULL PRIMARY KEY,
  level TINYINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  update_actor VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  update_time DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- case_type: 1 ROUTINE_REQUEST, 2 COMPLAINT, 3 FAULT_REPAIR, 4 COLLECTION,
-- 5 CONTRACT_SUPERVISION; level: 1 SERVICE_CENTRE, 2 ACCOUNT_MANAGER.
INSERT IGNORE INTO case_routes (case_type, level, update_actor, update_time) VALUES
  (1, 1, 'default', UTC_TIMESTAMP(6)),
  (2, 1, 'default', UTC_TIMESTAMP(6)),
  (3, 1, 'default', UTC_TIMESTAMP(6)),
  (4, 2, 'default', UTC_TIMESTAMP(6)),
  (5, 2, 'default', UTC_TIMESTAMP(6));

CREATE TABLE IF NOT EXISTS survey_responses (
  id BIGINT NOT NULL PRIMARY KEY,
  account_id BIGINT NOT NULL,
  case_id BIGINT NULL,
  contact_id BIGINT NULL,
  kind TINYINT NOT NULL,
  score TINYINT NOT NULL,
  comment TEXT NOT NULL,
  response_time DATETIME(6) NOT NULL,
  create_time DATETIME(6) NOT NULL,
  create_request_id VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL, create_request_hash CHAR(16) CHARACTER SET ascii NULL,
  UNIQUE KEY uk_survey_responses_create_request (create_request_id),
  -- the summary per account and period, and the list filters
  KEY ix_survey_responses_account (account_id, response_time),
  KEY ix_survey_responses_case (case_id),
  KEY ix_survey_responses_contact (contact_id),
  KEY ix_survey_responses_response_time (response_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
