-- The opportunity pipeline's tables in kam_interaction (docs/domain.md §6).
-- Times are UTC DATETIME(6). Every statement can run again (IF NOT EXISTS,
-- INSERT IGNORE): see common/db/migrator.h.
-- A database migrated before comments and layout stopped counting holds
-- previous checksum: dead14d0fc7225dc

CREATE TABLE IF NOT EXISTS opportunities (
  id BIGINT NOT NULL PRIMARY KEY,
  -- "accounts/{account_id}" in the account service; never read from here.
  account_id BIGINT NOT NULL,
  title VARCHAR(200) NOT NULL,
  owner VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  -- NULL: no amount yet (allowed before PROPOSAL).
  amount_minor BIGINT NULL,
  amount_currency CHAR(3) CHARACTER SET ascii NOT NULL DEFAULT '',
  -- OpportunityStage 1..6, OpportunityState 1..3.
  stage TINYINT NOT NULL,
  stage_update_time DATETIME(6) NOT NULL,
  state TINYINT NOT NULL,
  -- The milestone of each stage: msN_* for the stage numbered N
  -- (1 customer development ... 6 implementation).
  ms1_achieved TINYINT NOT NULL DEFAULT 0, ms1_time DATETIME(6) NULL, ms1_note VARCHAR(1000) NOT NULL DEFAULT '',
  ms2_achieved TINYINT NOT NULL DEFAULT 0, ms2_time DATETIME(6) NULL, ms2_note VARCHAR(1000) NOT NULL DEFAULT '',
  ms3_achieved TINYINT NOT NULL DEFAULT 0, ms3_time DATETIME(6) NULL, ms3_note VARCHAR(1000) NOT NULL DEFAULT '',
  ms4_achieved TINYINT NOT NULL DEFAULT 0, ms4_time DATETIME(6) NULL, ms4_note VARCHAR(1000) NOT NULL DEFAULT '',
  ms5_achieved TINYINT NOT NULL DEFAULT 0, ms5_time DATETIME(6) NULL, ms5_note VARCHAR(1000) NOT NULL DEFAULT '',
  ms6_achieved TINYINT NOT NULL DEFAULT 0, ms6_time DATETIME(6) NULL, ms6_note VARCHAR(1000) NOT NULL DEFAULT '',
  -- The six qualifying judgements: QualificationAssessment 0..3 and a note.
  need_assessment TINYINT NOT NULL DEFAULT 0,
  need_note VARCHAR(1000) NOT NULL DEFAULT '',
  schedule_assessment TINYINT NOT NULL DEFAULT 0,
  schedule_note VARCHAR(1000) NOT NULL DEFAULT '',
  budget_assessment TINYINT NOT NULL DEFAULT 0,
  budget_note VARCHAR(1000) NOT NULL DEFAULT '',
  competition_assessment TINYINT NOT NULL DEFAULT 0,
  competition_note VARCHAR(1000) NOT NULL DEFAULT '',
  decision_process_assessment TINYINT NOT NULL DEFAULT 0,
  decision_process_note VARCHAR(1000) NOT NULL DEFAULT '',
  evaluation_priorities_assessment TINYINT NOT NULL DEFAULT 0,
  evaluation_priorities_note VARCHAR(1000) NOT NULL DEFAULT '',
  -- OpportunityClass: the caller's override (0: none) and the class in
  -- effect (the override or the one the judgements give), kept for filters.
  class_override TINYINT NOT NULL DEFAULT 0,
  opportunity_class TINYINT NOT NULL,
  expected_close_time DATETIME(6) NULL,
  won_reason VARCHAR(1000) NOT NULL DEFAULT '',
  lost_reason TINYINT NOT NULL DEFAULT 0,
  lost_reason_detail VARCHAR(1000) NOT NULL DEFAULT '',
  lost_to VARCHAR(200) NOT NULL DEFAULT '',
  close_time DATETIME(6) NULL,
  version BIGINT NOT NULL DEFAULT 1, create_time DATETIME(6) NOT NULL, update_time DATETIME(6) NOT NULL,
  delete_time DATETIME(6) NULL,
  create_request_id VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL, create_request_hash CHAR(16) CHARACTER SET ascii NULL,
  UNIQUE KEY uk_opportunities_create_request (create_request_id),
  -- Lists and the pipeline by account or by owner; the pipeline also by
  -- state and class.
  KEY ix_opportunities_account (account_id, id),
  KEY ix_opportunities_owner (owner, id),
  KEY ix_opportunities_state_class (state, opportunity_class),
  KEY ix_opportunities_expected_close (expected_close_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- The stage history: creation, moves, closes and reopens.
CREATE TABLE IF NOT EXISTS opportunity_stage_moves (
  id BIGINT NOT NULL PRIMARY KEY,
  opportunity_id BIGINT NOT NULL,
  kind TINYINT NOT NULL,
  from_stage TINYINT NOT NULL, to_stage TINYINT NOT NULL,
  -- The skipped stages' numbers, comma-separated ("2,3"), or empty.
  skipped_stages VARCHAR(32) CHARACTER SET ascii NOT NULL DEFAULT '',
  from_state TINYINT NOT NULL, to_state TINYINT NOT NULL,
  reason VARCHAR(1000) NOT NULL DEFAULT '',
  lost_reason TINYINT NOT NULL DEFAULT 0,
  lost_to VARCHAR(200) NOT NULL DEFAULT '',
  actor VARCHAR(256) NOT NULL DEFAULT '', move_time DATETIME(6) NOT NULL,
  KEY ix_opportunity_stage_moves_opportunity (opportunity_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- The stage win probabilities of the weighted pipeline: one row (id 1),
-- pN_percent for the stage numbered N. The defaults are 10, 20, 40, 60, 80
-- and 95 percent.
CREATE TABLE IF NOT EXISTS opportunity_stage_probabilities (
  id TINYINT NOT NULL PRIMARY KEY,
  p1_percent TINYINT NOT NULL,
  p2_percent TINYINT NOT NULL,
  p3_percent TINYINT NOT NULL,
  p4_percent TINYINT NOT NULL,
  p5_percent TINYINT NOT NULL,
  p6_percent TINYINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  update_actor VARCHAR(256) NOT NULL DEFAULT '',
  update_time DATETIME(6) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
INSERT IGNORE INTO opportunity_stage_probabilities
  (id, p1_percent, p2_percent, p3_percent, p4_percent, p5_percent, p6_percent)
  VALUES (1, 10, 20, 40, 60, 80, 95);
