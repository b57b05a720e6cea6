-- A group customer's credit limit (CreditProfile.group_credit_limit): what
-- an account and its whole subtree may owe together. NULL: no group limit.
ALTER TABLE accounts
  ADD COLUMN IF NOT EXISTS group_credit_minor BIGINT NULL,
  ADD COLUMN IF NOT EXISTS group_credit_currency CHAR(3) CHARACTER SET ascii NOT NULL DEFAULT '';
