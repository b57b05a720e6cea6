-- Cooperation agreements (docs/domain.md §6a) and the opportunity that
-- renews one. Times are UTC DATETIME(6). Every statement can run again (IF
-- NOT EXISTS): see common/db/migrator.h.

CREATE TABLE IF NOT EXISTS agreements (
  id BIGINT NOT NULL PRIMARY KEY,
  -- "accounts/{account_id}" in the account service; never read from here.
  account_id BIGINT NOT NULL,
  title VARCHAR(200) NOT NULL,
  start_time DATETIME(6) NOT NULL,
  end_time DATETIME(6) NOT NULL,
  -- The covered services, one per line (a service is one line: no newline).
  services_covered TEXT NOT NULL,
  discount_bp INT NOT NULL DEFAULT 0,
  price_description VARCHAR(1000) NOT NULL DEFAULT '',
  -- CooperationModel 1..4.
  cooperation_model TINYINT NOT NULL,
  owner VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  auto_renew TINYINT NOT NULL DEFAULT 0,
  renewal_term_months INT NOT NULL DEFAULT 0,
  notice_period_days INT NOT NULL DEFAULT 0,
  -- end_time minus notice_period_days, kept for the "notice due" filter and
  -- the facts stream.
  notice_deadline DATETIME(6) NOT NULL,
  -- Set by TerminateAgreement (NULL: not terminated).
  terminate_time DATETIME(6) NULL,
  termination_reason VARCHAR(1000) NOT NULL DEFAULT '',
  terminated_by VARCHAR(256) NOT NULL DEFAULT '',
  version BIGINT NOT NULL DEFAULT 1, create_time DATETIME(6) NOT NULL, update_time DATETIME(6) NOT NULL,
  create_request_id VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL, create_request_hash CHAR(16) CHARACTER SET ascii NULL,
  UNIQUE KEY uk_agreements_create_request (create_request_id),
  -- ListAgreements orders by (end_time, id): each filter's index ends with
  -- them, so a page reads about a page. The account index also serves the
  -- facts stream (an account's nearest end).
  KEY ix_agreements_account (account_id, end_time, id),
  KEY ix_agreements_owner (owner, end_time, id),
  KEY ix_agreements_model (cooperation_model, end_time, id),
  KEY ix_agreements_end (end_time, id),
  KEY ix_agreements_notice (notice_deadline),
  KEY ix_agreements_start (start_time),
  KEY ix_agreements_terminated (terminate_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- The agreement an opportunity renews (NULL: none); same account, checked
-- by OpportunityService.
ALTER TABLE opportunities ADD COLUMN IF NOT EXISTS renews_agreement_id BIGINT NULL;
CREATE INDEX IF NOT EXISTS ix_opportunities_renews_agreement ON opportunities (renews_agreement_id, id);
