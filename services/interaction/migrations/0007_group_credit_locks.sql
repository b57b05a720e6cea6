-- A group credit limit's lock (billing_store.h: LockGroup): every write that
-- adds to a member's exposure takes its groups' rows after its account's
-- billing lock, so a group's credit check sees its members' writes one at a
-- time.
CREATE TABLE IF NOT EXISTS billing_group_locks (
  group_id BIGINT NOT NULL PRIMARY KEY,
  lock_count BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB;
