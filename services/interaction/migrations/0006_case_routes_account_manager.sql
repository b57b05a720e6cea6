-- docs/domain.md §7: the service centre handles routine requests only;
-- complaints (2) and fault repair (3) start with the account manager (2),
-- like collections and contract supervision. 0002 seeded them at the service
-- centre (1). Only rows still holding that shipped value move: a route an
-- operator set (update_actor is who set it) is their choice and stays, and
-- running this again changes nothing. The version moves with the level so
-- an etag read before the upgrade no longer matches.
UPDATE case_routes
   SET level = 2, version = version + 1, update_time = UTC_TIMESTAMP(6)
 WHERE case_type IN (2, 3) AND level = 1 AND update_actor = 'default';
