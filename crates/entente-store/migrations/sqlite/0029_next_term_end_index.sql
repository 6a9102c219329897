-- The listing's check that stored term ends are still ahead of today, and its renewing and
-- expiring filters, read this column by tenant: without an index each listing scanned the tenant.
create index deadline_state_next_term_end on deadline_state (organisation_id, next_term_end, agreement_id);
