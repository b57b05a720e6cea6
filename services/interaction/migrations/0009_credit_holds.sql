-- Payment discipline, three strikes (docs/domain.md §8). The hold itself is
-- never stored: it is computed from the invoices and these lifts at each
-- order and read (services/interaction/credit_hold/strikes.h). Every
-- statement can run again (IF NOT EXISTS): see common/db/migrator.h.

-- The settings: one row (id 1), seeded with the defaults.
CREATE TABLE IF NOT EXISTS credit_hold_settings (
  id TINYINT NOT NULL PRIMARY KEY,
  -- An invoice unpaid more than this many days past due is a strike.
  strike_days INT NOT NULL,
  -- An account with this many strikes is on hold.
  strike_threshold INT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  update_time DATETIME(6) NOT NULL,
  updated_by VARCHAR(256) NOT NULL DEFAULT ''
) ENGINE=InnoDB;
INSERT IGNORE INTO credit_hold_settings (id, strike_days, strike_threshold, update_time)
  VALUES (1, 30, 3, UTC_TIMESTAMP(6));

-- Lifts of a hold: recorded, never changed or deleted. A lift covers the
-- strikes the account had at lift_time.
CREATE TABLE IF NOT EXISTS credit_hold_lifts (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  lift_time DATETIME(6) NOT NULL,
  actor VARCHAR(256) NOT NULL DEFAULT '',
  reason VARCHAR(1000) NOT NULL,
  strike_count INT NOT NULL,
  create_request_id VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL,
  create_request_hash CHAR(16) CHARACTER SET ascii NULL,
  UNIQUE KEY uk_credit_hold_lifts_create_request (create_request_id),
  KEY ix_credit_hold_lifts_account (account_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- Whether an order is prepaid (1) or on credit (0): a hold refuses only
-- orders on credit.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS prepaid TINYINT NOT NULL DEFAULT 0;
