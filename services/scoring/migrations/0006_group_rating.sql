-- Rating a group as one customer (policy tiering.rank_unit GROUP,
-- docs/domain.md §2): each rating names the root of the group it was rated
-- as, 0 when the run rated each account on its own. Under GROUP every
-- rating of the run has one (a standalone account is its own group), so
-- the reports tell a group run from its first rating and count each group
-- once (mysql_report_store.cc).
ALTER TABLE account_ratings ADD COLUMN IF NOT EXISTS group_id BIGINT NOT NULL DEFAULT 0;
