-- The filters of ListAccountRatings, ListKeyAccountChanges and ListAlerts
-- that read a whole run, or every alert, without an index
-- (tests/indexes/list_index_test.cc; docs/indexes.md maps every filter and
-- order to its index).
-- A run's ratings are listed in account order within the run: with the
-- primary key (run_id, account_id) appended, each of these hands out one
-- value's ratings in that order, so a page reads page_size + 1 entries.
CREATE INDEX IF NOT EXISTS ix_ratings_tier ON account_ratings (run_id, tier);
CREATE INDEX IF NOT EXISTS ix_ratings_movement ON account_ratings (run_id, movement);
CREATE INDEX IF NOT EXISTS ix_ratings_segment ON account_ratings (run_id, segment);
-- The key-list changes: key accounts whose previous tier was not a key tier
-- (came on), and the reverse (came off); also the key_account filter.
CREATE INDEX IF NOT EXISTS ix_ratings_key_changes
  ON account_ratings (run_id, key_account, previous_tier);
-- No index on churn_risk or health: for a range on a score with the page's
-- LIMIT, MariaDB walks the run in account order whatever index there is
-- (docs/indexes.md), so one would cost every run's writes and serve no page.
-- Alerts are listed newest first: each equality filter with that order
-- after it reads one page. ix_alerts_run_time replaces ix_alerts_run (its
-- prefix: InsertAlerts' "has this run written alerts" check).
CREATE INDEX IF NOT EXISTS ix_alerts_kind_time ON alerts (kind, create_time, id);
CREATE INDEX IF NOT EXISTS ix_alerts_severity_time ON alerts (severity, create_time, id);
CREATE INDEX IF NOT EXISTS ix_alerts_run_time ON alerts (run_id, create_time, id);
DROP INDEX IF EXISTS ix_alerts_run ON alerts;
-- acknowledged = true: the acknowledged ones, sorted for the page.
CREATE INDEX IF NOT EXISTS ix_alerts_acknowledge_time ON alerts (acknowledge_time);
