-- Stage bands version 2 and measured stage moves (docs/domain.md §4).
--
-- The band version the stage machine checks shares of wallet against is a
-- setting of the book: one row (id 1), version 1 until an admin changes it
-- (UpdateStageSettings). `version` is the row's write counter (its etag).
CREATE TABLE IF NOT EXISTS stage_settings (
  id TINYINT NOT NULL PRIMARY KEY,
  band_version TINYINT NOT NULL DEFAULT 1,
  version BIGINT NOT NULL DEFAULT 1,
  update_actor VARCHAR(256) NOT NULL DEFAULT '',
  update_time DATETIME(6) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
INSERT IGNORE INTO stage_settings (id) VALUES (1);

-- A move supported by a share-of-wallet measurement records it: the share
-- measured (NULL: not a measured move), where it comes from and when.
ALTER TABLE stage_changes
  ADD COLUMN IF NOT EXISTS measured_share TINYINT NULL,
  ADD COLUMN IF NOT EXISTS measurement_source VARCHAR(200) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS measure_time DATETIME(6) NULL;
