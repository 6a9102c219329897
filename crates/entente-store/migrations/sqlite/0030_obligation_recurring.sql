-- Whether an obligation's due rule recurs, kept beside the rule: an occurrence's status depends
-- on it (a recurring duty marked done as a whole leaves its occurrences open), so with the
-- column SQL decides every occurrence's status and counts need not read rows back to judge them.
alter table obligation add column recurring integer not null default 0;
update obligation set recurring = 1 where json_extract(due, '$.kind') = 'recurring';
-- The dashboard counts the tenant's overdue occurrences: past duty rows alone, read from the
-- index without the key-date rows between them.
create index deadline_org_duty_due on deadline (organisation_id, due_date, agreement_id, obligation_id)
    where obligation_id is not null;
