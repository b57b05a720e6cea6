-- The billing area of the interaction service (kam_interaction): orders,
-- invoices, payments and their allocations. Amounts are BIGINT minor units
-- of `currency` (ISO 4217); times are UTC DATETIME(6). Every statement can
-- run again (IF NOT EXISTS): see common/db/migrator.h.
--
-- Other readers (the facts stream for scoring) may rely on:
--   orders.status    1 OPEN, 2 INVOICED, 3 CANCELLED
--   invoices.status  1 OPEN, 2 PAID, 3 VOID
--   invoices.paid_minor is the sum of its payment_allocations.amount_minor;
--   gross profit of an invoice = amount_minor - cost_minor.
-- A database migrated before comments and layout stopped counting holds
-- previous checksum: 2c5fe9b82967247f

-- One row per account that has had a billing write. Every billing write of
-- an account locks its row first (INSERT ... ON DUPLICATE KEY UPDATE takes
-- the row's exclusive lock), so the credit check and the write it guards see
-- and change the account's figures one at a time.
CREATE TABLE IF NOT EXISTS billing_account_locks (
  account_id BIGINT NOT NULL PRIMARY KEY,
  lock_count BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS orders (
  id BIGINT NOT NULL PRIMARY KEY,
  account_id BIGINT NOT NULL,
  currency CHAR(3) CHARACTER SET ascii NOT NULL,
  amount_minor BIGINT NOT NULL,
  cost_minor BIGINT NOT NULL DEFAULT 0,
  description VARCHAR(1000) NOT NULL DEFAULT '',
  status TINYINT NOT NULL,
  order_time DATETIME(6) NOT NULL,
  invoice_id BIGINT NULL,
  cancel_reason VARCHAR(1000) NOT NULL DEFAULT '',
  actor VARCHAR(256) NOT NULL DEFAULT '',
  version BIGINT NOT NULL DEFAULT 1, create_time DATETIME(6) NOT NULL, update_time DATETIME(6) NOT NULL,
  create_request_id VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL, create_request_hash CHAR(16) CHARACTER SET ascii NULL,
  UNIQUE KEY uk_orders_create_request (create_request_id),
  KEY ix_orders_account (account_id, id),
  KEY ix_orders_account_status (account_id, status),
  KEY ix_orders_status (status, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

CREATE TABLE IF NOT EXISTS invoices (
  id BIGINT NOT NULL PRIMARY KEY,
  account_id BIGINT NOT NULL,
  order_id BIGINT NULL,
  currency CHAR(3) CHARACTER SET ascii NOT NULL,
  amount_minor BIGINT NOT NULL,
  cost_minor BIGINT NOT NULL DEFAULT 0,
  paid_minor BIGINT NOT NULL DEFAULT 0,
  status TINYINT NOT NULL,
  issue_time DATETIME(6) NOT NULL,
  due_time DATETIME(6) NOT NULL,
  payment_terms_days SMALLINT NOT NULL,
  -- When the balance reached 0: the latest received_time of its payments.
  settle_time DATETIME(6) NULL,
  void_reason VARCHAR(1000) NOT NULL DEFAULT '',
  description VARCHAR(1000) NOT NULL DEFAULT '',
  actor VARCHAR(256) NOT NULL DEFAULT '',
  version BIGINT NOT NULL DEFAULT 1, create_time DATETIME(6) NOT NULL, update_time DATETIME(6) NOT NULL,
  create_request_id VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL, create_request_hash CHAR(16) CHARACTER SET ascii NULL,
  UNIQUE KEY uk_invoices_create_request (create_request_id),
  KEY ix_invoices_account (account_id, id),
  -- open invoices of an account, oldest due first (exposure, allocation)
  KEY ix_invoices_account_status_due (account_id, status, due_time, id),
  -- balances at a time (ageing, collection figures)
  KEY ix_invoices_account_settle (account_id, settle_time, issue_time),
  KEY ix_invoices_settle (settle_time, account_id),
  KEY ix_invoices_order (order_id),
  KEY ix_invoices_status_due (status, due_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

CREATE TABLE IF NOT EXISTS payments (
  id BIGINT NOT NULL PRIMARY KEY,
  account_id BIGINT NOT NULL,
  currency CHAR(3) CHARACTER SET ascii NOT NULL,
  amount_minor BIGINT NOT NULL,
  received_time DATETIME(6) NOT NULL,
  reference VARCHAR(200) NOT NULL DEFAULT '',
  actor VARCHAR(256) NOT NULL DEFAULT '', create_time DATETIME(6) NOT NULL,
  create_request_id VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL, create_request_hash CHAR(16) CHARACTER SET ascii NULL,
  UNIQUE KEY uk_payments_create_request (create_request_id),
  KEY ix_payments_account (account_id, id),
  KEY ix_payments_account_received (account_id, received_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- The part of a payment applied to one invoice. received_time is the
-- payment's, kept here so balances at a time need no join.
CREATE TABLE IF NOT EXISTS payment_allocations (
  payment_id BIGINT NOT NULL,
  invoice_id BIGINT NOT NULL,
  -- the allocation's place in the payment (oldest due first, or as asked)
  seq INT NOT NULL,
  account_id BIGINT NOT NULL,
  amount_minor BIGINT NOT NULL,
  received_time DATETIME(6) NOT NULL,
  PRIMARY KEY (payment_id, invoice_id),
  KEY ix_payment_allocations_invoice (invoice_id, received_time)
) ENGINE=InnoDB;
