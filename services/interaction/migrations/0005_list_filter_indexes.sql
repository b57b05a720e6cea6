-- The time filters of the List methods, and the case orders, that read a
-- whole table without an index (tests/indexes/list_index_test.cc;
-- docs/indexes.md maps every filter and order to its index). A range on
-- one of these reads the rows in range, then sorts them for the page.
CREATE INDEX IF NOT EXISTS ix_activities_next_follow_up ON activities (next_follow_up_time);
CREATE INDEX IF NOT EXISTS ix_activities_create_time ON activities (create_time);
CREATE INDEX IF NOT EXISTS ix_activities_update_time ON activities (update_time);
-- ix_cases_first_response_due and ix_cases_resolution_due lead with status
-- (the SLA sweep's); a filter or order_by on the due time alone needs its
-- own. With the id the primary key adds, an order_by reads one page.
CREATE INDEX IF NOT EXISTS ix_cases_first_response_due_time ON cases (first_response_due_time);
CREATE INDEX IF NOT EXISTS ix_cases_resolution_due_time ON cases (resolution_due_time);
CREATE INDEX IF NOT EXISTS ix_survey_responses_score ON survey_responses (score);
CREATE INDEX IF NOT EXISTS ix_survey_responses_create_time ON survey_responses (create_time);
CREATE INDEX IF NOT EXISTS ix_orders_order_time ON orders (order_time);
CREATE INDEX IF NOT EXISTS ix_orders_create_time ON orders (create_time);
-- ix_invoices_status_due leads with status.
CREATE INDEX IF NOT EXISTS ix_invoices_due_time ON invoices (due_time);
CREATE INDEX IF NOT EXISTS ix_invoices_issue_time ON invoices (issue_time);
CREATE INDEX IF NOT EXISTS ix_invoices_create_time ON invoices (create_time);
CREATE INDEX IF NOT EXISTS ix_payments_received_time ON payments (received_time);
CREATE INDEX IF NOT EXISTS ix_payments_create_time ON payments (create_time);
CREATE INDEX IF NOT EXISTS ix_opportunities_create_time ON opportunities (create_time);
CREATE INDEX IF NOT EXISTS ix_opportunities_update_time ON opportunities (update_time);
