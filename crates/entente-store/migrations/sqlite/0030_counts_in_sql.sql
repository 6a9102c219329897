-- Whether an obligation's due rule recurs, kept beside the rule: an occurrence's status depends
-- on it (a recurring duty marked done as a whole leaves its occurrences open), so with the
-- column SQL decides every occurrence's status and counts need not read rows back to judge them.
alter table obligation add column recurring integer not null default 0;
-- The dashboard counts the tenant's overdue occurrences: past duty rows alone, read from the
-- index without the key-date rows between them.
create index deadline_org_duty_due on deadline (organisation_id, due_date, agreement_id, obligation_id)
    where obligation_id is not null;
-- Key dates alone (no occurrence to judge): the dashboard counts those due in a window from
-- the index.
create index deadline_org_keydate on deadline (organisation_id, due_date, kind, obligation_id)
    where obligation_id is null;
-- What judging an occurrence reads of its agreement, duty and record, so counts over
-- thousands of rows read narrow index entries, not whole rows.
create index agreement_tracked on agreement (agreement_id, tracked_from);
create index obligation_state on obligation (obligation_id, status, recurring);
create index occurrence_state on occurrence (obligation_id, due_date, status);
-- The dashboard's count of agreements with uncapped liability.
create index agreement_org_cap on agreement (organisation_id, liability_cap_kind);
-- Filled in last: PostgreSQL refuses an index on a table with trigger events pending from an
-- update in the same transaction.
update obligation set recurring = 1 where json_extract(due, '$.kind') = 'recurring';
