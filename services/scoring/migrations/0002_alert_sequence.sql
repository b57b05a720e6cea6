-- WatchAlerts follows alerts by a number given in commit order, not by id:
-- ids come from blocks reserved per replica (common/db/id_allocator.h), so
-- with two replicas a smaller id can commit after a watcher has passed it.
-- alert_sequence holds the last number handed out; InsertAlerts locks its
-- one row, numbers its alerts and commits, so numbers become visible in
-- order (docs/decisions.md, "Alert watches follow a commit-ordered
-- sequence"). NULL: an alert written by a replica older than this
-- migration during a rolling upgrade (no watcher sees it; ListAlerts does).
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS seq BIGINT NULL;
-- Alerts stored before: one replica wrote them, so their ids are in order.
UPDATE alerts SET seq = id WHERE seq IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS ux_alerts_seq ON alerts (seq);
CREATE TABLE IF NOT EXISTS alert_sequence (
  id TINYINT NOT NULL PRIMARY KEY,
  last_seq BIGINT NOT NULL
) ENGINE=InnoDB;
INSERT IGNORE INTO alert_sequence (id, last_seq) SELECT 1, COALESCE(MAX(seq), 0) FROM alerts;
