-- ListAccounts filters that read the whole book without an index
-- (tests/indexes/list_index_test.cc; docs/indexes.md maps every filter and
-- order to its index). InnoDB appends the primary key to every secondary
-- index, so each of these also hands out its matches in id order, the
-- list's default order: a page reads page_size + 1 entries.
-- state: the churned accounts, few of them, and none in a young book.
CREATE INDEX IF NOT EXISTS ix_accounts_state ON accounts (state);
-- external_id: uk_accounts_external_id_live holds live accounts only, and
-- the filter compares external_id itself (deleted accounts too with
-- show_deleted).
CREATE INDEX IF NOT EXISTS ix_accounts_external_id ON accounts (external_id);
-- single_contact_risk = true is contact_count = 1.
CREATE INDEX IF NOT EXISTS ix_accounts_contact_count ON accounts (contact_count);
