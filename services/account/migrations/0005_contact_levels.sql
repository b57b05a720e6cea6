-- Relationships at several levels (docs/domain.md §4): each contact's level
-- in the customer's organisation (ContactLevel; 0: not recorded, covering no
-- level) and whom it reports to (a contact of the same account, or NULL).
ALTER TABLE contacts
  ADD COLUMN IF NOT EXISTS org_level TINYINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS reports_to_id BIGINT NULL;
-- The live contacts at each level, kept with contact_count in the
-- transaction of every contact write, so the export reads the coverage from
-- the account row it reads anyway. Contacts that exist before this migration
-- have no level, so every count starts at 0.
ALTER TABLE accounts
  ADD COLUMN IF NOT EXISTS executive_contact_count INT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS management_contact_count INT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS front_line_contact_count INT NOT NULL DEFAULT 0;
